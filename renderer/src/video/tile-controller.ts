/**
 * The state machine of one video tile, apart from Vue so it is tested with fake players and fake
 * timers:
 *
 *   connecting ──picture moves──▶ playing ──no progress for stallMs──▶ stalled
 *        │                          ▲                                     │ (backoff)
 *        └──error / no picture──▶ reconnecting ◀──────────────────────────┘
 *   offline       the catalogue says the camera is offline (re-checked now and then, no stream opened)
 *   unsupported   the codec cannot be decoded here (H.265 without HEVC in MediaSource, decoder errors)
 *
 * Retries back off exponentially (1 s, 2 s, 4 s … capped at 15 s) for ever, so a tile recovers by
 * itself when its source returns. "Playing" means the video's currentTime advances, not merely
 * that a player was created.
 */
import type { PlayInfo, Result, StreamKind, VideoCamera } from '../../../shared/contract';
import { flvLimiter, hostOf, type ConnectionLimiter } from './flv-limiter';
import { absoluteUrl, createPlayer as realCreatePlayer, hasMediaSource, HEVC_MIME, mediaSourceSupports, type Player, type PlayerFactory, type PlayerFailure } from './players';

export const TILE_STATES = ['connecting', 'playing', 'stalled', 'reconnecting', 'offline', 'unsupported'] as const;
export type TileState = (typeof TILE_STATES)[number];

/** The order a tile tries kinds in after the preferred one (HTTP-FLV last: it holds a connection). */
const FALLBACK: readonly StreamKind[] = ['wsFlv', 'hls', 'flv'];

export interface TileTiming {
  /** No currentTime progress for this long while playing → stalled (default 5 s). */
  stallMs: number;
  /** No picture this long after opening a stream → the attempt failed (default 12 s). */
  connectTimeoutMs: number;
  /** First retry delay, doubled per failure up to backoffCapMs. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How often an offline camera is looked at again. */
  offlineRecheckMs: number;
  /** How long a tile waits for an HTTP-FLV slot when it has no other kind. */
  slotWaitMs: number;
  /** The watchdog's period (and of data-current-time / the clock). */
  tickMs: number;
}

export const DEFAULT_TIMING: TileTiming = {
  stallMs: 5000,
  connectTimeoutMs: 12_000,
  backoffBaseMs: 1000,
  backoffCapMs: 15_000,
  offlineRecheckMs: 30_000,
  slotWaitMs: 2000,
  tickMs: 1000,
};

export function backoffDelay(failures: number, timing: Pick<TileTiming, 'backoffBaseMs' | 'backoffCapMs'> = DEFAULT_TIMING): number {
  return Math.min(timing.backoffCapMs, timing.backoffBaseMs * 2 ** Math.max(0, failures - 1));
}

export interface TileDeps {
  play(cameraId: string): Promise<Result<PlayInfo>>;
  /** The camera from the catalogue (null when unknown); `fresh` asks past any cache. */
  camera(cameraId: string, fresh?: boolean): Promise<VideoCamera | null>;
  createPlayer?: PlayerFactory;
  limiter?: ConnectionLimiter;
  /** The page URL relative stream URLs resolve against (location.href). */
  baseUrl?: () => string;
  hevcSupported?: () => boolean;
  mediaSource?: () => boolean;
  now?: () => number;
  timing?: Partial<TileTiming>;
}

export interface TileSnapshot {
  state: TileState;
  camera: VideoCamera | null;
  kind: StreamKind | null;
  currentTime: number;
  /** Why the tile is not playing (the last failure), for the tooltip. */
  detail: string;
  failures: number;
}

