import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { DeskAlert, EvacuationRecord, EvacuationSummary, IncidentSummary, RegionContent, ScreenState, Station, WallLayout, WallState } from '../../shared/contract';
import type { ConnectionState } from '../../renderer/src/client/hall-client';
import WallView from '../../renderer/src/views/WallView.vue';
import { BUILT_IN_LAYOUTS } from '../../electron/core/wall/builtins';
import { fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';

/**
 * The wall screen renders the wall's state for its own screen: the layout as a grid with
 * spanning regions, a component per content kind, live on wall.changed and caught up after a
 * reconnect; an unknown screen says so; a takeover shows the red banner.
 */

const STATIONS: Station[] = [
  { code: '441602', name: '源城区', level: 'district', lat: 23.7, lon: 114.7, online: true, demo: false },
  { code: '441602001000', name: '上城街道', level: 'town', parentCode: '441602', lat: 23.7, lon: 114.7, online: true, demo: false },
  { code: '441602001001', name: '演示社区01', level: 'village', parentCode: '441602001000', lat: 23.7, lon: 114.7, online: false, demo: true },
];

/** The core's own built-in layouts: the screen must render what the core serves. */
const layout = (id: string): WallLayout => BUILT_IN_LAYOUTS.find((l) => l.id === id)!;
const MAIN_SIDE = layout('main-side');
const FULL = layout('full');

function screen(screenId: string, layout: WallLayout, content: Record<string, RegionContent>): ScreenState {
  return { screenId, layout, regions: layout.regions.map((region) => ({ region, content: content[region.id] ?? { kind: 'empty' } })) };
}

function wallState(over: Partial<WallState> & { screens: ScreenState[] }): WallState {
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
    ...over,
  };
}

const DAILY = wallState({
  screens: [
    screen('wall-1', MAIN_SIDE, { main: { kind: 'alerts', mode: 'board' }, s1: { kind: 'clock' }, s2: { kind: 'kpi' }, s3: { kind: 'incident' }, s4: { kind: 'video', cameraId: 'cam-7' } }),
    screen('wall-2', FULL, { main: { kind: 'kpi' } }),
  ],
});

function alert(id: string, level: DeskAlert['level'], sent: string, state: DeskAlert['state'] = 'new'): DeskAlert {
  return {
    id,
    source: 'manual',
    identifier: id,
    sender: 'x',
    level,
    type: 'flood',
    townCode: '441602001000',
    stationCode: null,
    sensorId: null,
    headline: `${level} 告警 ${id}`,
    event: '洪水',
    areaDesc: '上城街道',
    capStatus: 'Actual',
    msgType: 'Alert',
    firstSent: sent,
    sent,
    state,
    ackedBy: null,
    ackedAt: null,
    closedBy: null,
    closedAt: null,
    resolution: null,
    incidentId: null,
    ruleId: null,
    remindStage: 0,
    messages: 1,
    updatedAt: sent,
  };
}

function incident(id: string, over: Partial<IncidentSummary> = {}): IncidentSummary {
  const at = '2026-06-01T03:00:00.000Z';
  return {
    id,
    title: `事件 ${id}`,
    type: 'flood',
    family: 'flood',
    level: null,
    status: 'active',
    place: { stationCode: '441602001000', point: null, area: null, description: '' },
    occurredAt: at,
    commander: null,
    summary: '',
    sourceAlertId: null,
    cameraIds: [],
    createdBy: 'operator',
    createdAt: at,
    updatedAt: at,
    activatedAt: null,
    closedAt: null,
    closedBy: null,
    closeNote: null,
    kpis: { durationMinutes: 0, openAlerts: 0, moved: 0, toMove: 0, overdueTasks: 0, openTasks: 0, confirmedDeliveries: 0, totalDeliveries: 0, checklistDone: 0, checklistTotal: 0, pendingProposals: 0 },
    ...over,
  };
}

/** An evacuation summary as the core makes it: towns totalled, drills left out of the figures. */
function evacuation(records: Pick<EvacuationRecord, 'stationCode' | 'stationName' | 'townCode' | 'toMove' | 'moved' | 'status'>[]): EvacuationSummary {
  const full = records.map((r) => ({ shelter: '', updatedAt: '2026-06-01T03:30:00.000Z', updatedBy: 'operator', lat: 23.7, lon: 114.7, ...r }));
  const counted = full.filter((r) => r.status !== 'drill');
  const towns = [...new Set(full.map((r) => r.townCode))].map((townCode) => {
    const rows = counted.filter((r) => r.townCode === townCode);
    return { townCode, townName: STATIONS.find((s) => s.code === townCode)?.name ?? townCode, toMove: rows.reduce((n, r) => n + r.toMove, 0), moved: rows.reduce((n, r) => n + r.moved, 0), villages: rows.length };
  });
  return {
    records: full,
    byTown: towns,
    totals: { toMove: counted.reduce((n, r) => n + r.toMove, 0), moved: counted.reduce((n, r) => n + r.moved, 0), villages: counted.length },
  };
}

