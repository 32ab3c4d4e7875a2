/**
 * The `ip-speaker` driver: one village/town loudspeaker terminal (大喇叭) over the IP terminal
 * protocol (../shared/specs/devices-v1.md, "IP terminal protocol"; codec in ip-terminal.ts).
 *
 * The console dials the terminal's TCP port and both sides send requests on that connection:
 *   console → terminal: start 0x01, stop 0x02, volume 0x03, query status 0x04, time sync 0x05;
 *   terminal → console: heartbeat 0x10, fault report 0x13, broadcast result 0x15, each answered
 *   by the console with a reply 0x11 (result ok; bad request for what it cannot decode).
 *
 * Rules kept here:
 *  - every request waits `replyTimeoutMs` for the reply with its session id, and is sent again
 *    (same session id, so a late reply to an earlier attempt still counts) `retries` times; a
 *    request that never got a reply drops the connection, because a terminal that stopped
 *    answering is more often a half-open TCP link than a busy one, and a reconnect re-runs init;
 *  - `missedHeartbeats` heartbeat intervals without a heartbeat → drop the link (offline);
 *  - a fault report (or work state 3 in a heartbeat/reply) → health 'fault'; "recovered" (or a
 *    non-fault work state, when no fault report is outstanding) → online again;
 *  - on every (re)connect the init is: time sync, then query status.
 */
import { HallError } from '../api/errors';
import type { ConfigDevice } from '../config/config';
import { DeviceLink, type DeviceHealth, type TransportOpener } from './device-link';
import type { BroadcastResult, IpSpeakerDriver, StartBroadcast } from './driver';
import { stationResourceCode } from './ebm';
import {
  BUSINESS,
  IpTerminalParser,
  PACKET_REPLY,
  PACKET_REQUEST,
  REPLY_RESULT,
  encodeFrame,
  type BusinessDataMap,
  type DropInfo,
  type FrameInput,
  type IpFrame,
  type ReplyData,
} from './ip-terminal';

export type IpSpeakerEntry = Extract<ConfigDevice, { kind: 'ip-speaker' }>;

/**
 * Resource type of the console's own platform in its source resource code. The catalogue puts
 * platforms in the 01xx class ("0101" 应急广播平台) and terminals in 03xx (0314 in ebm.ts's
 * example); confirm against the deployment's resource catalogue.
 */
export const PLATFORM_RESOURCE_TYPE = '0101';
/** The district platform (源城区, level 4, 441602000000): 4 441602000000 0101 01 01 01. */
export const DISTRICT_PLATFORM_CODE = stationResourceCode({ kind: 'district', division: '441602', resourceType: PLATFORM_RESOURCE_TYPE });

export interface IpSpeakerOptions {
  /** The console's 23-digit resource code, sent as the source of every frame. */
  sourceCode?: string;
  opener?: TransportOpener;
  /** Default 5 000 (spec). */
  replyTimeoutMs?: number;
  /** Resends after the first attempt; default 2. */
  retries?: number;
  /** The terminal's heartbeat period; default 30 000 (spec). */
  heartbeatIntervalMs?: number;
  /** Heartbeats missed before the link is dropped; default 3 (spec). */
  missedHeartbeats?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  openTimeoutMs?: number;
  log?: (line: string) => void;
  now?: () => Date;
}

type ConsoleRequest = 'startBroadcast' | 'stopBroadcast' | 'setVolume' | 'queryStatus' | 'timeSync';

interface Pending {
  resolve: (reply: ReplyData | null) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const REQUEST_NAMES: Record<ConsoleRequest, string> = {
  startBroadcast: 'start broadcast',
  stopBroadcast: 'stop broadcast',
  setVolume: 'set volume',
  queryStatus: 'query status',
  timeSync: 'time sync',
};

export function createIpSpeaker(entry: IpSpeakerEntry, options: IpSpeakerOptions = {}): IpSpeakerDriver {
  return new IpSpeaker(entry, options);
}

class IpSpeaker implements IpSpeakerDriver {
  readonly kind = 'ip-speaker' as const;
  readonly id: string;
  readonly name: string;
  readonly resourceCode: string;
  readonly stationCode: string;

  private readonly link: DeviceLink;
  private readonly parser: IpTerminalParser;
  private readonly pending = new Map<number, Pending>();
  private readonly healthListeners = new Set<(h: DeviceHealth) => void>();
  private readonly resultListeners = new Set<(r: BroadcastResult) => void>();
  private readonly source: string;
  private readonly replyTimeoutMs: number;
  private readonly retries: number;
  private readonly heartbeatMs: number;
  private readonly missed: number;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  private sessionId = Math.floor(Math.random() * 0xffffffff);
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** From a fault report; sticky until "recovered" or the connection goes. */
  private reportedFault: string | null = null;
  /** Work state 3 in the latest heartbeat or reply. */
  private workStateFault = false;

