/**
 * The video catalogue and playback: cameras mirrored from the district link and, when configured,
 * the channels of a wvp-GB28181-pro platform; the URLs a tile plays; and PTZ.
 * Tiles prefer WS-FLV (low latency, one socket per tile) then HLS; plain HTTP-FLV is last because
 * a browser allows only a few HTTP/1.1 connections per host.
 *
 * PTZ routes, in order: a camera on a ptz-pelco-d device (config devices) goes over its Pelco-D serial line;
 * else a wvp camera goes through wvp; else the call fails 'unavailable' naming the camera.
 */
import type { Camera, PlayInfo, StreamKind, VideoCamera } from '../../../shared/contract';
import { consoleRelative } from '../../../shared/video';
import type { Registry } from '../api/registry';
import { HallError } from '../api/errors';
import { DemoPtzBus } from './demo-ptz';
import type { VideoSettings } from '../config/config';
import type { CamerasRepo } from '../mirror/cameras';
import type { StationsRepo } from '../stations/stations-repo';
import { SerialPtz, type LineStatus } from './serial-ptz';
import { WVP_ID_PREFIX, WvpClient, wvpCamera, wvpPlayInfo } from './wvp';

const PREFERENCE: readonly StreamKind[] = ['wsFlv', 'hls', 'flv', 'whep'];
/** A serial command waits at most this, queue included (each write itself times out at 2 s). */
const SERIAL_TIMEOUT_MS = 5_000;

export interface VideoDeps {
  /** Demo mode: PTZ cameras without a configured bus are steered on a simulated Pelco-D bus. */
  demo?: boolean;
  cameras: CamerasRepo;
  stations: StationsRepo;
  /** config.video with the Pelco-D cameras of config.devices (videoSettings); absent = no wvp and no serial PTZ. */
  config?: VideoSettings | undefined;
  log?: ((line: string) => void) | undefined;
  /** Serial line status changes (online/offline with the reason), for a future devices view. */
  onPtzLineStatus?: ((status: LineStatus) => void) | undefined;
}

export interface VideoService {
  /** Close the serial ports and stop the wvp poll (core close). */
  stop(): Promise<void>;
  /** Fetch the wvp channel list now (also what the poll does); resolves when done, never rejects. */
  refreshWvp(): Promise<void>;
}

export function videoCamera(c: Camera, townName: (code: string) => string | null): VideoCamera {
  return { id: c.id, name: c.name, stationCode: c.stationCode, townName: townName(c.stationCode), lat: c.lat, lon: c.lon, online: c.online, ptz: c.ptz, codec: c.codec ?? null, source: 'link' };
}

export function playInfo(c: Camera): PlayInfo {
  const urls: PlayInfo['urls'] = {};
  for (const kind of PREFERENCE) {
    const url = c.streams[kind];
    if (url) urls[kind] = consoleRelative(url);
  }
  const preferred = PREFERENCE.find((k) => urls[k] !== undefined);
  if (!preferred) throw new HallError('unavailable', `Camera "${c.id}" offers no stream`);
  return { cameraId: c.id, urls, preferred, codec: c.codec ?? null };
}

