/**
 * Where each window goes: a pure function of the display list, in the style of VS Code's
 * `validateWindowState(…, displays)`, so every monitor arrangement can be tested without Electron.
 *
 * The console takes the primary display (the operator's desk). Every other display shows one wall
 * screen in kiosk mode. Field lesson: kiosk windows reopen on the wrong monitor after a reboot or a
 * driver update because display ids change — so a remembered assignment is matched by display id
 * first, then by the monitor's label, then by identical bounds, and only then are the remaining
 * screens dealt out left-to-right, top-to-bottom.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A display as placement sees it; ids are strings because they are stored as TEXT in SQLite. */
export interface DisplayInfo {
  id: string;
  label: string;
  bounds: Rect;
  workArea: Rect;
  scaleFactor: number;
  internal?: boolean;
}

/** What was last known about the display a wall screen was shown on (table wall_displays). */
export interface RememberedDisplay {
  displayId: string;
  label: string;
  bounds: Rect;
}

export interface PlacementInput {
  displays: readonly DisplayInfo[];
  primaryDisplayId: string;
  remembered: ReadonlyMap<string, RememberedDisplay>;
  /** Wall screen ids wanted, in priority order: earlier screens win when displays run short. */
  wallScreens: readonly string[];
}

export type MatchedBy = 'display-id' | 'label' | 'bounds' | 'order';

export interface WallPlacement {
  screenId: string;
  display: DisplayInfo;
  matchedBy: MatchedBy;
}

export interface Placement {
  /** Null only when there is no display at all (a headless start). */
  console: DisplayInfo | null;
  walls: WallPlacement[];
  /** Wanted screens with no display left for them (their display is gone). */
  unplaced: string[];
  /** Displays other than the console's that show no wall screen. */
  idle: DisplayInfo[];
}

/** The subset of Electron's `Display` that placement reads. */
export interface ElectronDisplayLike {
  id: number;
  label: string;
  bounds: Rect;
  workArea: Rect;
  scaleFactor: number;
  internal?: boolean;
}

export function toDisplayInfo(display: ElectronDisplayLike): DisplayInfo {
  return {
    id: String(display.id),
    label: display.label ?? '',
    bounds: { ...display.bounds },
    workArea: { ...display.workArea },
    scaleFactor: display.scaleFactor,
    ...(display.internal === undefined ? {} : { internal: display.internal }),
  };
}

export function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/** Left-to-right, then top-to-bottom, then by id, so the same arrangement always deals the same way. */
export function spatialOrder(a: DisplayInfo, b: DisplayInfo): number {
  return a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y || a.id.localeCompare(b.id);
}

export function placeWindows(input: PlacementInput): Placement {
  const ordered = [...input.displays].sort(spatialOrder);
  const consoleDisplay = ordered.find((d) => d.id === input.primaryDisplayId) ?? ordered[0] ?? null;
  const free = ordered.filter((d) => d !== consoleDisplay);
  const screens = [...new Set(input.wallScreens)];
  const placed = new Map<string, WallPlacement>();

  const take = (screenId: string, display: DisplayInfo, matchedBy: MatchedBy): void => {
    placed.set(screenId, { screenId, display, matchedBy });
    free.splice(free.indexOf(display), 1);
  };
  const waiting = (): { screenId: string; memory: RememberedDisplay }[] =>
    screens.flatMap((screenId) => {
      const memory = input.remembered.get(screenId);
      return !placed.has(screenId) && memory ? [{ screenId, memory }] : [];
    });

  // Each pass runs over every screen before the next, weaker one starts, so a label or bounds
  // match can never take a display that another screen still recognises by its id.
  for (const { screenId, memory } of waiting()) {
    const display = free.find((d) => d.id === memory.displayId);
    if (display) take(screenId, display, 'display-id');
  }
  for (const { screenId, memory } of waiting()) {
    if (!memory.label) continue;
    const sameLabel = free.filter((d) => d.label === memory.label);
    // Video walls are often built from identical monitors: a label shared by several displays
    // only decides together with the bounds; otherwise the later passes decide.
    const display = sameLabel.length === 1 ? sameLabel[0] : sameLabel.find((d) => sameRect(d.bounds, memory.bounds));
    if (display) take(screenId, display, 'label');
  }
  for (const { screenId, memory } of waiting()) {
    const display = free.find((d) => sameRect(d.bounds, memory.bounds));
    if (display) take(screenId, display, 'bounds');
  }
  const unplaced: string[] = [];
  for (const screenId of screens) {
    if (placed.has(screenId)) continue;
    const display = free[0];
    if (display) take(screenId, display, 'order');
    else unplaced.push(screenId);
  }

  const walls = screens.flatMap((screenId) => {
    const placement = placed.get(screenId);
    return placement ? [placement] : [];
  });
  return { console: consoleDisplay, walls, unplaced, idle: free };
}

/**
 * The wall screens to ask for: every screen ever remembered (so a screen whose monitor is
 * unplugged keeps its id and returns to it) plus `screen-1…screen-N` to cover N extra displays.
 * Sorted by number so that `screen-2` comes before `screen-10`.
 */
export function wantedWallScreens(extraDisplays: number, remembered: Iterable<string>, configured: readonly string[] = []): string[] {
  const ids = new Set(remembered);
  // The wall's own screen ids (config wall.screens: wall-1 …) name the displays in order.
  for (let i = 1; i <= extraDisplays; i++) ids.add(configured[i - 1] ?? `screen-${i}`);
  return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Whether a window rectangle overlaps some display enough to be grabbed (VS Code's check). */
export function isReachable(rect: Rect, displays: readonly DisplayInfo[], margin = 64): boolean {
  return displays.some(({ workArea: a }) => {
    const overlapX = Math.min(rect.x + rect.width, a.x + a.width) - Math.max(rect.x, a.x);
    const overlapY = Math.min(rect.y + rect.height, a.y + a.height) - Math.max(rect.y, a.y);
    return overlapX >= Math.min(margin, rect.width) && overlapY >= Math.min(margin, rect.height);
  });
}

/** A window rectangle centred in a work area, at most `size`, never larger than the area. */
export function centredIn(area: Rect, size: { width: number; height: number }): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}
