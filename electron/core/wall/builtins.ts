/**
 * Built-in layouts and scenes. Scenes are written for a wall of three screens (map, video, the
 * board) and laid onto the configured screens by position, so a wall of any size gets them.
 * Video regions name `auto:<n>` — the n-th online camera — so a scene needs no camera ids from
 * a particular district feed; the core turns them into real ids when it builds the wall's state.
 */
import type { LayoutRegion, RegionContent, SceneScreen, WallLayout, WallScene, WallScreen } from '../../../shared/contract';

function grid(id: string, name: string, n: number): WallLayout {
  const regions: LayoutRegion[] = [];
  for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) regions.push({ id: `r${row * n + col + 1}`, row, col, rowSpan: 1, colSpan: 1 });
  return { id, name, rows: n, cols: n, regions, builtIn: true };
}

export const BUILT_IN_LAYOUTS: readonly WallLayout[] = [
  { id: 'full', name: '单画面', rows: 1, cols: 1, regions: [{ id: 'main', row: 0, col: 0, rowSpan: 1, colSpan: 1 }], builtIn: true },
  grid('grid-2x2', '四画面', 2),
  grid('grid-3x3', '九画面', 3),
  grid('grid-4x4', '十六画面', 4),
  {
    id: 'main-side',
    name: '一大五小',
    rows: 3,
    cols: 3,
    regions: [
      { id: 'main', row: 0, col: 0, rowSpan: 2, colSpan: 2 },
      { id: 's1', row: 0, col: 2, rowSpan: 1, colSpan: 1 },
      { id: 's2', row: 1, col: 2, rowSpan: 1, colSpan: 1 },
      { id: 's3', row: 2, col: 0, rowSpan: 1, colSpan: 1 },
      { id: 's4', row: 2, col: 1, rowSpan: 1, colSpan: 1 },
      { id: 's5', row: 2, col: 2, rowSpan: 1, colSpan: 1 },
    ],
    builtIn: true,
  },
  {
    id: 'board',
    name: '看板',
    rows: 2,
    cols: 3,
    regions: [
      { id: 'kpi', row: 0, col: 0, rowSpan: 1, colSpan: 2 },
      { id: 'clock', row: 0, col: 2, rowSpan: 1, colSpan: 1 },
      { id: 'alerts', row: 1, col: 0, rowSpan: 1, colSpan: 2 },
      { id: 'side', row: 1, col: 2, rowSpan: 1, colSpan: 1 },
    ],
    builtIn: true,
  },
];

const video = (n: number): RegionContent => ({ kind: 'video', cameraId: `auto:${n}` });
const videos = (from: number, count: number, prefix = 'r'): Record<string, RegionContent> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i + 1}`, video(from + i)]));

/** The three screens of each built-in scene: [map screen, video screen, board screen]. */
const PLANS: { id: string; name: string; hotkey: string; screens: SceneScreen[] }[] = [
  {
    id: 'daily',
    name: '日常值守',
    hotkey: '1',
    screens: [
      { layoutId: 'main-side', content: { main: { kind: 'map' }, s1: { kind: 'clock' }, s2: { kind: 'kpi' }, s3: video(1), s4: video(2), s5: video(3) } },
      { layoutId: 'grid-3x3', content: videos(4, 9) },
      { layoutId: 'board', content: { kpi: { kind: 'kpi' }, clock: { kind: 'clock' }, alerts: { kind: 'alerts', mode: 'board' }, side: video(13) } },
    ],
  },
  {
    id: 'flood-iv',
    name: '三防Ⅳ级响应',
    hotkey: '2',
    screens: [
      { layoutId: 'full', content: { main: { kind: 'map' } } },
      { layoutId: 'grid-2x2', content: videos(1, 4) },
      { layoutId: 'board', content: { kpi: { kind: 'kpi' }, clock: { kind: 'clock' }, alerts: { kind: 'alerts', mode: 'board' }, side: { kind: 'incident' } } },
    ],
  },
  {
    id: 'forest-fire',
    name: '森林火灾',
    hotkey: '3',
    screens: [
      { layoutId: 'main-side', content: { main: { kind: 'map' }, s1: video(1), s2: video(2), s3: video(3), s4: video(4), s5: { kind: 'clock' } } },
      { layoutId: 'grid-3x3', content: videos(5, 9) },
      { layoutId: 'board', content: { kpi: { kind: 'kpi' }, clock: { kind: 'clock' }, alerts: { kind: 'alerts', mode: 'board' }, side: { kind: 'incident' } } },
    ],
  },
  {
    id: 'emergency',
    name: '应急接管',
    hotkey: '9',
    screens: [
      { layoutId: 'full', content: { main: { kind: 'alerts', mode: 'board' } } },
      { layoutId: 'full', content: { main: { kind: 'map' } } },
      { layoutId: 'grid-2x2', content: { r1: video(1), r2: video(2), r3: { kind: 'kpi' }, r4: { kind: 'incident' } } },
    ],
  },
];

/** The built-in scenes for these screens (by position, repeating the plan on walls wider than three). */
export function builtInScenes(screens: readonly WallScreen[]): WallScene[] {
  return PLANS.map((plan) => ({
    id: plan.id,
    name: plan.name,
    hotkey: plan.hotkey,
    builtIn: true,
    screens: Object.fromEntries(screens.map((s, i) => [s.id, plan.screens[i % plan.screens.length]!])),
  }));
}

/** The demo wall (and the default when no screens are configured): one row of three 1080p screens. */
export function defaultScreens(): WallScreen[] {
  return [1, 2, 3].map((n, i) => ({
    id: `wall-${n}`,
    label: `大屏${n}`,
    row: 0,
    col: i,
    bounds: { x: 1920 * (i + 1), y: 0, width: 1920, height: 1080 },
    role: 'wall' as const,
  }));
}