interface Setup {
  state?: () => WallState;
  alerts?: () => DeskAlert[];
  /** The incidents in progress, as incidents.list {status: ['active', 'closing']} answers. */
  incidents?: () => IncidentSummary[];
  /** Evacuation per incident id (none recorded when absent). */
  evacuation?: (id: string) => EvacuationSummary;
  extra?: Handlers;
}

async function mountWall(screenId: string, setup: Setup = {}) {
  let current = setup.state ?? (() => DAILY);
  const alerts = setup.alerts ?? (() => []);
  const incidents = setup.incidents ?? (() => []);
  const evacuationOf = setup.evacuation ?? (() => evacuation([]));
  const hall = fakeHall({
    'system.about': () => ok({ name: '源城区应急指挥中心', version: '0.1.0', demo: true }),
    'stations.list': () => ok(STATIONS),
    'wall.state': () => ok(current()),
    'alerts.list': (p) => {
      const states = p.state === undefined ? null : Array.isArray(p.state) ? p.state : [p.state];
      const items = alerts().filter((a) => !states || states.includes(a.state));
      return ok({ items, nextCursor: null, total: items.length });
    },
    'alerts.counts': () => {
      const open = alerts().filter((a) => ['new', 'acknowledged', 'handling'].includes(a.state));
      return ok({ open: open.length, unacknowledged: open.filter((a) => a.state === 'new').length, byLevel: { blue: 0, yellow: 0, orange: 0, red: open.filter((a) => a.level === 'red').length } });
    },
    'incidents.list': (p) => ok(incidents().filter((i) => !p.status || p.status.includes(i.status))),
    'incidents.evacuation.list': (p) => ok(evacuationOf(p.id)),
    ...setup.extra,
  });
  // Connection changes the test can drive (the fake's are no-ops).
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  hall.client.onConnectionState = (listener) => {
    connectionListeners.add(listener);
    return () => connectionListeners.delete(listener);
  };
  localStorage.setItem(`hall.wallToken.${screenId}`, 'wall-token');
  const router = await testRouter([{ path: '/wall/:screenId', component: WallView, props: true }], `/wall/${screenId}`);
  const wrapper = mount(WallView, {
    props: { screenId },
    global: { ...globalFor(hall, router), stubs: { WallMapRegion: true, VideoTile: true } },
    attachTo: document.body,
  });
  await flushPromises();
  return {
    hall,
    wrapper,
    setState: (next: () => WallState) => {
      current = next;
    },
    connection: (state: ConnectionState) => {
      connectionListeners.forEach((l) => l(state));
    },
  };
}

const region = (wrapper: Awaited<ReturnType<typeof mountWall>>['wrapper'], id: string) => wrapper.get(`[data-testid="wall-region"][data-region-id="${id}"]`);

