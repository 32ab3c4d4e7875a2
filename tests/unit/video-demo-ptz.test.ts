/**
 * Demo mode's Pelco-D bus: real frames over serialport's mock port to a simulated receiver that
 * checks them and moves; the demo core routes PTZ cameras without a configured bus to it.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DemoPtzBus } from '../../electron/core/video/demo-ptz';
import type { Camera } from '../../shared/contract';
import { signInAs, startCore, valueOf } from '../fixtures/core-helpers';

describe('the demo Pelco-D bus', () => {
  it('moves the simulated camera with the frames it receives, and keeps cameras apart by address', async () => {
    const bus = new DemoPtzBus({ failureRate: 0 });
    onTestFinished(() => bus.close());
    await bus.ptz('cam-a', 'right', 63);
    await bus.ptz('cam-a', 'right', 63);
    await bus.ptz('cam-a', 'stop');
    await bus.ptz('cam-b', 'zoomin');
    await bus.ptz('cam-b', 'upleft', 16);
    expect(bus.state('cam-a')).toMatchObject({ pan: 16, tilt: 0, zoom: 1, lastCommand: 'stop', frames: 3 });
    expect(bus.state('cam-b')).toMatchObject({ pan: 358, tilt: 2, zoom: 2, lastCommand: 'left up', frames: 2 });
    await bus.preset('cam-a', 'goto', 3);
    expect(bus.state('cam-a')!.lastCommand).toMatch(/preset 3$/);
  });

  it('fails now and then like a real bus, with a clear reason', async () => {
    const bus = new DemoPtzBus({ failureRate: 1 });
    onTestFinished(() => bus.close());
    const error = await bus.ptz('cam-a', 'left').then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('unavailable');
    expect(error?.message).toMatch(/模拟故障/);
  });

  it('the demo core steers a PTZ camera of the district feed over it; a camera without PTZ is refused', async () => {
    const { core } = await startCore({ demo: true, startDemoDistrict: null });
    const { ctx } = await signInAs(core, 'operator');
    const cam = (id: string, ptz: boolean): Omit<Camera, 'id' | 'updatedAt'> => ({ name: id, stationCode: '441602001000', lat: 23.7, lon: 114.7, online: true, ptz, streams: { hls: `http://hall.local/video/${id}/index.m3u8` } });
    core.link.store.cameras.upsert('ptz-1', cam('ptz-1', true), '');
    core.link.store.cameras.upsert('fixed-1', cam('fixed-1', false), '');
    let steered = false;
    for (let i = 0; i < 5 && !steered; i++) {
      const r = await core.invoke(ctx, 'video.ptz', { cameraId: 'ptz-1', action: 'left', speed: 20 });
      steered = r.ok && valueOf<{ via: string }>(r).via === 'pelco-d';
    }
    expect(steered).toBe(true);
    const fixed = await core.invoke(ctx, 'video.ptz', { cameraId: 'fixed-1', action: 'left' });
    expect(fixed.ok ? 'ok' : `${fixed.error.code}: ${fixed.error.message}`).toMatch(/^unavailable: .*has no PTZ/);
  });
});
