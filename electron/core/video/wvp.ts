/**
 * A client of wvp-GB28181-pro's HTTP API (the "common channel" API of its current versions):
 *
 *   GET /api/user/login?username=&password=<md5 hex>      → data.accessToken (a JWT, 30 min)
 *   GET /api/common/channel/list?page=&count=[&civilCode=] → data: { total, list: CommonGBChannel[] }
 *   GET /api/common/channel/play?channelId=               → data: StreamContent (flv, ws_flv, hls, rtc, …)
 *   GET /api/common/channel/play/stop?channelId=
 *   GET /api/common/channel/front-end/ptz?channelId=&command=&panSpeed=&tiltSpeed=&zoomSpeed= (0–100)
 *   GET /api/common/channel/front-end/fi/focus?channelId=&command=near|far|stop&speed=
 *   GET /api/common/channel/front-end/preset/{call,add,delete}?channelId=&presetId=[&presetName=]
 *
 * Every answer is `{ code, msg, data }`, code 0 = success. The token goes in the `access-token`
 * header; an expired or missing token is HTTP 401 with code 401, on which the client logs in again
 * once and repeats the request. `channelId` is wvp's numeric channel id (gbId), not the 20-digit
 * GB code. Every request is bounded by a timeout: a dead wvp must not hang an operator's call.
 */
import crypto from 'node:crypto';
import type { PlayInfo, PtzAction, VideoCamera } from '../../../shared/contract';

export interface WvpOptions {
  baseUrl: string;
  username: string;
  /** The plain password; the API wants its MD5 hex. */
  password: string;
  /** Only channels of this administrative division (wvp's civilCode filter). */
  civilCode?: string | undefined;
  timeoutMs?: number;
  /** Play waits for the device's INVITE: wvp's own limit is 10 s (default 12 s). */
  playTimeoutMs?: number;
  /** Channels fetched per page of the list. */
  pageSize?: number;
}

/** A wvp failure: HTTP trouble, a timeout, or a non-zero code with wvp's message. */
export class WvpError extends Error {
  constructor(
    message: string,
    readonly code: number | null = null,
  ) {
    super(message);
    this.name = 'WvpError';
  }
}

/** The fields of CommonGBChannel this console uses. */
export interface WvpChannel {
  gbId: number;
  gbDeviceId?: string | null;
  gbName?: string | null;
  gbCivilCode?: string | null;
  gbStatus?: string | null;
  gbLongitude?: number | null;
  gbLatitude?: number | null;
  gbPtzType?: number | null;
}

/** The fields of StreamContent this console uses. */
export interface WvpStream {
  flv?: string | null;
  https_flv?: string | null;
  ws_flv?: string | null;
  wss_flv?: string | null;
  hls?: string | null;
  https_hls?: string | null;
  rtc?: string | null;
  mediaInfo?: { videoCodec?: string | null } | null;
}

interface Envelope<T> {
  code: number;
  msg?: string | null;
  data?: T;
}

export const md5Hex = (text: string): string => crypto.createHash('md5').update(text, 'utf8').digest('hex');

/** GB/T 28181 camera types that can be steered: 1 dome, 4 remote-controlled bullet, 5 remote-controlled half-dome. */
const PTZ_TYPES = new Set([1, 4, 5]);

export const WVP_ID_PREFIX = 'wvp:';

/** A wvp channel as a console camera. `townName` resolves a 12-digit division code. */
export function wvpCamera(c: WvpChannel, townName: (code: string) => string | null): VideoCamera {
  const civil = (c.gbCivilCode ?? '').replace(/\D/g, '');
  const stationCode = civil.length >= 6 ? civil.slice(0, 12).padEnd(12, '0') : '';
  return {
    id: `${WVP_ID_PREFIX}${c.gbId}`,
    name: c.gbName?.trim() || c.gbDeviceId || `wvp ${c.gbId}`,
    stationCode,
    townName: civil.length >= 9 ? townName(stationCode) : null,
    lat: typeof c.gbLatitude === 'number' && Number.isFinite(c.gbLatitude) ? c.gbLatitude : 0,
    lon: typeof c.gbLongitude === 'number' && Number.isFinite(c.gbLongitude) ? c.gbLongitude : 0,
    online: (c.gbStatus ?? '').toUpperCase() === 'ON',
    ptz: typeof c.gbPtzType === 'number' && PTZ_TYPES.has(c.gbPtzType),
    codec: null,
    source: 'wvp',
  };
}

/** wvp's stream URLs as PlayInfo: WS-FLV first, then HLS, then HTTP-FLV (as the link's cameras). */
export function wvpPlayInfo(cameraId: string, s: WvpStream): PlayInfo {
  const urls: PlayInfo['urls'] = {};
  const wsFlv = s.ws_flv || s.wss_flv;
  const hls = s.hls || s.https_hls;
  const flv = s.flv || s.https_flv;
  if (wsFlv) urls.wsFlv = wsFlv;
  if (hls) urls.hls = hls;
  if (flv) urls.flv = flv;
  // `rtc` is ZLMediaKit's own WebRTC signalling (JSON in, JSON out), not WHEP: not offered as whep.
  const preferred = urls.wsFlv ? 'wsFlv' : urls.hls ? 'hls' : urls.flv ? 'flv' : null;
  if (!preferred) throw new WvpError(`wvp returned no playable stream URL for ${cameraId}`);
  const codecName = s.mediaInfo?.videoCodec ?? '';
  const codec = /265|hevc/i.test(codecName) ? 'h265' : /264|avc/i.test(codecName) ? 'h264' : null;
  return { cameraId, urls, preferred, codec };
}