describe('wall screen scenes', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lays out its own screen as a grid: spanning regions land on their cells, each with its kind', async () => {
    const { wrapper } = await mountWall('wall-1');
    const grid = wrapper.get('[data-testid="wall-grid"]');
    expect(grid.attributes('data-layout-id')).toBe('main-side');
    const style = (grid.element as HTMLElement).style;
    expect(style.gridTemplateRows).toBe('repeat(3, minmax(0, 1fr))');
    expect(style.gridTemplateColumns).toBe('repeat(3, minmax(0, 1fr))');
    expect(wrapper.findAll('[data-testid="wall-region"]')).toHaveLength(6);

    const main = region(wrapper, 'main').element as HTMLElement;
    expect(main.style.gridRow).toBe('1 / span 2');
    expect(main.style.gridColumn).toBe('1 / span 2');
    const s2 = region(wrapper, 's2').element as HTMLElement;
    expect([s2.style.gridRow, s2.style.gridColumn]).toEqual(['2 / span 1', '3 / span 1']);
    const s5 = region(wrapper, 's5').element as HTMLElement;
    expect([s5.style.gridRow, s5.style.gridColumn]).toEqual(['3 / span 1', '3 / span 1']);

    expect(region(wrapper, 'main').find('[data-testid="wall-alerts"]').attributes('data-mode')).toBe('board');
    expect(region(wrapper, 's1').find('[data-testid="wall-clock"]').exists()).toBe(true);
    expect(region(wrapper, 's2').get('[data-testid="kpi-villages"]').attributes('data-value')).toBe('1');
    expect(region(wrapper, 's3').get('[data-testid="wall-incident"]').text()).toContain('无进行中的事件');
    expect(region(wrapper, 's4').get('[data-testid="wall-video"]').attributes('data-camera')).toBe('cam-7');
    expect(region(wrapper, 's4').findComponent({ name: 'VideoTile' }).props()).toMatchObject({ cameraId: 'cam-7', compact: true });
    expect(region(wrapper, 's5').attributes('data-kind')).toBe('empty');
    expect(wrapper.get('[data-testid="wall-scene"]').text()).toContain('日常值守');
    // The ticker and the footer stay outside the grid, along the bottom.
    expect(grid.element.querySelector('[data-testid="alert-ticker"]')).toBeNull();
  });

  it('shows only its own screen of the scene', async () => {
    const { wrapper } = await mountWall('wall-2');
    expect(wrapper.get('[data-testid="wall-grid"]').attributes('data-layout-id')).toBe('full');
    expect(wrapper.findAll('[data-testid="wall-region"]')).toHaveLength(1);
    expect(wrapper.find('[data-testid="wall-kpi"]').exists()).toBe(true);
  });

  it('replaces the content at once on wall.changed, and ignores an older fetched state', async () => {
    const { hall, wrapper, setState, connection } = await mountWall('wall-1');
    const fire = wallState({
      sceneId: 'forest-fire',
      sceneName: '森林火灾',
      source: 'override',
      version: 5,
      screens: [screen('wall-1', FULL, { main: { kind: 'clock' } }), screen('wall-2', FULL, { main: { kind: 'empty' } })],
    });
    hall.emit('wall.changed', fire);
    await flushPromises();
    expect(wrapper.get('[data-testid="wall-grid"]').attributes('data-layout-id')).toBe('full');
    expect(wrapper.findAll('[data-testid="wall-region"]')).toHaveLength(1);
    expect(wrapper.find('[data-testid="wall-alerts"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="wall-clock"]').exists()).toBe(true);
    const label = wrapper.get('[data-testid="wall-scene"]');
    expect(label.attributes('data-scene-id')).toBe('forest-fire');
    expect(label.text()).toContain('森林火灾');
    expect(label.text()).toContain('手动');

    // Back online, the screen asks again and takes what the core says now.
    const flood = wallState({ ...fire, sceneId: 'flood-iv', sceneName: '三防Ⅳ级响应', version: 7, screens: [screen('wall-1', FULL, { main: { kind: 'kpi' } })] });
    setState(() => flood);
    connection('online');
    await flushPromises();
    expect(wrapper.get('[data-testid="wall-scene"]').attributes('data-scene-id')).toBe('flood-iv');
    expect(wrapper.find('[data-testid="wall-kpi"]').exists()).toBe(true);
  });

  it('catches up after a reconnect, and a fetched state older than an event that beat it is dropped', async () => {
    let release: () => void = () => undefined;
    const stale = wallState({ sceneId: 'daily', version: 3, screens: DAILY.screens });
    let now: WallState = DAILY;
    let slowNext: Promise<ReturnType<typeof ok<WallState>>> | null = null;
    // Only wall.state is slowed (the ticker and the board also reload on reconnect).
    const { hall, wrapper, connection } = await mountWall('wall-1', {
      extra: {
        'wall.state': () => {
          const slow = slowNext;
          slowNext = null;
          return slow ?? ok(now);
        },
      },
    });
    now = stale;
    // A slow answer: the event of version 4 arrives while it is on its way.
    slowNext = new Promise((resolve) => (release = () => resolve(ok(stale))));
    connection('online');
    hall.emit('wall.changed', wallState({ sceneId: 'emergency', sceneName: '应急接管', version: 4, screens: [screen('wall-1', FULL, { main: { kind: 'clock' } })] }));
    release();
    await flushPromises();
    expect(wrapper.get('[data-testid="wall-scene"]').attributes('data-scene-id')).toBe('emergency');
  });

  it('says clearly when the wall has no such screen', async () => {
    const { wrapper } = await mountWall('screen-9');
    const notice = wrapper.get('[data-testid="wall-unknown-screen"]');
    expect(notice.text()).toContain('screen-9');
    expect(notice.text()).toContain('wall-1');
    expect(wrapper.find('[data-testid="wall-grid"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="wall-unauthorized"]').exists()).toBe(false);
  });

  it('shows the red takeover banner with the alert headline while a takeover holds the wall', async () => {
    const takeover = wallState({
      sceneId: 'emergency',
      sceneName: '应急接管',
      source: 'takeover',
      version: 9,
      takeover: { sceneId: 'emergency', alertId: 'a-red', headline: '东江水位超警戒', at: '2026-06-01T00:00:00.000Z' },
      screens: [screen('wall-1', FULL, { main: { kind: 'alerts', mode: 'board' } })],
    });
    const { hall, wrapper } = await mountWall('wall-1', { state: () => takeover, alerts: () => [alert('a-red', 'red', '2026-06-01T00:00:00.000Z')] });
    const banner = wrapper.get('[data-testid="wall-takeover"]');
    expect(banner.text()).toContain('应急接管：东江水位超警戒');
    expect(banner.attributes('data-alert-id')).toBe('a-red');
    expect(wrapper.get('[data-testid="wall-screen"]').classes()).toContain('is-takeover');

    hall.emit('wall.changed', { ...DAILY, version: 10 });
    await flushPromises();
    expect(wrapper.find('[data-testid="wall-takeover"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="wall-scene"]').attributes('data-scene-id')).toBe('daily');
  });
});