  constructor(entry: IpSpeakerEntry, private readonly options: IpSpeakerOptions) {
    this.id = entry.id;
    this.name = entry.name;
    this.resourceCode = entry.resourceCode;
    this.stationCode = entry.stationCode;
    this.source = options.sourceCode ?? DISTRICT_PLATFORM_CODE;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 5_000;
    this.retries = options.retries ?? 2;
    this.heartbeatMs = options.heartbeatIntervalMs ?? 30_000;
    this.missed = options.missedHeartbeats ?? 3;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.parser = new IpTerminalParser({ onDrop: (d) => this.dropped(d) });
    this.link = new DeviceLink({
      label: `ip-speaker ${entry.id}`,
      transport: { tcp: entry.tcp },
      opener: options.opener,
      openTimeoutMs: options.openTimeoutMs,
      reconnectMinMs: options.reconnectMinMs,
      reconnectMaxMs: options.reconnectMaxMs,
      now: this.now,
      log: this.log,
      onOpen: () => this.init(),
      onData: (chunk) => this.onData(chunk),
      onDown: (reason) => this.down(reason),
      onHealth: (h) => this.healthListeners.forEach((l) => l(h)),
    });
  }

  start(): void {
    this.link.start();
  }

  async close(): Promise<void> {
    this.stopWatchdog();
    await this.link.close();
    this.failPending(`${this.label()} is closed`);
  }

  health(): DeviceHealth {
    return this.link.status();
  }

  onHealth(listener: (health: DeviceHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  onBroadcastResult(listener: (result: BroadcastResult) => void): () => void {
    this.resultListeners.add(listener);
    return () => this.resultListeners.delete(listener);
  }

  async probe(): Promise<string> {
    const s = await this.queryStatus();
    return `${this.name}: work state ${s.workState}, volume ${s.volume}`;
  }

  async startBroadcast(s: StartBroadcast): Promise<void> {
    await this.request('startBroadcast', {
      ebmId: s.ebmId,
      kind: s.kind,
      level: s.eventLevel,
      eventType: s.eventType,
      // The driver API says 0xFF keeps the terminal's volume; the codec spells that null.
      volume: s.volume === 0xff ? null : s.volume,
      repeat: s.repeat,
      audioUrl: s.audioUrl,
    });
  }

  async stopBroadcast(ebmId: string): Promise<void> {
    await this.request('stopBroadcast', { ebmId });
  }

  async setVolume(volume: number): Promise<void> {
    await this.request('setVolume', { volume });
  }

  queryStatus(): Promise<ReplyData> {
    return this.request('queryStatus', {});
  }

  // --- connection life ----------------------------------------------------------------------

  private label(): string {
    return `Terminal ${this.name} (${this.resourceCode})`;
  }

  private async init(): Promise<void> {
    this.parser.reset();
    this.armWatchdog();
    // A terminal that refuses time sync still works; only silence fails the init.
    const sync = await this.request('timeSync', { utcSeconds: Math.floor(this.now().getTime() / 1000) }, { init: true });
    if (sync.result !== 'ok') this.log(`[devices] ${this.label()}: time sync answered ${sync.result}`);
    await this.request('queryStatus', {}, { init: true });
  }

  private down(reason: string): void {
    this.stopWatchdog();
    this.failPending(`${this.label()} connection lost: ${reason}`, reason);
    // The new connection re-tells its state (heartbeat work state, a fresh fault report); a fault
    // kept across reconnects would stay forever if the terminal was repaired while we were away.
    this.reportedFault = null;
    this.workStateFault = false;
  }

  private armWatchdog(): void {
    this.stopWatchdog();
    const ms = this.heartbeatMs * this.missed;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      this.link.drop(`missed ${this.missed} heartbeats (${this.heartbeatMs} ms interval)`);
    }, ms);
    this.heartbeatTimer.unref?.();
  }

  private stopWatchdog(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private failPending(message: string, deviceReason = message): void {
    const error = new HallError('unavailable', message, { deviceReason });
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(error);
    }
  }

  private applyFault(): void {
    const reason = this.reportedFault ?? (this.workStateFault ? 'the terminal reports work state fault (3)' : null);
    if (reason) this.link.fault(reason);
    else this.link.clearFault();
  }

  // --- requests -----------------------------------------------------------------------------

  private nextSession(): number {
    this.sessionId = (this.sessionId + 1) >>> 0;
    return this.sessionId;
  }

