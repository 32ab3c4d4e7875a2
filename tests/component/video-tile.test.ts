/**
 * The video tile's state machine (connecting → playing → stalled → reconnecting → playing,
 * offline, unsupported), its backoff and stall detection, the HTTP-FLV connection limiter, and
 * the VideoTile component — with fake players and fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import type { PlayInfo, StreamKind, VideoCamera } from '../../shared/contract';
import { ok, fail } from '../../shared/contract/result';
import { HALL_CLIENT } from '../../renderer/src/client/hall-client';
import VideoTile from '../../renderer/src/video/VideoTile.vue';
import { ConnectionLimiter, MAX_FLV_PER_HOST } from '../../renderer/src/video/flv-limiter';
import { absoluteUrl, releaseElement, type PlayerCallbacks, type PlayerFactory } from '../../renderer/src/video/players';
import { backoffDelay, playableKinds, TileController, type TileDeps, type TileSnapshot } from '../../renderer/src/video/tile-controller';
import { fakeHall } from './fake-hall';

function camera(id: string, extra: Partial<VideoCamera> = {}): VideoCamera {
  return { id, name: `摄像机${id}`, stationCode: '441602001000', townName: '源南镇', lat: 23.7, lon: 114.7, online: true, ptz: false, codec: 'h264', source: 'link', ...extra };
}

function info(id: string, urls: PlayInfo['urls'] = { wsFlv: `/video/${id}/live.flv`, hls: `/video/${id}/index.m3u8`, flv: `/video/${id}/live.flv` }, preferred: StreamKind = 'wsFlv', codec: PlayInfo['codec'] = 'h264'): PlayInfo {
  return { cameraId: id, urls, preferred, codec };
}

interface FakePlayer {
  kind: StreamKind;
  url: string;
  callbacks: PlayerCallbacks;
  destroyed: boolean;
}

function fakePlayers() {
  const players: FakePlayer[] = [];
  const factory: PlayerFactory = (kind, url, _video, callbacks) => {
    const p: FakePlayer = { kind, url, callbacks, destroyed: false };
    players.push(p);
    return Promise.resolve({ destroy: () => void (p.destroyed = true) });
  };
  return { players, factory, live: () => players.filter((p) => !p.destroyed) };
}

function fakeVideo(): HTMLVideoElement & { currentTime: number } {
  return { currentTime: 0 } as HTMLVideoElement & { currentTime: number };
}

function controller(overrides: Partial<TileDeps> = {}, cams: VideoCamera[] = [camera('c1')]) {
  const fp = fakePlayers();
  const states: string[] = [];
  const play = vi.fn((id: string) => Promise.resolve(ok(info(id))));
  const c = new TileController(
    {
      play,
      camera: (id) => Promise.resolve(cams.find((x) => x.id === id) ?? null),
      createPlayer: fp.factory,
      limiter: new ConnectionLimiter(),
      baseUrl: () => 'http://hall.test:8080/wall/screen-1',
      hevcSupported: () => false,
      mediaSource: () => true,
      ...overrides,
    },
    (s: TileSnapshot) => {
      if (states.at(-1) !== s.state) states.push(s.state);
    },
  );
  return { c, fp, states, play };
}

/** Advances fake time by `seconds`, the picture moving (or not) one second per second. */
async function run(video: { currentTime: number }, seconds: number, moving: boolean): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    if (moving) video.currentTime += 1;
    await vi.advanceTimersByTimeAsync(1000);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoff and kinds', () => {
  it('doubles from 1 s and caps at 15 s', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n))).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  });

  it('orders kinds preferred first, skips WHEP, FLV without MediaSource, and relative FLV on app://', () => {
    const i = info('c1', { hls: '/h', wsFlv: '/w', flv: '/f', whep: '/r' }, 'hls');
    expect(playableKinds(i, { mediaSource: true, baseUrl: 'http://h/' })).toEqual(['hls', 'wsFlv', 'flv']);
    expect(playableKinds(i, { mediaSource: false, baseUrl: 'http://h/' })).toEqual(['hls']);
    expect(playableKinds(i, { mediaSource: true, baseUrl: 'app://hall/wall' })).toEqual(['hls']);
    expect(playableKinds(info('c1', { wsFlv: 'ws://cam/x.flv' }), { mediaSource: true, baseUrl: 'app://hall/' })).toEqual(['wsFlv']);
    expect(absoluteUrl('wsFlv', '/video/a/live.flv', 'https://hall.test:8443/wall')).toBe('wss://hall.test:8443/video/a/live.flv');
    expect(absoluteUrl('hls', '/video/a/index.m3u8', 'http://hall.test/')).toBe('http://hall.test/video/a/index.m3u8');
  });
});

