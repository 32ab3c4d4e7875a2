/** A small wall for the wall-room component tests: two screens, two layouts, scenes and cameras. */
import { mount, flushPromises } from '@vue/test-utils';
import type { RegionContent, VideoCamera, WallLayout, WallScene, WallScreen, WallState } from '../../shared/contract';
import WallRoomView from '../../renderer/src/views/WallRoomView.vue';
import { fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';

export const SCREENS: WallScreen[] = [1, 2].map((n, i) => ({
  id: `wall-${n}`,
  label: `大屏${n}`,
  row: 0,
  col: i,
  bounds: { x: 1920 * i, y: 0, width: 1920, height: 1080 },
  role: 'wall' as const,
}));

export const MAIN_SIDE: WallLayout = {
  id: 'main-side',
  name: '一大五小',
  rows: 3,
  cols: 3,
  builtIn: true,
  regions: [
    { id: 'main', row: 0, col: 0, rowSpan: 2, colSpan: 2 },
    { id: 's1', row: 0, col: 2, rowSpan: 1, colSpan: 1 },
    { id: 's2', row: 1, col: 2, rowSpan: 1, colSpan: 1 },
    { id: 's3', row: 2, col: 0, rowSpan: 1, colSpan: 1 },
    { id: 's4', row: 2, col: 1, rowSpan: 1, colSpan: 1 },
    { id: 's5', row: 2, col: 2, rowSpan: 1, colSpan: 1 },
  ],
};
export const FULL: WallLayout = { id: 'full', name: '单画面', rows: 1, cols: 1, builtIn: true, regions: [{ id: 'main', row: 0, col: 0, rowSpan: 1, colSpan: 1 }] };

export const CAMERAS: VideoCamera[] = [
  { id: 'cam-ptz', name: '上城街道河堤', stationCode: '441602001000', townName: '上城街道', lat: 23.7, lon: 114.7, online: true, ptz: true, codec: 'h264', source: 'link' },
  { id: 'cam-fix', name: '东埔村口', stationCode: '441602002000', townName: '东埔街道', lat: 23.7, lon: 114.7, online: false, ptz: false, codec: 'h264', source: 'link' },
];

export const SCENES: WallScene[] = [
  { id: 'daily', name: '日常值守', hotkey: '1', builtIn: true, screens: {} },
  { id: 'flood-iv', name: '三防Ⅳ级响应', hotkey: '2', builtIn: true, screens: {} },
  { id: 'forest-fire', name: '森林火灾', hotkey: '3', builtIn: true, screens: {} },
  { id: 'night', name: '夜间值守', hotkey: 'F2', screens: {} },
];

const DAILY_CONTENT: Record<string, RegionContent> = {
  main: { kind: 'map' },
  s1: { kind: 'clock' },
  s2: { kind: 'kpi' },
  s3: { kind: 'video', cameraId: 'cam-ptz' },
  s4: { kind: 'video', cameraId: 'cam-fix' },
  s5: { kind: 'empty' },
};

function screenState(screenId: string, layout: WallLayout, content: Record<string, RegionContent>): WallState['screens'][number] {
  return { screenId, layout, regions: layout.regions.map((region) => ({ region, content: content[region.id] ?? { kind: 'empty' } })) };
}

export function wallState(over: Partial<WallState> = {}): WallState {
  return {
    sceneId: 'daily',
    sceneName: '日常值守',
    source: 'default',
    since: '2026-06-01T00:00:00.000Z',
    version: 1,
    takeover: null,
    override: null,
    scheduledSceneId: null,
    defaultSceneId: 'daily',
    screens: [screenState('wall-1', MAIN_SIDE, DAILY_CONTENT), screenState('wall-2', FULL, { main: { kind: 'alerts', mode: 'board' } })],
    ...over,
  };
}

/** The wall with the forest-fire scene as an override: screen 1 a single map. */
export function forestFire(version: number): WallState {
  return wallState({
    sceneId: 'forest-fire',
    sceneName: '森林火灾',
    source: 'override',
    version,
    override: { sceneId: 'forest-fire', by: 'operator', at: '2026-06-01T02:00:00.000Z' },
    screens: [screenState('wall-1', FULL, { main: { kind: 'map' } }), screenState('wall-2', FULL, { main: { kind: 'clock' } })],
  });
}

export function wallHandlers(state: () => WallState, extra: Handlers = {}): Handlers {
  return {
    'wall.state': () => ok(state()),
    'wall.screens.list': () => ok(SCREENS),
    'wall.layouts.list': () => ok([FULL, MAIN_SIDE]),
    'wall.scenes.list': () => ok(SCENES),
    'video.cameras.list': () => ok(CAMERAS),
    'wall.schedule.get': () => ok({ defaultSceneId: 'daily', entries: [] }),
    ...extra,
  };
}

export async function mountRoom(handlers: Handlers, role: 'operator' | 'wall' = 'operator') {
  const hall = fakeHall(handlers);
  const router = await testRouter([{ path: '/wall', component: WallRoomView }], '/wall');
  const wrapper = mount(WallRoomView, {
    global: globalFor(hall, router, 'zh-CN', { session: { status: 'signedIn', user: { username: role, displayName: role, role } } }),
    attachTo: document.body,
  });
  await flushPromises();
  return { hall, router, wrapper };
}

export const calls = (invoke: { mock: { calls: unknown[][] } }, method: string) => invoke.mock.calls.filter((c) => c[0] === method).map((c) => c[1]);
