import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { Station, WallState } from '../../shared/contract';
import WallView from '../../renderer/src/views/WallView.vue';
import { fail, fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';

const STATIONS: Station[] = [
  { code: '441602', name: '源城区', level: 'district', lat: 23.7, lon: 114.7, online: true, demo: false },
  { code: '441602001000', name: '上城街道', level: 'town', parentCode: '441602', lat: 23.7, lon: 114.7, online: true, demo: false },
  { code: '441602001001', name: '演示社区01', level: 'village', parentCode: '441602001000', lat: 23.7, lon: 114.7, online: false, demo: true },
  { code: '441602001002', name: '演示社区02', level: 'village', parentCode: '441602001000', lat: 23.7, lon: 114.7, online: true, demo: true },
];
const about: Handlers['system.about'] = () => ok({ name: '源城区应急指挥中心', version: '0.1.0', demo: true });
/** A wall whose screens (A1, B2 …) show the district's numbers in one full-screen region. */
const kpiWall = (...screenIds: string[]): WallState => ({
  sceneId: 'daily',
  sceneName: '日常值守',
  source: 'default',
  since: '2026-06-01T00:00:00.000Z',
  version: 1,
  takeover: null,
  override: null,
  scheduledSceneId: null,
  defaultSceneId: 'daily',
  screens: screenIds.map((screenId) => ({
    screenId,
    layout: { id: 'full', name: '单画面', rows: 1, cols: 1, regions: [{ id: 'main', row: 0, col: 0, rowSpan: 1, colSpan: 1 }] },
    regions: [{ region: { id: 'main', row: 0, col: 0, rowSpan: 1, colSpan: 1 }, content: { kind: 'kpi' } }],
  })),
});

async function mountWall(url: string, handlers: Handlers) {
  const hall = fakeHall({ 'system.about': about, ...handlers });
  const router = await testRouter([{ path: '/wall/:screenId', component: WallView, props: true }], url);
  const screenId = router.currentRoute.value.params['screenId'] as string;
  const wrapper = mount(WallView, { props: { screenId }, global: globalFor(hall, router), attachTo: document.body });
  await flushPromises();
  return { hall, router, wrapper };
}

describe('wall screen', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('takes the token from the URL once, keeps it per screen, removes it from the address and shows the district', async () => {
    const { hall, router, wrapper } = await mountWall('/wall/A1?token=wall-tok&x=1', { 'stations.list': () => ok(STATIONS), 'wall.state': () => ok(kpiWall('A1')) });
    expect(localStorage.getItem('hall.wallToken.A1')).toBe('wall-tok');
    expect(router.currentRoute.value.query).toEqual({ x: '1' });
    expect(hall.setToken).toHaveBeenCalledWith('wall-tok');
    const screen = wrapper.get('[data-testid="wall-screen"]');
    expect(screen.attributes('data-screen-id')).toBe('A1');
    expect(wrapper.find('[data-testid="wall-unauthorized"]').exists()).toBe(false);
    // The scene on the wall gives this screen the district's numbers.
    expect(wrapper.get('[data-testid="wall-kpi"] [data-testid="kpi-villages"]').attributes('data-value')).toBe('2');
    expect(wrapper.get('[data-testid="wall-kpi"] [data-testid="kpi-offline"]').attributes('data-value')).toBe('1');
    expect(wrapper.find('input, [data-testid="login-form"]').exists()).toBe(false);
  });

  it('uses the stored token on a later visit without one in the URL', async () => {
    localStorage.setItem('hall.wallToken.B2', 'kept');
    const { hall, wrapper } = await mountWall('/wall/B2', { 'stations.list': () => ok(STATIONS) });
    expect(hall.setToken).toHaveBeenCalledWith('kept');
    expect(wrapper.find('[data-testid="wall-unauthorized"]').exists()).toBe(false);
  });

  it('says the screen is not authorized when it has no token, and asks for nothing', async () => {
    const { hall, wrapper } = await mountWall('/wall/C3', { 'stations.list': () => ok(STATIONS), 'wall.state': () => ok(kpiWall('C3')) });
    expect(wrapper.get('[data-testid="wall-unauthorized"]').text()).toContain('此大屏未授权：请管理员签发大屏令牌');
    expect(hall.invoke).not.toHaveBeenCalledWith('stations.list', expect.anything());
    expect(hall.invoke).not.toHaveBeenCalledWith('wall.state', expect.anything());
    expect(wrapper.find('[data-testid="wall-grid"]').exists()).toBe(false);
  });

  it('says so when the token is refused, and forgets it', async () => {
    const { wrapper } = await mountWall('/wall/D4?token=revoked', { 'stations.list': () => fail('unauthorized', 'The session has ended') });
    expect(wrapper.find('[data-testid="wall-unauthorized"]').exists()).toBe(true);
    expect(localStorage.getItem('hall.wallToken.D4')).toBeNull();
  });

  it('shows the notice when its session ends while on display', async () => {
    const { hall, wrapper } = await mountWall('/wall/E5?token=t', { 'stations.list': () => ok(STATIONS) });
    hall.emit('auth.sessionEnded', { reason: 'expired' });
    await flushPromises();
    expect(wrapper.find('[data-testid="wall-unauthorized"]').exists()).toBe(true);
  });
});