  private async request<K extends ConsoleRequest>(business: K, data: BusinessDataMap[K], opts: { init?: boolean } = {}): Promise<ReplyData> {
    const what = REQUEST_NAMES[business];
    const sessionId = this.nextSession();
    let frame: Buffer;
    try {
      frame = encodeFrame({ sessionId, packetType: PACKET_REQUEST, source: this.source, targets: [this.resourceCode], business, data } as FrameInput);
    } catch (e) {
      throw new HallError('invalid_params', `${this.label()}: ${what}: ${(e as Error).message}`);
    }
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) this.log(`[devices] ${this.label()}: no reply to ${what} (session ${sessionId}) in ${this.replyTimeoutMs} ms, retry ${attempt}/${this.retries}`);
      const reply = this.awaitReply(sessionId);
      try {
        await this.link.write(frame);
      } catch (e) {
        this.settle(sessionId, null);
        await reply.catch(() => undefined);
        const reason = this.link.status().reason ?? (e as Error).message;
        throw new HallError('unavailable', `${this.label()}: ${what} failed: ${reason}`, { deviceReason: reason });
      }
      const got = await reply;
      if (!got) continue;
      if (got.result !== 'ok') {
        const code = REPLY_RESULT[got.result];
        throw new HallError('unavailable', `${this.label()} refused ${what}: ${got.result} (result ${code})`, { deviceReason: got.result, code });
      }
      return got;
    }
    const reason = `no reply to ${what} after ${this.retries + 1} attempts of ${this.replyTimeoutMs} ms`;
    // During init DeviceLink drops the connection itself when onOpen throws.
    if (!opts.init) this.link.drop(reason);
    throw new HallError('unavailable', `${this.label()}: ${reason}`, { deviceReason: 'no reply' });
  }

  /** Resolves with the reply, or null when `replyTimeoutMs` passed; rejects when the link went down. */
  private awaitReply(sessionId: number): Promise<ReplyData | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(sessionId, null), this.replyTimeoutMs);
      timer.unref?.();
      this.pending.set(sessionId, { resolve, reject, timer });
    });
  }

  private settle(sessionId: number, reply: ReplyData | null): boolean {
    const p = this.pending.get(sessionId);
    if (!p) return false;
    clearTimeout(p.timer);
    this.pending.delete(sessionId);
    p.resolve(reply);
    return true;
  }

  // --- what the terminal sends ----------------------------------------------------------------

  private onData(chunk: Buffer): void {
    for (const frame of this.parser.push(chunk)) {
      try {
        this.onFrame(frame);
      } catch (e) {
        this.log(`[devices] ${this.label()}: frame 0x${frame.businessType.toString(16)} not handled: ${(e as Error).message}`);
      }
    }
  }

  private dropped(d: DropInfo): void {
    this.log(`[devices] ${this.label()}: dropped ${d.bytes.length} byte(s), ${d.reason}: ${d.detail}`);
  }

  private onFrame(frame: IpFrame): void {
    if (frame.packetType === PACKET_REPLY) {
      if (frame.business !== 'reply') {
        this.log(`[devices] ${this.label()}: reply packet with business ${frame.business ?? frame.error} ignored`);
        return;
      }
      this.link.markGood();
      this.workStateFault = frame.data.workState === 'fault';
      this.applyFault();
      if (!this.settle(frame.sessionId, frame.data)) this.log(`[devices] ${this.label()}: late or unknown reply, session ${frame.sessionId}`);
      return;
    }
    // A request or report from the terminal: always answered, so the terminal does not resend.
    if (frame.business === null || BUSINESS[frame.business].direction !== 'terminal→console' || frame.business === 'reply') {
      this.log(`[devices] ${this.label()}: request not understood: ${frame.business === null ? frame.error : frame.business}`);
      this.answer(frame, 'bad-request');
      return;
    }
    this.link.markGood();
    this.answer(frame, 'ok');
    if (frame.business === 'heartbeat') {
      this.armWatchdog();
      this.workStateFault = frame.data.workState === 'fault';
      this.applyFault();
    } else if (frame.business === 'faultReport') {
      this.reportedFault = frame.data.status === 'fault' ? `the terminal reports fault type ${frame.data.faultType}` : null;
      this.applyFault();
    } else if (frame.business === 'broadcastResult') {
      const result: BroadcastResult = { ...frame.data, at: this.now().toISOString() };
      for (const l of this.resultListeners) {
        try {
          l(result);
        } catch (e) {
          this.log(`[devices] ${this.label()}: broadcast result listener failed: ${(e as Error).message}`);
        }
      }
    }
  }

  /** The console's reply: work state and volume mean nothing from the console, sent as idle/0. */
  private answer(frame: IpFrame, result: 'ok' | 'bad-request'): void {
    const reply = encodeFrame({
      sessionId: frame.sessionId,
      packetType: PACKET_REPLY,
      source: this.source,
      targets: [frame.source],
      business: 'reply',
      data: { result, workState: 'idle', volume: 0 },
    });
    this.link.write(reply).catch((e: Error) => this.log(`[devices] ${this.label()}: reply not sent: ${e.message}`));
  }
}