describe('TileController', () => {
  it('connects, plays when the picture moves, detects a stall, reconnects and recovers', async () => {
    const { c, fp, states } = controller();
    const video = fakeVideo();
    c.start('c1', video);
    await vi.advanceTimersByTimeAsync(0);
    expect(c.snapshot.state).toBe('connecting');
    expect(fp.players).toHaveLength(1);
    expect(fp.players[0]!.kind).toBe('wsFlv');
    expect(fp.players[0]!.url).toBe('ws://hall.test:8080/video/c1/live.flv');
    await run(video, 2, true);
    expect(c.snapshot.state).toBe('playing');
    expect(c.snapshot.currentTime).toBe(2);

    // Frozen for less than 5 s: still playing; at 5 s: stalled, the player released.
    await run(video, 4, false);
    expect(c.snapshot.state).toBe('playing');
    await run(video, 1, false);
    expect(c.snapshot.state).toBe('stalled');
    expect(fp.players[0]!.destroyed).toBe(true);
    // After the first backoff step (1 s) it reconnects with a new player.
    await vi.advanceTimersByTimeAsync(1000);
    expect(fp.live()).toHaveLength(1);
    expect(c.snapshot.state).toBe('reconnecting');
    await run(video, 2, true);
    expect(c.snapshot.state).toBe('playing');
    expect(states).toEqual(['connecting', 'playing', 'stalled', 'reconnecting', 'playing']);
    c.stop();
    expect(fp.live()).toHaveLength(0);
  });

  it('retries failures with exponential backoff, rotating kinds, for ever', async () => {
    const { c, fp } = controller();
    const video = fakeVideo();
    c.start('c1', video);
    await vi.advanceTimersByTimeAsync(0);
    const gaps: number[] = [];
    let last = Date.now();
    for (let i = 0; i < 7; i++) {
      const n = fp.players.length;
      fp.players.at(-1)!.callbacks.onFailure({ kind: 'network', message: 'gone' });
      expect(c.snapshot.state).toBe('reconnecting');
      last = Date.now();
      while (fp.players.length === n) await vi.advanceTimersByTimeAsync(250);
      gaps.push(Math.round((Date.now() - last) / 1000));
    }
    expect(gaps).toEqual([1, 2, 4, 8, 15, 15, 15]);
    expect(fp.players.slice(0, 4).map((p) => p.kind)).toEqual(['wsFlv', 'hls', 'flv', 'wsFlv']);
    // Back again: playing resets the backoff.
    await run(video, 2, true);
    expect(c.snapshot).toMatchObject({ state: 'playing', failures: 0 });
    c.stop();
  });

  it('fails an attempt that shows no picture within the connect timeout', async () => {
    const { c, fp } = controller({ timing: { connectTimeoutMs: 4000 } });
    const video = fakeVideo();
    c.start('c1', video);
    await run(video, 4, false);
    expect(c.snapshot.state).toBe('reconnecting');
    expect(fp.players[0]!.destroyed).toBe(true);
    c.stop();
  });

  it('shows an offline camera as offline without opening anything, and plays once it is online', async () => {
    const cams = [camera('c1', { online: false })];
    const { c, fp, play } = controller({}, cams);
    const video = fakeVideo();
    c.start('c1', video);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.snapshot.state).toBe('offline');
    expect(play).not.toHaveBeenCalled();
    expect(fp.players).toHaveLength(0);
    cams[0] = camera('c1', { online: true });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fp.players).toHaveLength(1);
    await run(video, 2, true);
    expect(c.snapshot.state).toBe('playing');
    c.stop();
  });

  it('says unsupported for H.265 without HEVC decoding, before opening a stream', async () => {
    const { c, fp } = controller({ play: (id) => Promise.resolve(ok(info(id, undefined, 'wsFlv', 'h265'))) });
    c.start('c1', fakeVideo());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(c.snapshot.state).toBe('unsupported');
    expect(fp.players).toHaveLength(0);
    c.stop();

    const ok265 = controller({ play: (id) => Promise.resolve(ok(info(id, undefined, 'wsFlv', 'h265'))), hevcSupported: () => true });
    ok265.c.start('c1', fakeVideo());
    await vi.advanceTimersByTimeAsync(0);
    expect(ok265.fp.players).toHaveLength(1);
    ok265.c.stop();
  });

  it('maps a decoder error to unsupported and stops retrying', async () => {
    const { c, fp } = controller();
    c.start('c1', fakeVideo());
    await vi.advanceTimersByTimeAsync(0);
    fp.players[0]!.callbacks.onFailure({ kind: 'unsupported', message: 'CodecUnsupported' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(c.snapshot).toMatchObject({ state: 'unsupported', detail: 'CodecUnsupported' });
    expect(fp.players).toHaveLength(1);
    c.stop();
  });

  it('retries when video.play fails, and ignores late answers after a camera change', async () => {
    let calls = 0;
    const { c, fp } = controller({ play: (id) => Promise.resolve(++calls === 1 ? fail('unavailable', 'link down') : ok(info(id))) });
    c.start('c1', fakeVideo());
    await vi.advanceTimersByTimeAsync(0);
    expect(c.snapshot).toMatchObject({ state: 'reconnecting', detail: 'link down' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(fp.players).toHaveLength(1);
    c.stop();
  });
});

describe('HTTP-FLV connection limiter', () => {
  it('allows five per host, frees on release (once)', () => {
    const l = new ConnectionLimiter();
    expect(MAX_FLV_PER_HOST).toBe(5);
    const r = Array.from({ length: 5 }, () => l.acquire('a:80'));
    expect(r.every(Boolean)).toBe(true);
    expect(l.acquire('a:80')).toBeNull();
    expect(l.acquire('b:80')).not.toBeNull();
    r[0]!();
    r[0]!();
    expect(l.inUse('a:80')).toBe(4);
    expect(l.acquire('a:80')).not.toBeNull();
  });

  it('never lets more than five tiles open HTTP-FLV to one host: others use HLS or wait', async () => {
    const limiter = new ConnectionLimiter();
    const fp = fakePlayers();
    const make = (id: string, urls: PlayInfo['urls'], preferred: StreamKind) =>
      new TileController(
        { play: () => Promise.resolve(ok(info(id, urls, preferred))), camera: () => Promise.resolve(camera(id)), createPlayer: fp.factory, limiter, baseUrl: () => 'http://hall.test/', hevcSupported: () => false, mediaSource: () => true },
        () => undefined,
      );
    const both = (i: number) => ({ flv: `http://cams.test/${i}.flv`, hls: `http://cams.test/${i}.m3u8` });
    const tiles = Array.from({ length: 7 }, (_, i) => make(`c${i}`, both(i), 'flv'));
    tiles.forEach((t, i) => t.start(`c${i}`, fakeVideo()));
    await vi.advanceTimersByTimeAsync(0);
    expect(fp.players.map((p) => p.kind)).toEqual(['flv', 'flv', 'flv', 'flv', 'flv', 'hls', 'hls']);
    expect(limiter.inUse('cams.test')).toBe(5);

    // An FLV-only tile waits for a slot, and gets one when a tile lets go.
    const waiting = make('c9', { flv: 'http://cams.test/9.flv' }, 'flv');
    waiting.start('c9', fakeVideo());
    await vi.advanceTimersByTimeAsync(5000);
    expect(fp.players).toHaveLength(7);
    expect(waiting.snapshot.state).toBe('connecting');
    tiles[0]!.stop();
    expect(limiter.inUse('cams.test')).toBe(4);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fp.players).toHaveLength(8);
    expect(fp.players[7]!.kind).toBe('flv');
    expect(limiter.inUse('cams.test')).toBe(5);
    // A failed FLV stream gives its slot back.
    fp.players[1]!.callbacks.onFailure({ kind: 'network', message: 'x' });
    expect(limiter.inUse('cams.test')).toBe(4);
    [...tiles, waiting].forEach((t) => t.stop());
    expect(limiter.inUse('cams.test')).toBe(0);
  });
});

describe('VideoTile', () => {
  function mountTile(cameraId: string, cams: VideoCamera[], factory: PlayerFactory) {
    const hall = fakeHall({
      'video.cameras.list': () => ok(cams),
      'video.play': (p) => ok(info(p.cameraId)),
    });
    return mount(VideoTile, { props: { cameraId, compact: true, playerFactory: factory }, global: { provide: { [HALL_CLIENT as symbol]: hall.client } }, attachTo: document.body });
  }

  it('shows name, town, state, a clock and data attributes; releases its player on camera change and unmount', async () => {
    const fp = fakePlayers();
    const cams = [camera('c1'), camera('c2', { name: '东埔桥', townName: '东埔街道' })];
    const w = mountTile('c1', cams, fp.factory);
    await vi.advanceTimersByTimeAsync(0);
    await nextTick();
    const root = w.get('[data-testid="video-tile"]');
    expect(root.attributes('data-camera')).toBe('c1');
    expect(root.attributes('data-state')).toBe('connecting');
    expect(w.get('[data-testid="video-tile-name"]').text()).toBe('摄像机c1');
    expect(w.text()).toContain('源南镇');
    expect(w.get('[data-testid="video-tile-clock"]').text()).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    const video = w.get('video').element as HTMLVideoElement;
    Object.defineProperty(video, 'currentTime', { value: 0, writable: true });
    for (let i = 1; i <= 2; i++) {
      video.currentTime = i;
      await vi.advanceTimersByTimeAsync(1000);
    }
    await nextTick();
    expect(root.attributes('data-state')).toBe('playing');
    expect(root.attributes('data-current-time')).toBe('2.00');
    expect(w.text()).toContain('直播');

    await w.setProps({ cameraId: 'c2' });
    await vi.advanceTimersByTimeAsync(0);
    await nextTick();
    expect(fp.players[0]!.destroyed).toBe(true);
    expect(fp.live()).toHaveLength(1);
    expect(root.attributes('data-camera')).toBe('c2');
    expect(w.text()).toContain('东埔桥');
    w.unmount();
    expect(fp.live()).toHaveLength(0);
  });

  it('shows an offline camera as offline', async () => {
    const fp = fakePlayers();
    const w = mountTile('c3', [camera('c3', { online: false })], fp.factory);
    await vi.advanceTimersByTimeAsync(0);
    await nextTick();
    expect(w.get('[data-testid="video-tile"]').attributes('data-state')).toBe('offline');
    expect(w.text()).toContain('离线');
    expect(fp.players).toHaveLength(0);
    w.unmount();
  });
});

describe('releaseElement', () => {
  it('removes the source and reloads the element so the decoder is freed', () => {
    const video = document.createElement('video');
    video.setAttribute('src', 'blob:x');
    const load = vi.spyOn(video, 'load').mockImplementation(() => undefined);
    vi.spyOn(video, 'pause').mockImplementation(() => undefined);
    releaseElement(video);
    expect(video.hasAttribute('src')).toBe(false);
    expect(load).toHaveBeenCalledOnce();
  });
});