/** Kinds to try, preferred first, then the fallback order; only those this window can play. */
export function playableKinds(info: PlayInfo, opts: { mediaSource: boolean; baseUrl: string }): StreamKind[] {
  const httpPage = /^https?:$/.test(new URL(opts.baseUrl).protocol);
  const order = [info.preferred, ...FALLBACK.filter((k) => k !== info.preferred)];
  return order.filter((kind) => {
    const url = info.urls[kind];
    if (!url || kind === 'whep') return false;
    if (kind === 'hls') return true; // hls.js, or native HLS without MediaSource
    if (!opts.mediaSource) return false; // mpegts.js needs MediaSource
    // A relative FLV URL means "this console": only a page loaded over HTTP can reach its streams
    // (the Electron app:// protocol serves HLS only).
    return httpPage || /^(?:https?|wss?):\/\//.test(url);
  });
}

export class TileController {
  private readonly deps: Required<Omit<TileDeps, 'timing'>>;
  private readonly timing: TileTiming;
  private generation = 0;
  private cameraId: string | null = null;
  private video: HTMLVideoElement | null = null;
  private player: Player | null = null;
  private releaseSlot: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private attemptAt = 0;
  private lastTime = 0;
  private lastProgressAt = 0;
  private unplayable = new Set<StreamKind>();
  private snap: TileSnapshot = { state: 'connecting', camera: null, kind: null, currentTime: 0, detail: '', failures: 0 };

  constructor(
    deps: TileDeps,
    private readonly onChange: (snapshot: TileSnapshot) => void,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.deps = {
      play: (id) => deps.play(id),
      camera: (id, fresh) => deps.camera(id, fresh),
      createPlayer: deps.createPlayer ?? realCreatePlayer,
      limiter: deps.limiter ?? flvLimiter,
      baseUrl: deps.baseUrl ?? (() => globalThis.location?.href ?? 'http://localhost/'),
      hevcSupported: deps.hevcSupported ?? (() => mediaSourceSupports(HEVC_MIME)),
      mediaSource: deps.mediaSource ?? hasMediaSource,
      now: deps.now ?? (() => Date.now()),
    };
  }

  get snapshot(): TileSnapshot {
    return this.snap;
  }

  /** Plays `cameraId` into `video`, letting go of whatever played before. */
  start(cameraId: string, video: HTMLVideoElement): void {
    this.stop();
    this.cameraId = cameraId;
    this.video = video;
    this.unplayable = new Set();
    this.snap = { state: 'connecting', camera: null, kind: null, currentTime: 0, detail: '', failures: 0 };
    this.emit();
    this.ticker = setInterval(() => this.tick(), this.timing.tickMs);
    void this.attempt(this.generation);
  }