/** The API's 1–63 as wvp's 0–100 (default 50, wvp's own default). */
export function wvpSpeed(speed: number | undefined): number {
  if (speed === undefined) return 50;
  return Math.max(0, Math.min(100, Math.round((speed * 100) / 63)));
}

export class WvpClient {
  private token: string | null = null;
  private loggingIn: Promise<string> | null = null;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  /** The last focus command per channel: a stop after focusing must stop the focus motor. */
  private readonly focusing = new Set<number>();

  constructor(private readonly options: WvpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  private async get<T>(path: string, query: Record<string, string | number | undefined>, token: string | null, timeoutMs = this.timeoutMs): Promise<{ status: number; body: Envelope<T> }> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const what = `wvp ${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(token ? { 'access-token': token } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const e = error as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new WvpError(`${what} timed out after ${timeoutMs} ms`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new WvpError(`${what} failed: ${cause?.code ?? cause?.message ?? e.message}`);
    }
    let body: Envelope<T>;
    try {
      body = (await response.json()) as Envelope<T>;
    } catch {
      throw new WvpError(`${what} answered HTTP ${response.status} without JSON`);
    }
    if (typeof body !== 'object' || body === null || typeof body.code !== 'number') {
      throw new WvpError(`${what} answered HTTP ${response.status} without a {code, msg, data} envelope`);
    }
    return { status: response.status, body };
  }

  /** Log in (once at a time) and remember the token. */
  login(): Promise<string> {
    this.loggingIn ??= (async () => {
      try {
        const { body } = await this.get<{ accessToken?: string }>('/api/user/login', { username: this.options.username, password: md5Hex(this.options.password) }, null);
        if (body.code !== 0) throw new WvpError(`wvp login of "${this.options.username}" was refused: ${body.msg ?? `code ${body.code}`}`, body.code);
        const token = body.data?.accessToken;
        if (!token) throw new WvpError('wvp login answered without an accessToken');
        this.token = token;
        return token;
      } finally {
        this.loggingIn = null;
      }
    })();
    return this.loggingIn;
  }

  /** An authenticated call: logs in when needed, and once more when the token has expired. */
  async call<T>(path: string, query: Record<string, string | number | undefined> = {}, timeoutMs = this.timeoutMs): Promise<T> {
    let token = this.token ?? (await this.login());
    let answer = await this.get<T>(path, query, token, timeoutMs);
    if (answer.status === 401 || answer.body.code === 401) {
      this.token = null;
      token = await this.login();
      answer = await this.get<T>(path, query, token, timeoutMs);
    }
    const { status, body } = answer;
    if (status >= 400 && body.code === 0) throw new WvpError(`wvp ${path} answered HTTP ${status}`, status);
    if (body.code !== 0) throw new WvpError(`wvp ${path} failed: ${body.msg ?? 'no message'} (code ${body.code})`, body.code);
    return body.data as T;
  }

  /** Every channel (page by page), filtered by civil code when configured. */
  async channels(): Promise<WvpChannel[]> {
    const count = this.options.pageSize ?? 200;
    const all: WvpChannel[] = [];
    for (let page = 1; page <= 500; page++) {
      const data = await this.call<{ total?: number; list?: WvpChannel[] } | null>('/api/common/channel/list', { page, count, civilCode: this.options.civilCode });
      const list = data?.list ?? [];
      all.push(...list.filter((c) => typeof c.gbId === 'number'));
      if (list.length < count || all.length >= (data?.total ?? 0)) break;
    }
    return all;
  }

  async play(channelId: number): Promise<WvpStream> {
    const data = await this.call<WvpStream | null>('/api/common/channel/play', { channelId }, this.options.playTimeoutMs ?? 12_000);
    if (!data) throw new WvpError(`wvp play of channel ${channelId} answered without stream URLs`);
    return data;
  }

  async stop(channelId: number): Promise<void> {
    await this.call('/api/common/channel/play/stop', { channelId });
  }

  async ptz(channelId: number, action: PtzAction, speed?: number): Promise<void> {
    const s = wvpSpeed(speed);
    if (action === 'focusnear' || action === 'focusfar') {
      this.focusing.add(channelId);
      await this.call('/api/common/channel/front-end/fi/focus', { channelId, command: action === 'focusnear' ? 'near' : 'far', speed: s });
      return;
    }
    if (action === 'stop' && this.focusing.delete(channelId)) {
      await this.call('/api/common/channel/front-end/fi/focus', { channelId, command: 'stop', speed: s });
      return;
    }
    await this.call('/api/common/channel/front-end/ptz', { channelId, command: action, panSpeed: s, tiltSpeed: s, zoomSpeed: s });
  }

  async preset(channelId: number, op: 'goto' | 'set' | 'clear', n: number): Promise<void> {
    if (op === 'goto') await this.call('/api/common/channel/front-end/preset/call', { channelId, presetId: n });
    else if (op === 'set') await this.call('/api/common/channel/front-end/preset/add', { channelId, presetId: n, presetName: `预置位${n}` });
    else await this.call('/api/common/channel/front-end/preset/delete', { channelId, presetId: n });
  }
}
