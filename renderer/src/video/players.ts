/**
 * The players a tile drives, behind one small interface so the tile's state machine is tested
 * with fakes: mpegts.js for WS-FLV and HTTP-FLV, hls.js for HLS (native HLS where there is no
 * MediaSource). Both libraries are imported lazily, on the first tile that needs them.
 */
import type { StreamKind } from '../../../shared/contract';

/** Why a player gave up: `unsupported` (the codec or format cannot be decoded here) is final. */
export type PlayerFailure = { kind: 'network' | 'media' | 'ended' | 'unsupported'; message: string };

export interface Player {
  /** Stops loading and decoding and lets go of the element (destroy, src removed, load()). */
  destroy(): void;
}

export interface PlayerCallbacks {
  onFailure(failure: PlayerFailure): void;
}

export type PlayerFactory = (kind: StreamKind, url: string, video: HTMLVideoElement, callbacks: PlayerCallbacks) => Promise<Player>;

/** H.265 in MP4 as Chromium's MediaSource would be asked for it. */
export const HEVC_MIME = 'video/mp4; codecs="hvc1.1.6.L93.B0"';

export function mediaSourceSupports(mime: string): boolean {
  const MS = (globalThis as { MediaSource?: { isTypeSupported(t: string): boolean } }).MediaSource;
  return !!MS && MS.isTypeSupported(mime);
}

export function hasMediaSource(): boolean {
  return typeof (globalThis as { MediaSource?: unknown }).MediaSource === 'function';
}

/** Lets go of a video element's decoder fully. */
export function releaseElement(video: HTMLVideoElement): void {
  try {
    video.pause();
  } catch {
    /* a detached element may refuse */
  }
  video.removeAttribute('src');
  video.srcObject = null;
  video.load();
}

/** A relative `/video/…` URL made absolute; for WS-FLV the scheme becomes ws: / wss:. */
export function absoluteUrl(kind: StreamKind, url: string, base: string): string {
  const u = new URL(url, base);
  if (kind === 'wsFlv') {
    if (u.protocol === 'http:') u.protocol = 'ws:';
    else if (u.protocol === 'https:') u.protocol = 'wss:';
  }
  return u.toString();
}

function playMuted(video: HTMLVideoElement): void {
  video.muted = true;
  void video.play()?.catch(() => undefined);
}

async function flvPlayer(kind: 'wsFlv' | 'flv', url: string, video: HTMLVideoElement, cb: PlayerCallbacks): Promise<Player> {
  const mpegts = (await import('mpegts.js')).default;
  if (!mpegts.isSupported()) throw Object.assign(new Error('MediaSource is not available'), { unsupported: true });
  mpegts.LoggingControl.enableAll = false;
  const player = mpegts.createPlayer(
    { type: 'flv', isLive: true, url, withCredentials: false },
    {
      enableWorker: false,
      enableStashBuffer: false,
      lazyLoad: false,
      liveBufferLatencyChasing: true,
      liveBufferLatencyMaxLatency: 3,
      liveBufferLatencyMinRemain: 0.5,
      autoCleanupSourceBuffer: true,
    },
  );
  let done = false;
  const fail = (failure: PlayerFailure) => {
    if (done) return;
    done = true;
    cb.onFailure(failure);
  };
  player.on(mpegts.Events.ERROR, (type: string, detail: string, info?: { msg?: string }) => {
    const unsupported = detail === mpegts.ErrorDetails.MEDIA_CODEC_UNSUPPORTED || detail === mpegts.ErrorDetails.MEDIA_FORMAT_UNSUPPORTED;
    fail({ kind: unsupported ? 'unsupported' : type === mpegts.ErrorTypes.NETWORK_ERROR ? 'network' : 'media', message: `${detail}${info?.msg ? `: ${info.msg}` : ''}` });
  });
  // A live stream that "completes" has lost its source.
  player.on(mpegts.Events.LOADING_COMPLETE, () => fail({ kind: 'ended', message: `${kind} stream ended` }));
  player.attachMediaElement(video);
  player.load();
  playMuted(video);
  return {
    destroy() {
      done = true;
      try {
        player.pause();
        player.unload();
        player.detachMediaElement();
      } catch {
        /* already torn down */
      }
      player.destroy();
      releaseElement(video);
    },
  };
}

async function hlsPlayer(url: string, video: HTMLVideoElement, cb: PlayerCallbacks): Promise<Player> {
  let done = false;
  const fail = (failure: PlayerFailure) => {
    if (done) return;
    done = true;
    cb.onFailure(failure);
  };
  if (!hasMediaSource()) {
    if (!video.canPlayType('application/vnd.apple.mpegurl')) throw Object.assign(new Error('neither MediaSource nor native HLS'), { unsupported: true });
    const onError = () => fail({ kind: video.error?.code === 4 ? 'unsupported' : 'media', message: video.error?.message || 'native HLS error' });
    video.addEventListener('error', onError);
    video.src = url;
    playMuted(video);
    return {
      destroy() {
        done = true;
        video.removeEventListener('error', onError);
        releaseElement(video);
      },
    };
  }
  const Hls = (await import('hls.js')).default;
  const hls = new Hls({ enableWorker: true, lowLatencyMode: false, backBufferLength: 10, maxBufferLength: 10 });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    const unsupported = data.details === Hls.ErrorDetails.BUFFER_ADD_CODEC_ERROR || data.details === Hls.ErrorDetails.BUFFER_INCOMPATIBLE_CODECS_ERROR || data.details === Hls.ErrorDetails.MANIFEST_INCOMPATIBLE_CODECS_ERROR;
    fail({ kind: unsupported ? 'unsupported' : data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'network' : 'media', message: String(data.details) });
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  playMuted(video);
  return {
    destroy() {
      done = true;
      hls.destroy();
      releaseElement(video);
    },
  };
}

/** The real players (WHEP is not played yet: a tile skips it). */
export const createPlayer: PlayerFactory = (kind, url, video, callbacks) => {
  if (kind === 'wsFlv' || kind === 'flv') return flvPlayer(kind, url, video, callbacks);
  if (kind === 'hls') return hlsPlayer(url, video, callbacks);
  return Promise.reject(Object.assign(new Error(`${kind} is not supported by tiles`), { unsupported: true }));
};