  /** Stops everything and releases the decoder (unmount, or before another camera). */
  stop(): void {
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.ticker) clearInterval(this.ticker);
    this.retryTimer = null;
    this.ticker = null;
    this.teardown();
  }

  private set(patch: Partial<TileSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.emit();
  }

  private emit(): void {
    this.onChange(this.snap);
  }

  private teardown(): void {
    const player = this.player;
    this.player = null;
    this.releaseSlot?.();
    this.releaseSlot = null;
    if (player) {
      try {
        player.destroy();
      } catch (error) {
        console.warn('[video] a player failed to stop', error);
      }
    }
  }

  private async attempt(gen: number): Promise<void> {
    const id = this.cameraId;
    const video = this.video;
    if (!id || !video || gen !== this.generation) return;
    const camera = await this.deps.camera(id, this.snap.state === 'offline').catch(() => null);
    if (gen !== this.generation) return;
    if (camera) this.set({ camera });
    if (camera && !camera.online) {
      this.set({ state: 'offline', kind: null, detail: '' });
      return this.retryIn(gen, this.timing.offlineRecheckMs);
    }
    if (this.snap.state === 'offline') this.set({ state: 'connecting' });
    const result = await this.deps.play(id).catch((error: unknown) => ({ ok: false as const, error: { code: 'internal', message: String(error) } }));
    if (gen !== this.generation) return;
    if (!result.ok) return this.failed(gen, { kind: 'network', message: result.error.message });
    const info = result.value;
    if ((info.codec ?? camera?.codec) === 'h265' && !this.deps.hevcSupported()) {
      return this.set({ state: 'unsupported', kind: null, detail: 'H.265' });
    }
    const base = this.deps.baseUrl();
    const kinds = playableKinds(info, { mediaSource: this.deps.mediaSource(), baseUrl: base }).filter((k) => !this.unplayable.has(k));
    if (kinds.length === 0) return this.set({ state: 'unsupported', kind: null, detail: 'no playable stream' });
    // Rotate through the kinds as failures pile up; HTTP-FLV only with a free connection slot.
    const rotated = [...kinds.slice(this.snap.failures % kinds.length), ...kinds.slice(0, this.snap.failures % kinds.length)];
    let kind: StreamKind | null = null;
    for (const k of rotated) {
      if (k !== 'flv') {
        kind = k;
        break;
      }
      const release = this.deps.limiter.acquire(hostOf(info.urls.flv!, base));
      if (release) {
        this.releaseSlot = release;
        kind = k;
        break;
      }
    }
    if (!kind) return this.retryIn(gen, this.timing.slotWaitMs); // every slot taken: wait for one
    const url = absoluteUrl(kind, info.urls[kind]!, base);
    this.set({ kind });
    let player: Player;
    try {
      player = await this.deps.createPlayer(kind, url, video, { onFailure: (f) => this.failed(gen, f) });
    } catch (error) {
      this.releaseSlot?.();
      this.releaseSlot = null;
      if (gen !== this.generation) return;
      if ((error as { unsupported?: boolean }).unsupported) {
        this.unplayable.add(kind);
        return void this.attempt(gen);
      }
      return this.failed(gen, { kind: 'media', message: (error as Error).message });
    }
    if (gen !== this.generation) {
      player.destroy();
      return;
    }
    this.player = player;
    this.attemptAt = this.deps.now();
    this.lastTime = video.currentTime;
    this.lastProgressAt = this.attemptAt;
  }

  private failed(gen: number, failure: PlayerFailure): void {
    if (gen !== this.generation) return;
    this.teardown();
    if (failure.kind === 'unsupported') return this.set({ state: 'unsupported', detail: failure.message });
    const failures = this.snap.failures + 1;
    this.set({ state: 'reconnecting', failures, detail: failure.message });
    this.retryIn(gen, backoffDelay(failures, this.timing));
  }

  private retryIn(gen: number, ms: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (gen !== this.generation) return;
      if (this.snap.state === 'stalled') this.set({ state: 'reconnecting' });
      void this.attempt(gen);
    }, ms);
  }

  /** The watchdog: progress → playing, no progress → stalled / failed attempt. */
  private tick(): void {
    const video = this.video;
    if (!video) return;
    const now = this.deps.now();
    const t = video.currentTime;
    const state = this.snap.state;
    if (this.player) {
      const delta = t - this.lastTime;
      // A jump (a player seeking to the live edge) moves the baseline but is not playback.
      if (Math.abs(delta) > 0.01 && (delta < 0 || delta > (4 * this.timing.tickMs) / 1000)) this.lastTime = t;
      else if (delta > 0.01) {
        this.lastTime = t;
        this.lastProgressAt = now;
        if (state !== 'playing') return this.set({ state: 'playing', failures: 0, detail: '', currentTime: t });
      } else if (state === 'playing' && now - this.lastProgressAt >= this.timing.stallMs) {
        const gen = this.generation;
        this.teardown();
        const failures = this.snap.failures + 1;
        this.set({ state: 'stalled', failures, detail: 'no picture', currentTime: t });
        return this.retryIn(gen, backoffDelay(failures, this.timing));
      } else if (state !== 'playing' && now - this.attemptAt >= this.timing.connectTimeoutMs) {
        return this.failed(this.generation, { kind: 'network', message: 'no picture' });
      }
    }
    this.set({ currentTime: t });
  }
}
