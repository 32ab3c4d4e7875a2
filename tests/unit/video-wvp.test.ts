/**
 * The wvp-GB28181-pro adapter against a stub of wvp's HTTP API (tests/fixtures/wvp-stub.ts):
 * login with the MD5 of the password, the access-token header, a new login after the token
 * expires, channels as cameras (town names from the civil code), play URLs, PTZ and presets,
 * and the video.* methods around it: the cached list survives an outage, a hung wvp times out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Camera, MethodName, Station } from '../../shared/contract';
import type { Registry } from '../../electron/core/api/registry';
import { HallError } from '../../electron/core/api/errors';
import type { VideoSettings } from '../../electron/core/config/config';
import { parseConfig, videoSettings } from '../../electron/core/config/config';
import type { CamerasRepo } from '../../electron/core/mirror/cameras';
import type { StationsRepo } from '../../electron/core/stations/stations-repo';
import { setUpVideo, type VideoService } from '../../electron/core/video';
import { md5Hex, WvpClient, WvpError, wvpCamera, wvpPlayInfo } from '../../electron/core/video/wvp';
import { startWvpStub, type StubChannel, type WvpStub } from '../fixtures/wvp-stub';

const CHANNELS: StubChannel[] = [
  { gbId: 7, gbDeviceId: '44160200001320000007', gbName: '上城街道 东江桥', gbCivilCode: '441602001', gbStatus: 'ON', gbLongitude: 114.7, gbLatitude: 23.74, gbPtzType: 1 },
  { gbId: 8, gbDeviceId: '44160200001320000008', gbName: '埔前镇 水位站', gbCivilCode: '441602101003', gbStatus: 'OFF', gbLongitude: 114.75, gbLatitude: 23.7, gbPtzType: 3 },
  { gbId: 9, gbDeviceId: '44160200001320000009', gbName: '', gbCivilCode: '441602', gbStatus: 'ON', gbLongitude: null, gbLatitude: null, gbPtzType: null },
];

const TOWNS: Record<string, string> = { '441602001000': '上城街道', '441602101000': '埔前镇' };
const townName = (code: string) => TOWNS[`${code.slice(0, 9)}000`] ?? null;

let stub: WvpStub | null = null;
let service: VideoService | null = null;
afterEach(async () => {
  await service?.stop();
  service = null;
  await stub?.close();
  stub = null;
});

async function start(channels = CHANNELS.map((c) => ({ ...c })), pageLimit?: number): Promise<WvpStub> {
  stub = await startWvpStub({ username: 'hall', password: '应急@2024', channels, ...(pageLimit ? { pageLimit } : {}) });
  return stub;
}

describe('WvpClient', () => {
  it('logs in with the MD5 hex of the password and sends the token as access-token', async () => {
    const s = await start();
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024' });
    await client.channels();
    const login = s.calls.find((c) => c.path === '/api/user/login')!;
    expect(login.query.password).toBe(md5Hex('应急@2024'));
    expect(login.query.password).toMatch(/^[0-9a-f]{32}$/);
    const list = s.calls.find((c) => c.path === '/api/common/channel/list')!;
    expect(list.token).toBeTruthy();
    expect(s.count('/api/user/login')).toBe(1);
    await client.channels();
    expect(s.count('/api/user/login')).toBe(1);
  });

  it('reports a refused login with wvp’s message', async () => {
    const s = await start();
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: 'wrong' });
    await expect(client.channels()).rejects.toThrow(/login of "hall" was refused: 用户名或密码错误/);
  });

  it('logs in again when the token has expired, once, and repeats the call', async () => {
    const s = await start();
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024' });
    await client.play(7);
    s.expireTokens();
    const stream = await client.play(7);
    expect(stream.ws_flv).toContain('.live.flv');
    expect(s.count('/api/user/login')).toBe(2);
    expect(s.count('/api/common/channel/play')).toBe(3);
    const [first, second] = s.calls.filter((c) => c.path === '/api/user/login');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    const plays = s.calls.filter((c) => c.path === '/api/common/channel/play');
    expect(plays[1]!.token).toBe(plays[0]!.token);
    expect(plays[2]!.token).not.toBe(plays[1]!.token);
  });

  it('pages through the channel list and passes the civil code filter', async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ ...CHANNELS[0]!, gbId: 100 + i }));
    const s = await start(many, 2);
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024', pageSize: 2 });
    expect((await client.channels()).map((c) => c.gbId)).toEqual([100, 101, 102, 103, 104]);
    expect(s.count('/api/common/channel/list')).toBe(3);
    const filtered = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024', civilCode: '441602999' });
    expect(await filtered.channels()).toEqual([]);
    expect(s.calls.at(-1)!.query.civilCode).toBe('441602999');
  });

  it('maps channels to cameras: wvp: ids, town from the civil code, online, PTZ types', async () => {
    const s = await start();
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024' });
    const cameras = (await client.channels()).map((c) => wvpCamera(c, townName));
    expect(cameras).toEqual([
      { id: 'wvp:7', name: '上城街道 东江桥', stationCode: '441602001000', townName: '上城街道', lat: 23.74, lon: 114.7, online: true, ptz: true, codec: null, source: 'wvp' },
      { id: 'wvp:8', name: '埔前镇 水位站', stationCode: '441602101003', townName: '埔前镇', lat: 23.7, lon: 114.75, online: false, ptz: false, codec: null, source: 'wvp' },
      { id: 'wvp:9', name: '44160200001320000009', stationCode: '441602000000', townName: null, lat: 0, lon: 0, online: true, ptz: false, codec: null, source: 'wvp' },
    ]);
  });

  it('turns play answers into PlayInfo (WS-FLV first, no ZLM rtc as WHEP)', async () => {
    const s = await start();
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024' });
    const info = wvpPlayInfo('wvp:7', await client.play(7));
    expect(info.preferred).toBe('wsFlv');
    expect(info.urls.wsFlv).toMatch(/^ws:\/\/127\.0\.0\.1:8080\/rtp\/.+\.live\.flv$/);
    expect(info.urls.hls).toMatch(/hls\.m3u8$/);
    expect(info.urls.flv).toMatch(/^http:.+\.live\.flv$/);
    expect(info.urls.whep).toBeUndefined();
    expect(info.codec).toBe('h264');
    expect(() => wvpPlayInfo('wvp:1', { rtc: 'x' })).toThrow(WvpError);
    await client.stop(7);
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/play/stop', query: { channelId: '7' } });
  });

  it('sends PTZ, focus and preset commands with speeds scaled to 0–100', async () => {
    const s = await start();
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024' });
    await client.ptz(7, 'upleft', 63);
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/ptz', query: { channelId: '7', command: 'upleft', panSpeed: '100', tiltSpeed: '100', zoomSpeed: '100' } });
    await client.ptz(7, 'zoomin');
    expect(s.calls.at(-1)!.query).toMatchObject({ command: 'zoomin', zoomSpeed: '50' });
    await client.ptz(7, 'focusnear', 32);
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/fi/focus', query: { command: 'near', speed: '51' } });
    await client.ptz(7, 'stop');
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/fi/focus', query: { command: 'stop' } });
    await client.ptz(7, 'stop');
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/ptz', query: { command: 'stop' } });
    await client.preset(7, 'goto', 3);
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/preset/call', query: { channelId: '7', presetId: '3' } });
    await client.preset(7, 'set', 4);
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/preset/add', query: { presetId: '4', presetName: '预置位4' } });
    await client.preset(7, 'clear', 4);
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/preset/delete', query: { presetId: '4' } });
    await expect(client.ptz(99, 'left')).rejects.toThrow(/通道不存在 \(code 100\)/);
  });

  it('times out a wvp that does not answer', async () => {
    const s = await start();
    s.hang.add('*');
    const client = new WvpClient({ baseUrl: s.url, username: 'hall', password: '应急@2024', timeoutMs: 300 });
    await expect(client.channels()).rejects.toThrow(/wvp \/api\/user\/login timed out after 300 ms/);
  });

  it('reports a refused connection clearly', async () => {
    const s = await start();
    const url = s.url;
    await s.close();
    stub = null;
    const client = new WvpClient({ baseUrl: url, username: 'hall', password: '应急@2024', timeoutMs: 1000 });
    await expect(client.channels()).rejects.toThrow(/wvp \/api\/user\/login failed: ECONNREFUSED/);
  });
});

// ---- the video.* methods ----

type Handler = (params: unknown, ctx: unknown, tools: unknown) => unknown;

function fakeRegistry() {
  const handlers = new Map<string, Handler>();
  const registry = {
    register: (name: string, fn: Handler) => handlers.set(name, fn),
    registerAsync: (name: string, fn: Handler) => handlers.set(name, fn),
  } as unknown as Registry;
  const call = async <T>(name: MethodName, params: unknown = {}): Promise<T> => (await handlers.get(name)!(params, {}, {})) as T;
  return { registry, call };
}

const LINK_CAMERA: Camera = {
  id: 'cam-1',
  name: '区应急局楼顶',
  stationCode: '441602001000',
  lat: 23.7,
  lon: 114.7,
  online: true,
  ptz: true,
  streams: { hls: 'http://hall.local/video/cam-1/index.m3u8' },
  updatedAt: '2026-01-01T00:00:00Z',
};

function deps(config: VideoSettings, logs: string[]) {
  const stations = { get: (code: string) => (TOWNS[code] ? ({ code, name: TOWNS[code], level: 'town' } as Station) : undefined) } as unknown as StationsRepo;
  const cameras = { list: () => [LINK_CAMERA] } as unknown as CamerasRepo;
  return { cameras, stations, config, log: (l: string) => logs.push(l) };
}

function errorOf(fn: () => Promise<unknown>): Promise<HallError> {
  return fn().then(
    () => {
      throw new Error('expected a HallError');
    },
    (e: unknown) => {
      if (e instanceof HallError) return e;
      throw e;
    },
  );
}

describe('video.* with wvp', () => {
  it('lists link cameras and wvp channels, plays and steers wvp cameras through wvp', async () => {
    const s = await start();
    const logs: string[] = [];
    const { registry, call } = fakeRegistry();
    const config = videoSettings(parseConfig({ video: { wvp: { baseUrl: s.url, username: 'hall', password: '应急@2024', pollSeconds: 60 } } }));
    service = setUpVideo(registry, deps(config, logs));
    await service.refreshWvp();
    const list = await call<{ id: string; source: string; townName: string | null }[]>('video.cameras.list');
    expect(list.map((c) => [c.id, c.source, c.townName])).toEqual([
      ['cam-1', 'link', '上城街道'],
      ['wvp:7', 'wvp', '上城街道'],
      ['wvp:8', 'wvp', '埔前镇'],
      ['wvp:9', 'wvp', null],
    ]);
    expect(await call('video.play', { cameraId: 'cam-1' })).toMatchObject({ preferred: 'hls', urls: { hls: '/video/cam-1/index.m3u8' } });
    expect(await call('video.play', { cameraId: 'wvp:7' })).toMatchObject({ cameraId: 'wvp:7', preferred: 'wsFlv' });
    expect(await call('video.ptz', { cameraId: 'wvp:7', action: 'left', speed: 10 })).toEqual({ via: 'wvp' });
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/ptz', query: { channelId: '7', command: 'left', panSpeed: '16' } });
    expect(await call('video.preset', { cameraId: 'wvp:7', op: 'goto', n: 2 })).toEqual({ via: 'wvp' });
    expect(s.calls.at(-1)).toMatchObject({ path: '/api/common/channel/front-end/preset/call', query: { presetId: '2' } });

    const unknown = await errorOf(() => call('video.play', { cameraId: 'wvp:404' }));
    expect(unknown.code).toBe('not_found');
    expect(unknown.message).toContain('wvp:404');
    const noRoute = await errorOf(() => call('video.ptz', { cameraId: 'cam-1', action: 'left' }));
    expect(noRoute.code).toBe('unavailable');
    expect(noRoute.message).toContain('"cam-1"');
    s.failWith.set('/api/common/channel/play', { code: 486, msg: '超时或无响应' });
    const failed = await errorOf(() => call('video.play', { cameraId: 'wvp:8' }));
    expect(failed.code).toBe('unavailable');
    expect(failed.message).toMatch(/wvp play of camera "wvp:8" failed: .*超时或无响应/);
  });

  it('keeps the last list through a wvp outage, logs it once, and says when it is back', async () => {
    const s = await start();
    const logs: string[] = [];
    const { registry, call } = fakeRegistry();
    const config = videoSettings(parseConfig({ video: { wvp: { baseUrl: s.url, username: 'hall', password: '应急@2024', timeoutSeconds: 0.5, playTimeoutSeconds: 0.5 } } }));
    service = setUpVideo(registry, deps(config, logs));
    await service.refreshWvp();
    expect(await call<unknown[]>('video.cameras.list')).toHaveLength(4);
    s.hang.add('*');
    await service.refreshWvp();
    await service.refreshWvp();
    expect(await call<unknown[]>('video.cameras.list')).toHaveLength(4);
    expect(logs.filter((l) => l.includes('wvp channel list failed'))).toHaveLength(1);
    expect(logs[0]).toMatch(/keeping the last 3 channels/);

    // A hung wvp bounds every call: play and PTZ fail 'unavailable' within the timeout.
    const started = Date.now();
    const hung = await errorOf(() => call('video.ptz', { cameraId: 'wvp:7', action: 'stop' }));
    expect(hung.code).toBe('unavailable');
    expect(hung.message).toMatch(/timed out after 500 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
    const play = await errorOf(() => call('video.play', { cameraId: 'wvp:7' }));
    expect(play.code).toBe('unavailable');
    expect(play.message).toMatch(/wvp play of camera "wvp:7" failed: wvp \/api\/common\/channel\/play timed out after 500 ms/);

    s.hang.clear();
    await service.refreshWvp();
    expect(logs.at(-1)).toBe('[video] wvp is back: 3 channels');
  });

  it('says the catalogue is not loaded yet rather than "no such camera" while wvp never answered', async () => {
    const s = await start();
    s.hang.add('*');
    const logs: string[] = [];
    const { registry, call } = fakeRegistry();
    const config = videoSettings(parseConfig({ video: { wvp: { baseUrl: s.url, username: 'hall', password: 'x', timeoutSeconds: 0.5 } } }));
    service = setUpVideo(registry, deps(config, logs));
    const e = await errorOf(() => call('video.play', { cameraId: 'wvp:7' }));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/wvp channel list has not loaded/);
    expect(await call<unknown[]>('video.cameras.list')).toHaveLength(1);
  });

  it('without wvp, wvp: ids are unknown and link cameras still play', async () => {
    const { registry, call } = fakeRegistry();
    service = setUpVideo(registry, deps(videoSettings(parseConfig({})), []));
    expect((await errorOf(() => call('video.play', { cameraId: 'wvp:7' }))).code).toBe('not_found');
    expect(await call<unknown[]>('video.cameras.list')).toHaveLength(1);
  });
});

describe('config video and Pelco-D devices', () => {
  it('defaults to no wvp and no serial PTZ, and fills wvp and device defaults', () => {
    expect(videoSettings(parseConfig({}))).toEqual({ ptz: [], ptzSafetyStopSeconds: 10 });
    const config = parseConfig({
      video: { wvp: { baseUrl: 'http://10.0.0.5:18080', username: 'admin', password: 'admin' } },
      devices: [{ id: 'ptz-1', kind: 'ptz-pelco-d', name: '东江桥云台', serial: { path: '/dev/ttyUSB0' }, cameras: [{ cameraId: 'cam-1', address: 1 }] }],
    });
    expect(config.video.wvp).toEqual({ baseUrl: 'http://10.0.0.5:18080', username: 'admin', password: 'admin', pollSeconds: 60, timeoutSeconds: 5, playTimeoutSeconds: 12 });
    expect(config.devices[0]).toMatchObject({ serial: { path: '/dev/ttyUSB0', baudRate: 2400, dataBits: 8, parity: 'none', stopBits: 1 } });
    expect(videoSettings(config).ptz).toEqual([{ cameraId: 'cam-1', path: '/dev/ttyUSB0', baudRate: 2400, address: 1 }]);
  });

  it('rejects unknown keys, bad addresses, a camera on two buses, shared addresses and shared paths', () => {
    const bad = (raw: unknown) => () => parseConfig(raw);
    const bus = (id: string, path: string, cameras: { cameraId: string; address: number }[]) => ({ id, kind: 'ptz-pelco-d', name: id, serial: { path }, cameras });
    expect(bad({ video: { wvp: { baseUrl: 'http://x', username: 'a', password: 'b', token: 'c' } } })).toThrow(/video\.wvp\.token: unknown key/);
    expect(bad({ devices: [bus('a', '/dev/ttyS0', [{ cameraId: 'c', address: 0 }])] })).toThrow(/devices\.0\.cameras\.0\.address/);
    expect(bad({ devices: [bus('a', '/dev/ttyS0', [{ cameraId: 'c', address: 1 }]), bus('b', '/dev/ttyS1', [{ cameraId: 'c', address: 2 }])] })).toThrow(/one Pelco-D bus only/);
    expect(bad({ devices: [bus('a', '/dev/ttyS0', [{ cameraId: 'c', address: 1 }, { cameraId: 'd', address: 1 }])] })).toThrow(/share one address/);
    expect(bad({ devices: [bus('a', '/dev/ttyS0', [{ cameraId: 'c', address: 1 }]), bus('b', '/dev/ttyS0', [{ cameraId: 'd', address: 2 }])] })).toThrow(/one serial path/);
    expect(bad({ devices: [bus('a', '/dev/ttyS0', [{ cameraId: 'c', address: 1 }]), bus('a', '/dev/ttyS1', [{ cameraId: 'd', address: 2 }])] })).toThrow(/ids must be unique/);
  });
});