/** Bounds a device/peer call: a dead peer turns into 'unavailable' after `ms`, never a hang. */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HallError('unavailable', `${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof HallError ? error : new HallError('unavailable', `${what} failed: ${(error as Error).message}`));
      },
    );
  });
}

export function setUpVideo(registry: Registry, deps: VideoDeps): VideoService {
  const log = deps.log ?? (() => undefined);
  const config = deps.config ?? { ptz: [], ptzSafetyStopSeconds: 10 };
  const townName = (code: string): string | null => {
    const town = deps.stations.get(`${code.slice(0, 9)}000`);
    return town && town.level === 'town' ? town.name : null;
  };

  const demoBus = deps.demo ? new DemoPtzBus() : null;

  // ---- serial PTZ ----
  const serial = config.ptz.length
    ? new SerialPtz(config.ptz, { safetyStopMs: config.ptzSafetyStopSeconds * 1000, log, onStatus: deps.onPtzLineStatus })
    : null;

  // ---- wvp catalogue ----
  const wvpConfig = config.wvp;
  const wvpTimeoutMs = (wvpConfig?.timeoutSeconds ?? 5) * 1000;
  const wvpPlayTimeoutMs = (wvpConfig?.playTimeoutSeconds ?? 12) * 1000;
  const wvp = wvpConfig
    ? new WvpClient({ baseUrl: wvpConfig.baseUrl, username: wvpConfig.username, password: wvpConfig.password, civilCode: wvpConfig.civilCode, timeoutMs: wvpTimeoutMs, playTimeoutMs: wvpPlayTimeoutMs })
    : null;
  let wvpCameras: VideoCamera[] = [];
  let wvpLoaded = false;
  let wvpDown = false;
  let refreshing: Promise<void> | null = null;
  let stopped = false;

  const refreshWvp = (): Promise<void> => {
    if (!wvp || stopped) return Promise.resolve();
    refreshing ??= (async () => {
      try {
        // Paging may take several requests: bound the whole refresh, not each one alone.
        const channels = await bounded(wvp.channels(), wvpTimeoutMs * 4, 'wvp channel list');
        if (stopped) return;
        wvpCameras = channels.map((c) => wvpCamera(c, townName));
        wvpLoaded = true;
        if (wvpDown) log(`[video] wvp is back: ${wvpCameras.length} channels`);
        wvpDown = false;
      } catch (error) {
        // Keep the last list; say so once per outage, not at every poll.
        if (!wvpDown) log(`[video] wvp channel list failed (keeping the last ${wvpCameras.length} channels): ${(error as Error).message}`);
        wvpDown = true;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };
  let pollTimer: NodeJS.Timeout | null = null;
  if (wvp && wvpConfig) {
    void refreshWvp();
    pollTimer = setInterval(() => void refreshWvp(), wvpConfig.pollSeconds * 1000);
    pollTimer.unref?.();
  }

  // ---- lookups ----
  const linkCamera = (id: string): Camera | undefined => deps.cameras.list().find((x) => x.id === id);
  const wvpChannelId = (id: string): number | null => {
    if (!id.startsWith(WVP_ID_PREFIX)) return null;
    const n = Number(id.slice(WVP_ID_PREFIX.length));
    return Number.isInteger(n) && n >= 0 ? n : null;
  };
  /** The camera, from the link or the wvp list; not_found otherwise (unavailable while wvp never answered). */
  const find = (id: string): { link: Camera } | { wvp: VideoCamera; channelId: number } => {
    const channelId = wvpChannelId(id);
    if (channelId !== null && wvp) {
      const c = wvpCameras.find((x) => x.id === id);
      if (c) return { wvp: c, channelId };
      if (!wvpLoaded) throw new HallError('unavailable', `Camera "${id}" is not known yet: the wvp channel list has not loaded`);
      throw new HallError('not_found', `No camera "${id}"`);
    }
    const c = linkCamera(id);
    if (!c) throw new HallError('not_found', `No camera "${id}"`);
    return { link: c };
  };

  registry.register('video.cameras.list', () => [...deps.cameras.list().map((c) => videoCamera(c, townName)), ...wvpCameras]);

  registry.registerAsync('video.play', async (p) => {
    const found = find(p.cameraId);
    if ('link' in found) return playInfo(found.link);
    // A login may precede the play: bound both, not the play alone.
    const stream = await bounded(wvp!.play(found.channelId), wvpPlayTimeoutMs + wvpTimeoutMs, `wvp play of camera "${p.cameraId}"`);
    try {
      return wvpPlayInfo(p.cameraId, stream);
    } catch (error) {
      throw new HallError('unavailable', (error as Error).message);
    }
  });

  registry.registerAsync('video.ptz', async (p) => {
    if (serial?.has(p.cameraId)) {
      await bounded(serial.ptz(p.cameraId, p.action, p.speed), SERIAL_TIMEOUT_MS, `Pelco-D ${p.action} of camera "${p.cameraId}"`);
      return { via: 'pelco-d' as const };
    }
    const found = find(p.cameraId);
    if ('wvp' in found) {
      await bounded(wvp!.ptz(found.channelId, p.action, p.speed), wvpTimeoutMs, `wvp PTZ ${p.action} of camera "${p.cameraId}"`);
      return { via: 'wvp' as const };
    }
    if (demoBus && found.link.ptz) {
      await bounded(demoBus.ptz(p.cameraId, p.action, p.speed), SERIAL_TIMEOUT_MS, `demo Pelco-D ${p.action} of camera "${p.cameraId}"`);
      return { via: 'pelco-d' as const };
    }
    throw new HallError('unavailable', found.link.ptz ? `No PTZ route is configured for camera "${p.cameraId}" (add it to a ptz-pelco-d device under devices)` : `Camera "${p.cameraId}" has no PTZ`);
  });

  registry.registerAsync('video.preset', async (p) => {
    if (serial?.has(p.cameraId)) {
      await bounded(serial.preset(p.cameraId, p.op, p.n), SERIAL_TIMEOUT_MS, `Pelco-D preset ${p.op} ${p.n} of camera "${p.cameraId}"`);
      return { via: 'pelco-d' as const };
    }
    const found = find(p.cameraId);
    if ('wvp' in found) {
      await bounded(wvp!.preset(found.channelId, p.op, p.n), wvpTimeoutMs, `wvp preset ${p.op} ${p.n} of camera "${p.cameraId}"`);
      return { via: 'wvp' as const };
    }
    if (demoBus && found.link.ptz) {
      await bounded(demoBus.preset(p.cameraId, p.op, p.n), SERIAL_TIMEOUT_MS, `demo Pelco-D preset ${p.op} ${p.n} of camera "${p.cameraId}"`);
      return { via: 'pelco-d' as const };
    }
    throw new HallError('unavailable', found.link.ptz ? `No PTZ route is configured for camera "${p.cameraId}" (add it to a ptz-pelco-d device under devices)` : `Camera "${p.cameraId}" has no PTZ`);
  });

  return {
    refreshWvp,
    async stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
      await serial?.close();
      await demoBus?.close();
    },
  };
}