describe('wall regions', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('the alert board lists open alerts most severe and newest first, live on alerts.changed', async () => {
    let list = [alert('b1', 'blue', '2026-06-01T03:00:00Z'), alert('o1', 'orange', '2026-06-01T01:00:00Z', 'acknowledged'), alert('o2', 'orange', '2026-06-01T02:00:00Z', 'handling'), alert('c1', 'red', '2026-06-01T04:00:00Z', 'closed')];
    const { hall, wrapper } = await mountWall('wall-1', { alerts: () => list });
    const ids = () => wrapper.findAll('[data-testid="wall-alert-row"]').map((r) => r.attributes('data-id'));
    expect(ids()).toEqual(['o2', 'o1', 'b1']);
    expect(wrapper.get('[data-testid="wall-alert-row"]').text()).toContain('上城街道');
    expect(wrapper.get('[data-testid="wall-alert-row"]').text()).toContain('处置中');

    list = [...list, alert('r1', 'red', '2026-06-01T00:30:00Z')];
    hall.emit('alerts.changed', { ids: ['r1'] } as never);
    await flushPromises();
    expect(ids()).toEqual(['r1', 'o2', 'o1', 'b1']);
    expect(wrapper.get('[data-testid="wall-alerts-count-red"]').attributes('data-value')).toBe('1');
    expect(wrapper.get('[data-testid="wall-kpi-alerts"]').attributes('data-open')).toBe('4');
  });

  it('the incident region shows the newest active incident with its level, place and people', async () => {
    const slide = incident('inc-2', { title: '公园路山体滑坡', level: 'II', place: { stationCode: '441602001000', point: null, area: null, description: '' } });
    const older = incident('inc-1', { title: '旧事件', level: 'IV', status: 'closing' });
    const { wrapper, hall } = await mountWall('wall-1', { incidents: () => [slide, older] });
    const region = wrapper.get('[data-testid="wall-incident"]');
    expect(region.attributes('data-state')).toBe('active');
    expect(region.attributes('data-incident-id')).toBe('inc-2');
    expect(region.text()).toContain('公园路山体滑坡');
    expect(region.text()).toContain('上城街道');
    expect(region.get('[data-testid="wall-incident-level"]').text()).toBe('Ⅱ级响应');
    expect((region.get('[data-testid="wall-incident-level"]').element as HTMLElement).closest('article')!.getAttribute('style')).toContain('#ff9640');
    // No evacuation recorded yet.
    expect(region.get('[data-testid="wall-incident-people"]').attributes()).toMatchObject({ 'data-moved': '0', 'data-to-move': '0' });
    expect(region.text()).toContain('暂无转移记录');
    expect(hall.invoke).toHaveBeenCalledWith('incidents.list', { status: ['active', 'closing'] });
  });

  it('the incident region follows the scene’s incident, and is calm when none is in progress', async () => {
    let list = [incident('inc-2', { title: '新事件' }), incident('inc-1', { title: '场景指定的事件', status: 'closing' })];
    const named = wallState({ screens: [screen('wall-1', FULL, { main: { kind: 'incident', incidentId: 'inc-1' } })] });
    const { wrapper, hall } = await mountWall('wall-1', { state: () => named, incidents: () => list });
    const region = () => wrapper.get('[data-testid="wall-incident"]');
    expect(region().attributes('data-incident-id')).toBe('inc-1');
    expect(region().text()).toContain('场景指定的事件');
    expect(region().text()).toContain('收尾中');

    list = [];
    hall.emit('incidents.changed', { ids: ['inc-1', 'inc-2'], parts: ['incident'] });
    await flushPromises();
    expect(region().attributes()).toMatchObject({ 'data-state': 'none', 'data-incident-id': '' });
    expect(region().text()).toContain('无进行中的事件');
  });

  it('the incident region shows the zones of two villages in their colours with the totals, live on incidents.changed', async () => {
    const flood = incident('inc-9', { title: '上城街道内涝', level: 'III' });
    let records = [
      { stationCode: '441602001001', stationName: '演示社区01', townCode: '441602001000', toMove: 120, moved: 30, status: 'evacuate' as const },
      { stationCode: '441602001002', stationName: '演示社区02', townCode: '441602001000', toMove: 40, moved: 0, status: 'prepare' as const },
    ];
    const { wrapper, hall } = await mountWall('wall-1', { incidents: () => [flood], evacuation: (id) => (id === 'inc-9' ? evacuation(records) : evacuation([])) });
    const region = wrapper.get('[data-testid="wall-incident"]');
    const chips = () => region.findAll('[data-testid="wall-evac-chip"]').map((c) => [c.attributes('data-station'), c.attributes('data-status'), c.attributes('data-color'), c.text()]);
    expect(chips()).toEqual([
      ['441602001001', 'evacuate', '#ff3b48', '演示社区01'],
      ['441602001002', 'prepare', '#ffe14d', '演示社区02'],
    ]);
    // The chips are painted in their zone colours.
    expect(region.get('[data-station="441602001001"]').attributes('style')).toContain('#ff3b48');
    expect(region.get('[data-testid="wall-evac-town"]').text()).toContain('上城街道');
    expect(region.get('[data-testid="wall-incident-people"]').attributes()).toMatchObject({ 'data-moved': '30', 'data-to-move': '160' });
    expect(region.get('[data-testid="wall-incident-people"]').text()).toContain('160');
    expect(region.findAll('[data-testid="wall-evac-count"]').map((c) => [c.attributes('data-status'), c.attributes('data-value')])).toEqual([
      ['prepare', '1'],
      ['evacuate', '1'],
    ]);

    // Only the log changed: nothing to fetch.
    const calls = () => hall.invoke.mock.calls.filter(([m]) => m === 'incidents.evacuation.list').length;
    const before = calls();
    hall.emit('incidents.changed', { ids: ['inc-9'], parts: ['timeline'] });
    await flushPromises();
    expect(calls()).toBe(before);

    // The second village moves: the chip turns red and the totals follow.
    records = [records[0]!, { ...records[1]!, moved: 40, status: 'evacuate' }];
    hall.emit('incidents.changed', { ids: ['inc-9'], parts: ['evacuation', 'timeline'] });
    await flushPromises();
    expect(chips().map(([, status, color]) => [status, color])).toEqual([
      ['evacuate', '#ff3b48'],
      ['evacuate', '#ff3b48'],
    ]);
    expect(region.get('[data-testid="wall-incident-people"]').attributes()).toMatchObject({ 'data-moved': '70', 'data-to-move': '160' });
  });

  it('a web page the CSP refuses to frame shows its address and why', async () => {
    // happy-dom would fetch the framed page (and log that it cannot): keep it quiet.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const web = wallState({ screens: [screen('wall-1', FULL, { main: { kind: 'web', url: 'https://gd.example.cn/rain' } })] });
    const { wrapper } = await mountWall('wall-1', { state: () => web });
    const frame = wrapper.get('[data-testid="wall-web"]');
    expect(frame.find('iframe').attributes('sandbox')).toBe('allow-scripts allow-same-origin');
    const violation = Object.assign(new Event('securitypolicyviolation'), { effectiveDirective: 'frame-src', violatedDirective: 'frame-src', blockedURI: 'https://gd.example.cn/rain' });
    document.dispatchEvent(violation);
    await flushPromises();
    expect(frame.attributes('data-state')).toBe('blocked');
    expect(frame.find('iframe').exists()).toBe(false);
    expect(frame.text()).toContain('https://gd.example.cn/rain');
    expect(frame.text()).toContain('frame-src');
    quiet.mockRestore();
  });
});
