/**
 * The video wall's model and service: precedence (takeover > override > schedule > default),
 * schedule windows (including across midnight), layouts whose regions span cells, scene
 * validation, region changes as an override, revert, the red-alert takeover handed back on
 * acknowledgement, `auto:<n>` cameras, and the version every change bumps.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import type { Core } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import { BUILT_IN_LAYOUTS } from '../../electron/core/wall/builtins';
import { effectiveScene, layoutProblems, scheduledEntry, screenStates } from '../../electron/core/wall/model';
import type { DeskAlert, EventOf, ScheduleEntry, WallLayout, WallState } from '../../shared/contract';
import { signInAs, startCore, valueOf } from '../fixtures/core-helpers';

/** 2026-06-10 is a Wednesday (day 3); times are China time. */
const at = (hhmm: string, day = '10') => new Date(`2026-06-${day}T${hhmm}:00+08:00`);

describe('the schedule', () => {
  const entries: ScheduleEntry[] = [
    { sceneId: 'night', days: [], from: '22:00', to: '06:00' },
    { sceneId: 'weekday-morning', days: [1, 2, 3, 4, 5], from: '08:00', to: '12:00' },
  ];
  it('picks the window that holds the time, crossing midnight, on its days only', () => {
    expect(scheduledEntry(entries, at('23:30'))?.sceneId).toBe('night');
    expect(scheduledEntry(entries, at('05:59'))?.sceneId).toBe('night');
    expect(scheduledEntry(entries, at('06:00'))).toBeNull();
    expect(scheduledEntry(entries, at('08:00'))?.sceneId).toBe('weekday-morning');
    expect(scheduledEntry(entries, at('11:59'))?.sceneId).toBe('weekday-morning');
    expect(scheduledEntry(entries, at('12:00'))).toBeNull();
    expect(scheduledEntry(entries, at('09:00', '13'))).toBeNull(); // a Saturday
    // A night window on Fridays only still holds early on Saturday.
    const friday = [{ sceneId: 'fri-night', days: [5], from: '20:00', to: '02:00' }];
    expect(scheduledEntry(friday, at('01:00', '13'))?.sceneId).toBe('fri-night');
    expect(scheduledEntry(friday, at('01:00', '14'))).toBeNull();
  });

  it('precedence: takeover > override > schedule > default', () => {
    const takeover = { sceneId: 'emergency', alertId: 'a', headline: 'h', at: '' };
    const override = { sceneId: 'forest-fire', by: 'op', at: '', regions: {} };
    expect(effectiveScene({ takeover, override, scheduled: 'night', defaultSceneId: 'daily' })).toEqual({ sceneId: 'emergency', source: 'takeover' });
    expect(effectiveScene({ takeover: null, override, scheduled: 'night', defaultSceneId: 'daily' })).toEqual({ sceneId: 'forest-fire', source: 'override' });
    expect(effectiveScene({ takeover: null, override: null, scheduled: 'night', defaultSceneId: 'daily' })).toEqual({ sceneId: 'night', source: 'schedule' });
    expect(effectiveScene({ takeover: null, override: null, scheduled: null, defaultSceneId: 'daily' })).toEqual({ sceneId: 'daily', source: 'default' });
  });
});

describe('layouts', () => {
  it('regions must fit the grid and not overlap; spans are honoured', () => {
    const ok: WallLayout = { id: 'l', name: 'l', rows: 2, cols: 3, regions: [{ id: 'big', row: 0, col: 0, rowSpan: 2, colSpan: 2 }, { id: 'a', row: 0, col: 2, rowSpan: 1, colSpan: 1 }, { id: 'b', row: 1, col: 2, rowSpan: 1, colSpan: 1 }] };
    expect(layoutProblems(ok)).toEqual([]);
    for (const l of BUILT_IN_LAYOUTS) expect(layoutProblems(l), l.id).toEqual([]);
    const bad: WallLayout = { ...ok, regions: [...ok.regions, { id: 'a', row: 1, col: 1, rowSpan: 1, colSpan: 3 }] };
    const problems = layoutProblems(bad).map((p) => p.problem);
    expect(problems.some((p) => p.includes('used twice'))).toBe(true);
    expect(problems.some((p) => p.includes('does not fit'))).toBe(true);
    const overlap: WallLayout = { ...ok, regions: [...ok.regions, { id: 'c', row: 1, col: 1, rowSpan: 1, colSpan: 1 }] };
    expect(layoutProblems(overlap)).toEqual([{ path: 'layout.regions.3', problem: 'region "c" overlaps "big" at row 1, col 1' }]);
  });

  it('a screen state lays the operator’s region changes over the scene, and screens without a plan show one empty region', () => {
    const layouts = new Map(BUILT_IN_LAYOUTS.map((l) => [l.id, l]));
    const screens = ['s1', 's2'].map((id, i) => ({ id, label: id, row: 0, col: i, bounds: { x: 0, y: 0, width: 1, height: 1 }, role: 'wall' as const }));
    const scene = { id: 'x', name: 'x', screens: { s1: { layoutId: 'grid-2x2', content: { r1: { kind: 'map' as const }, r2: { kind: 'clock' as const } } } } };
    const states = screenStates(screens, scene, layouts, { s1: { r2: { kind: 'kpi' } } }, (c) => c);
    expect(states[0]!.regions.map((r) => [r.region.id, r.content.kind])).toEqual([['r1', 'map'], ['r2', 'kpi'], ['r3', 'empty'], ['r4', 'empty']]);
    expect(states[1]!.layout.id).toBe('full');
    expect(states[1]!.regions.map((r) => r.content.kind)).toEqual(['empty']);
  });
});

