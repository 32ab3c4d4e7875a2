/**
 * The wall's rules, pure (no database, no clock of its own): which scene is on the wall and
 * why — emergency takeover > operator override > schedule > default —, which schedule entry
 * holds at a time, layouts whose regions fit their grid without overlapping, and what each
 * screen shows once the scene and the operator's region changes are laid over each other.
 */
import type { LayoutRegion, RegionContent, ScheduleEntry, ScreenState, WallLayout, WallScene, WallScreen, WallSource } from '../../../shared/contract';

export interface Override {
  sceneId: string;
  by: string;
  at: string;
  /** Regions the operator changed on top of the scene: screenId → regionId → content. */
  regions: Record<string, Record<string, RegionContent>>;
}

export interface Takeover {
  sceneId: string;
  alertId: string;
  headline: string;
  at: string;
}

/** Minutes since midnight in the hall's time zone (China has no DST: a fixed +08:00 by default). */
export function hallClock(now: Date, offsetMinutes = 480): { day: number; minutes: number } {
  const local = new Date(now.getTime() + offsetMinutes * 60_000);
  return { day: local.getUTCDay(), minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The first entry whose window holds `now`. A window whose end is not after its start crosses
 * midnight (22:00–06:00 is the night shift); its day is the day it starts on.
 */
export function scheduledEntry(entries: readonly ScheduleEntry[], now: Date, offsetMinutes = 480): ScheduleEntry | null {
  const { day, minutes } = hallClock(now, offsetMinutes);
  const yesterday = (day + 6) % 7;
  for (const e of entries) {
    const from = toMinutes(e.from);
    const to = toMinutes(e.to);
    const onDay = (d: number) => e.days.length === 0 || e.days.includes(d);
    if (from < to) {
      if (onDay(day) && minutes >= from && minutes < to) return e;
    } else if ((onDay(day) && minutes >= from) || (onDay(yesterday) && minutes < to)) {
      return e;
    }
  }
  return null;
}

export function effectiveScene(input: { takeover: Takeover | null; override: Override | null; scheduled: string | null; defaultSceneId: string }): { sceneId: string; source: WallSource } {
  if (input.takeover) return { sceneId: input.takeover.sceneId, source: 'takeover' };
  if (input.override) return { sceneId: input.override.sceneId, source: 'override' };
  if (input.scheduled) return { sceneId: input.scheduled, source: 'schedule' };
  return { sceneId: input.defaultSceneId, source: 'default' };
}

/** Problems of a layout: regions outside the grid, overlapping, or with duplicate ids. */
export function layoutProblems(layout: WallLayout): { path: string; problem: string }[] {
  const problems: { path: string; problem: string }[] = [];
  const taken = new Map<string, string>();
  const ids = new Set<string>();
  layout.regions.forEach((r, i) => {
    const path = `layout.regions.${i}`;
    if (ids.has(r.id)) problems.push({ path: `${path}.id`, problem: `region id "${r.id}" is used twice` });
    ids.add(r.id);
    if (r.row + r.rowSpan > layout.rows || r.col + r.colSpan > layout.cols) {
      problems.push({ path, problem: `region "${r.id}" (row ${r.row}+${r.rowSpan}, col ${r.col}+${r.colSpan}) does not fit a ${layout.rows}×${layout.cols} grid` });
      return;
    }
    for (let y = r.row; y < r.row + r.rowSpan; y++) {
      for (let x = r.col; x < r.col + r.colSpan; x++) {
        const other = taken.get(`${y},${x}`);
        if (other) problems.push({ path, problem: `region "${r.id}" overlaps "${other}" at row ${y}, col ${x}` });
        else taken.set(`${y},${x}`, r.id);
      }
    }
  });
  return problems;
}

/** Every screen with its layout and the content of each region (scene, then the operator's changes). */
export function screenStates(
  screens: readonly WallScreen[],
  scene: WallScene,
  layouts: ReadonlyMap<string, WallLayout>,
  regionChanges: Override['regions'] | null,
  resolve: (content: RegionContent) => RegionContent,
): ScreenState[] {
  const full = layouts.get('full')!;
  return screens.map((screen) => {
    const planned = scene.screens[screen.id];
    const layout = (planned && layouts.get(planned.layoutId)) ?? full;
    const regions = layout.regions.map((region: LayoutRegion) => {
      const content = regionChanges?.[screen.id]?.[region.id] ?? planned?.content[region.id] ?? { kind: 'empty' as const };
      return { region, content: resolve(content) };
    });
    return { screenId: screen.id, layout, regions };
  });
}