describe('the wall in a core', () => {
  async function wallCore(clockAt = at('10:00')): Promise<{ core: Core; operator: CallContext; clock: { now: Date }; states: WallState[] }> {
    const clock = { now: clockAt };
    const { core } = await startCore({
      demo: true,
      startDemoDistrict: null,
      now: () => clock.now,
      config: parseConfig({ demo: true, wall: { webAllowlist: ['https://weather.example'] } }),
    });
    const states: WallState[] = [];
    core.events.on('wall.changed', (s: EventOf<'wall.changed'>) => states.push(s));
    core.link.store.cameras.upsert('cam-b', { name: '乙', stationCode: '441602002000', lat: 23.7, lon: 114.7, online: true, ptz: false, streams: { hls: 'http://hall.local/video/cam-b/index.m3u8' } }, '');
    core.link.store.cameras.upsert('cam-a', { name: '甲', stationCode: '441602001000', lat: 23.7, lon: 114.7, online: true, ptz: true, streams: { hls: 'http://hall.local/video/cam-a/index.m3u8' } }, '');
    core.link.store.cameras.upsert('cam-off', { name: '丙', stationCode: '441602001000', lat: 23.7, lon: 114.7, online: false, ptz: false, streams: {} }, '');
    return { core, operator: (await signInAs(core, 'operator')).ctx, clock, states };
  }
  const call = async <T,>(core: Core, ctx: CallContext, m: string, p: unknown) => valueOf<T>(await core.invoke(ctx, m, p));

  it('shows the default scene, resolving auto cameras to online ones in station order', async () => {
    const { core, operator } = await wallCore();
    const state = await call<WallState>(core, operator, 'wall.state', {});
    expect(state).toMatchObject({ sceneId: 'daily', sceneName: '日常值守', source: 'default', takeover: null, override: null });
    expect(state.screens.map((s) => s.screenId)).toEqual(['wall-1', 'wall-2', 'wall-3']);
    const first = state.screens[0]!;
    expect(first.layout.id).toBe('main-side');
    expect(first.regions.find((r) => r.region.id === 'main')!.region).toMatchObject({ rowSpan: 2, colSpan: 2 });
    // auto:1 and auto:2 are the online cameras by station code; auto:3 has none and is empty.
    expect(first.regions.filter((r) => r.region.id.startsWith('s') && ['s3', 's4', 's5'].includes(r.region.id)).map((r) => r.content)).toEqual([
      { kind: 'video', cameraId: 'cam-a' },
      { kind: 'video', cameraId: 'cam-b' },
      { kind: 'empty' },
    ]);
  });

  it('apply, set a region, revert; the schedule and the default underneath; every change bumps the version', async () => {
    const { core, operator, states } = await wallCore();
    const v0 = (await call<WallState>(core, operator, 'wall.state', {})).version;
    const applied = await call<WallState>(core, operator, 'wall.scenes.apply', { id: 'forest-fire' });
    expect(applied).toMatchObject({ sceneId: 'forest-fire', source: 'override', override: { sceneId: 'forest-fire', by: 'operator' } });
    expect(applied.version).toBeGreaterThan(v0);
    const region = await call<WallState>(core, operator, 'wall.setRegion', { screenId: 'wall-2', regionId: 'r1', content: { kind: 'video', cameraId: 'cam-b' } });
    expect(region.screens[1]!.regions[0]!.content).toEqual({ kind: 'video', cameraId: 'cam-b' });
    expect(await core.invoke(operator, 'wall.setRegion', { screenId: 'wall-2', regionId: 'nope', content: { kind: 'clock' } })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await core.invoke(operator, 'wall.setRegion', { screenId: 'wall-1', regionId: 'main', content: { kind: 'web', url: 'https://evil.example/x' } })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    await call(core, operator, 'wall.setRegion', { screenId: 'wall-1', regionId: 'main', content: { kind: 'web', url: 'https://weather.example/radar' } });

    await call(core, operator, 'wall.schedule.save', { defaultSceneId: 'daily', entries: [{ sceneId: 'flood-iv', days: [], from: '09:00', to: '18:00' }] });
    const reverted = await call<WallState>(core, operator, 'wall.revert', {});
    expect(reverted).toMatchObject({ sceneId: 'flood-iv', source: 'schedule', scheduledSceneId: 'flood-iv', override: null });
    expect(reverted.screens[1]!.layout.id).toBe('grid-2x2');
    expect(states.map((s) => s.version)).toEqual([...states.map((s) => s.version)].sort((a, b) => a - b));
    expect(new Set(states.map((s) => s.version)).size).toBe(states.length);
  });

  it('a red alert takes the wall over; acknowledging it hands the wall back to the operator’s scene', async () => {
    const { core, operator } = await wallCore();
    await call(core, operator, 'wall.scenes.apply', { id: 'forest-fire' });
    const yellow = await call<DeskAlert>(core, operator, 'alerts.create', { level: 'yellow', type: 'flood', headline: '黄色不接管' });
    core.wall.checkTakeover();
    expect((await call<WallState>(core, operator, 'wall.state', {})).source).toBe('override');
    const red = await call<DeskAlert>(core, operator, 'alerts.create', { level: 'red', type: 'flood', headline: '东江水位超保证' });
    core.wall.checkTakeover();
    const taken = await call<WallState>(core, operator, 'wall.state', {});
    expect(taken).toMatchObject({ sceneId: 'emergency', source: 'takeover', takeover: { alertId: red.id, headline: '东江水位超保证' }, override: { sceneId: 'forest-fire' } });
    // Applying a scene during a takeover is kept for afterwards; the takeover stays on the wall.
    expect((await call<WallState>(core, operator, 'wall.scenes.apply', { id: 'flood-iv' })).source).toBe('takeover');
    await call(core, operator, 'alerts.ack', { id: red.id });
    core.wall.checkTakeover();
    expect(await call<WallState>(core, operator, 'wall.state', {})).toMatchObject({ sceneId: 'flood-iv', source: 'override', takeover: null });
    expect(yellow.level).toBe('yellow');
  });

  it('the takeover follows alerts.changed by itself', async () => {
    const { core, operator, states } = await wallCore();
    await call(core, operator, 'alerts.create', { level: 'red', type: 'hazmat', headline: '液氨泄漏' });
    await expect.poll(() => states.at(-1)?.source, { timeout: 2_000 }).toBe('takeover');
  });

  it('refuses scenes that name unknown screens, layouts, regions or cameras, and keeps built-ins', async () => {
    const { core, operator } = await wallCore();
    const bad = await core.invoke(operator, 'wall.scenes.save', {
      scene: { id: 'bad', name: '坏场景', screens: { 'wall-9': { layoutId: 'full', content: {} }, 'wall-1': { layoutId: 'grid-2x2', content: { r9: { kind: 'map' }, r1: { kind: 'video', cameraId: 'ghost' } } } } },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect((bad.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['scene.screens.wall-1.content.r1', 'scene.screens.wall-1.content.r9', 'scene.screens.wall-9']);
    expect(await core.invoke(operator, 'wall.scenes.delete', { id: 'daily' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await core.invoke(operator, 'wall.layouts.save', { layout: { ...BUILT_IN_LAYOUTS[0]!, builtIn: undefined } })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await call(core, operator, 'wall.scenes.save', { scene: { id: 'mine', name: '我的场景', hotkey: '5', screens: { 'wall-1': { layoutId: 'full', content: { main: { kind: 'video', cameraId: 'cam-a' } } } } } });
    await call(core, operator, 'wall.scenes.apply', { id: 'mine' });
    expect(await core.invoke(operator, 'wall.scenes.delete', { id: 'mine' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('tells the screens when cameras arriving upstream change what auto slots show', async () => {
    const { core, states } = await wallCore();
    core.wall.camerasChanged(); // the cameras the test added after start: the wall hears of them
    const before = states.length;
    core.wall.camerasChanged(); // nothing changed since: no event
    expect(states.length).toBe(before);
    core.link.store.cameras.upsert('cam-0', { name: '零', stationCode: '441602000999', lat: 23.7, lon: 114.7, online: true, ptz: false, streams: { hls: 'http://hall.local/video/cam-0/index.m3u8' } }, '');
    core.events.emit('mirror.changed', { upTo: 1, counts: { camera: 1 }, ids: { camera: ['cam-0'] }, reset: false });
    expect(states.length).toBe(before + 1);
    expect(states.at(-1)!.screens[0]!.regions.find((r) => r.region.id === 's3')!.content).toEqual({ kind: 'video', cameraId: 'cam-0' });
  });

  it('serves playback URLs for the console’s own video as same-origin paths', async () => {
    const { core, operator } = await wallCore();
    expect(await call(core, operator, 'video.play', { cameraId: 'cam-a' })).toEqual({ cameraId: 'cam-a', urls: { hls: '/video/cam-a/index.m3u8' }, preferred: 'hls', codec: null });
    expect(await core.invoke(operator, 'video.play', { cameraId: 'cam-off' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await core.invoke(operator, 'video.play', { cameraId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
