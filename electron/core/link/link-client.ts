/**
 * The District Link v1 client (../shared/specs/district-link-v1.md): one socket.io connection to
 * the platform's /link namespace, driven by a small state machine:
 *
 *   connecting ──hello+subscribed──▶ online ──connection lost──▶ reconnecting
 *        │                            ▲  │                           │
 *        │                            └──┼────── subscribed ─────────┤
 *        └──── N failed attempts or down longer than offlineAfterMs ─┴──▶ offline (since: went down)
 *   refused: 'unauthorized' / 'protocol_unsupported' (reason kept; retried only at the backoff cap)
 *   disabled: no upstream configured (never constructed).
 *
 * Reconnection is ours, not socket.io's (reconnection: false): a refused handshake is not retried
 * by socket.io at all, and one policy (1 s → 30 s with jitter) must cover both.
 * Every connection is a "generation": callbacks of an older one are ignored.
 */
import { io, type Socket } from 'socket.io-client';
import type { LinkState, LinkStatus } from '../../../shared/contract';
import {
  Hello,
  NAMESPACE,
  PROTOCOL,
  SubscribeAck,
} from '../../../shared/district-link/protocol';
import { ActionSender } from './action-sender';
import { backoffDelay } from './backoff';
import { EpochMismatchError } from './mirror-store';
import type { AppliedSummary, LinkClientHandle, MirrorStore, Outbox, QuarantinedChange } from './seams';
import { takeSnapshot } from './snapshot';
import { oversizedReason, splitBatch } from './validate';

export interface LinkClientSettings {
  reconnectMinMs: number;
  reconnectMaxMs: number;
  offlineAfterAttempts: number;
  offlineAfterMs: number;
  requestTimeoutMs: number;
  actionAckTimeoutMs: number;
  snapshotPageSize: number;
}

export interface LinkClientOptions {
  url: string;
  token: string;
  consoleId: string;
  store: MirrorStore;
  outbox: Outbox;
  settings: LinkClientSettings;
  now?: () => Date;
  random?: () => number;
  /** Every status change (state changes at once, counters at most every 500 ms). */
  onStatus?: (status: LinkStatus) => void;
  /** A batch or a snapshot was committed (reset = the mirror was replaced). */
  onApplied?: (summary: AppliedSummary, reset: boolean) => void;
  log?: (line: string) => void;
}

const STATUS_THROTTLE_MS = 500;
/** Consecutive resets without a successful subscription before the connection is dropped. */
const MAX_RESYNCS = 3;

type Ack = (answer: { appliedTo: number }) => void;

export class LinkClient implements LinkClientHandle {
  private state: LinkState = 'connecting';
  private since: Date;
  private lastError: string | undefined;
  private headSeq = 0;
  private socket: Socket | null = null;
  private generation = 0;
  private stopped = false;
  private everOnline = false;
  /** Consecutive failed connection attempts (reset when subscribed). */
  private failures = 0;
  private downSince: Date;
  /** The generation whose snapshot is being taken (-1: none). */
  private syncingGeneration = -1;
  private resyncs = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private offlineTimer: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private helloTimer: NodeJS.Timeout | null = null;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private readonly sender: ActionSender;
  /** How many connections were opened (tests check there is no storm). */
  connectionAttempts = 0;

  constructor(private readonly options: LinkClientOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
    this.since = this.now();
    this.downSince = this.since;
    this.sender = new ActionSender({
      outbox: options.outbox,
      ackTimeoutMs: options.settings.actionAckTimeoutMs,
      now: this.now,
      log: this.log,
      generation: () => this.generation,
      canSend: (gen) => gen === this.generation && !this.stopped && this.state === 'online' && this.syncingGeneration !== gen,
      socket: () => this.socket,
      onProgress: () => this.emitStatusSoon(),
    });
  }

  start(): void {
    this.armOfflineTimer();
    this.connect();
  }

  status(): LinkStatus {
    const { store, outbox } = this.options;
    const cursor = store.cursor();
    const counts = outbox.counts();
    const headSeq = Math.max(this.headSeq, cursor.seq);
    return {
      state: this.state,
      since: this.since.toISOString(),
      url: this.options.url,
      serverId: cursor.serverId,
      epoch: cursor.epoch,
      cursor: cursor.seq,
      headSeq,
      lag: headSeq - cursor.seq,
      pendingActions: counts.pending,
      failedActions: counts.failed,
      quarantined: store.quarantineCount(),
      lastAppliedAt: cursor.lastAppliedAt,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Wakes the sender (a new action was enqueued); it sends once the caller's transaction committed. */
  kick(): void {
    this.sender.kick();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.sender.stop();
    for (const t of [this.reconnectTimer, this.offlineTimer, this.statusTimer, this.helloTimer]) if (t) clearTimeout(t);
    this.closeSocket();
    return Promise.resolve();
  }

  // ── connection ────────────────────────────────────────────────────────────────────────────

  private connect(): void {
    if (this.stopped) return;
    this.closeSocket();
    const gen = ++this.generation;
    this.connectionAttempts++;
    const socket = io(this.options.url.replace(/\/+$/, '') + NAMESPACE, {
      transports: ['websocket'],
      auth: { token: this.options.token, consoleId: this.options.consoleId, protocol: PROTOCOL },
      reconnection: false,
      forceNew: true,
      timeout: this.options.settings.requestTimeoutMs,
    });
    this.socket = socket;
    const current = () => gen === this.generation && !this.stopped;
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      if (current()) this.onConnectFailure(gen, error);
    });
    socket.on('connect', () => {
      if (!current()) return;
      // The server greets first; a silent one is a failed attempt.
      this.helloTimer = setTimeout(() => {
        if (current()) this.dropConnection(gen, 'no link:hello from the server');
      }, this.options.settings.requestTimeoutMs);
    });
    socket.on('disconnect', (reason: string) => {
      if (current()) this.onDisconnect(gen, `connection lost: ${reason}`);
    });
    socket.on('link:hello', (hello: unknown) => {
      if (current()) void this.onHello(gen, hello);
    });
    socket.on('link:changes', (batch: unknown, ack?: Ack) => {
      if (current()) this.onChanges(gen, batch, typeof ack === 'function' ? ack : () => undefined);
    });
    socket.on('link:reset', (reset: { reason?: unknown } | undefined) => {
      const reason = typeof reset?.reason === 'string' ? reset.reason : 'no reason given';
      if (current()) void this.resync(gen, `link:reset (${reason})`);
    });
  }

  private closeSocket(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
  }

  private onConnectFailure(gen: number, error: Error & { data?: unknown }): void {
    const message = error.message;
    const detail = typeof error.data === 'object' && error.data !== null ? (error.data as { reason?: unknown }).reason : undefined;
    const reason = `${message}${typeof detail === 'string' && detail !== message ? `: ${detail}` : ''}`;
    if (message === 'unauthorized' || message === 'protocol_unsupported') {
      this.refused(gen, message === 'unauthorized' ? 'unauthorized' : 'protocol-unsupported', `the server refused the connection: ${reason}`);
      return;
    }
    this.failed(gen, `cannot connect to ${this.options.url}: ${reason}`);
  }

  /** A refusal (wrong token, protocol) is not fixed by retrying soon: wait the full cap. */
  private refused(gen: number, state: 'unauthorized' | 'protocol-unsupported', reason: string): void {
    this.closeIfCurrent(gen);
    this.lastError = reason;
    this.setState(state, this.state === state ? this.since : this.now());
    const cap = this.options.settings.reconnectMaxMs;
    this.scheduleReconnect(Math.round(cap * (0.75 + 0.25 * this.random())));
  }

  private failed(gen: number, reason: string): void {
    this.closeIfCurrent(gen);
    this.lastError = reason;
    this.failures++;
    const downFor = this.now().getTime() - this.downSince.getTime();
    const { offlineAfterAttempts, offlineAfterMs, reconnectMinMs, reconnectMaxMs } = this.options.settings;
    if (this.failures >= offlineAfterAttempts || downFor >= offlineAfterMs) this.setState('offline', this.downSince);
    else if (this.state !== 'offline') this.setState(this.everOnline ? 'reconnecting' : 'connecting', this.downSince);
    else this.emitStatusSoon();
    this.scheduleReconnect(backoffDelay({ minMs: reconnectMinMs, maxMs: reconnectMaxMs }, this.failures, this.random));
  }

  private onDisconnect(gen: number, reason: string): void {
    this.sender.abandonInFlight('the connection was lost before the acknowledgement');
    if (this.state === 'online') {
      this.downSince = this.now();
      this.failures = 0;
      this.armOfflineTimer();
      this.log(`[link] ${reason}`);
    }
    this.failed(gen, reason);
  }

  /** Drop the current connection on a protocol problem and reconnect with backoff. */
  private dropConnection(gen: number, reason: string): void {
    if (gen !== this.generation) return;
    this.log(`[link] dropping the connection: ${reason}`);
    this.onDisconnect(gen, reason);
  }

  private closeIfCurrent(gen: number): void {
    if (gen === this.generation) {
      this.generation++;
      this.closeSocket();
    }
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
    this.reconnectTimer.unref();
  }

  private armOfflineTimer(): void {
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    this.offlineTimer = setTimeout(() => {
      this.offlineTimer = null;
      if (this.state === 'connecting' || this.state === 'reconnecting') this.setState('offline', this.downSince);
    }, this.options.settings.offlineAfterMs);
    this.offlineTimer.unref();
  }

  // ── session: hello → subscribe → changes; reset → snapshot ─────────────────────────────────

  private async onHello(gen: number, raw: unknown): Promise<void> {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    const hello = Hello.safeParse(raw);
    if (!hello.success) return this.dropConnection(gen, `invalid link:hello: ${hello.error.issues[0]?.message ?? 'rejected'}`);
    if (hello.data.protocol !== PROTOCOL) {
      return this.refused(gen, 'protocol-unsupported', `the server speaks ${hello.data.protocol}, this console ${PROTOCOL}`);
    }
    this.headSeq = hello.data.headSeq;
    this.options.store.setServerId(hello.data.serverId);
    this.resyncs = 0;
    await this.subscribe(gen);
  }

  private async request(gen: number, event: string, payload: unknown): Promise<unknown> {
    const socket = this.socket;
    if (!socket || gen !== this.generation) throw new Error('the connection was replaced');
    try {
      return (await socket.timeout(this.options.settings.requestTimeoutMs).emitWithAck(event, payload)) as unknown;
    } catch (error) {
      throw new Error(`${event}: ${(error as Error).message === 'operation has timed out' ? `no answer within ${this.options.settings.requestTimeoutMs} ms` : (error as Error).message}`);
    }
  }

  private async subscribe(gen: number): Promise<void> {
    const cursor = this.options.store.cursor();
    let answer;
    try {
      answer = SubscribeAck.parse(await this.request(gen, 'link:subscribe', cursor.epoch ? { epoch: cursor.epoch, since: cursor.seq } : { since: cursor.seq }));
    } catch (error) {
      return this.dropConnection(gen, `subscribe failed: ${(error as Error).message}`);
    }
    if (gen !== this.generation) return;
    if (!answer.ok) {
      if (answer.error === 'reset_required') return this.resync(gen, 'the server asked for a reset');
      return this.dropConnection(gen, `subscribe refused: ${answer.error}`);
    }
    if (cursor.epoch === null) this.options.store.adoptEpoch(answer.epoch);
    else if (answer.epoch !== cursor.epoch) return this.resync(gen, `the server is at epoch ${answer.epoch}, the mirror at ${cursor.epoch}`);
    this.headSeq = Math.max(this.headSeq, answer.headSeq);
    this.resyncs = 0;
    this.goOnline();
    void this.sender.pump();
  }

  private goOnline(): void {
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    this.offlineTimer = null;
    this.failures = 0;
    this.everOnline = true;
    this.lastError = undefined;
    if (this.state !== 'online') this.setState('online', this.now());
    else this.emitStatusSoon();
  }

  private onChanges(gen: number, payload: unknown, ack: Ack): void {
    // While a snapshot is taken the old stream is ignored (not acknowledged): the subscription
    // that follows the snapshot restarts it from the snapshot's seq.
    if (this.syncingGeneration === gen) return;
    const { store } = this.options;
    const cursor = store.cursor();
    const batch = payload as { epoch?: unknown; changes?: unknown } | null;
    const epoch = typeof batch?.epoch === 'string' ? batch.epoch : null;
    if (epoch === null || !Array.isArray(batch?.changes)) {
      this.quarantineBatch(cursor.epoch, payload, 'malformed link:changes (no epoch or no changes array)');
      ack({ appliedTo: cursor.seq });
      return void this.resync(gen, 'a malformed batch');
    }
    if (cursor.epoch !== null && epoch !== cursor.epoch) return void this.resync(gen, `a batch of epoch ${epoch} while the mirror is at ${cursor.epoch}`);
    const changes = batch.changes as unknown[];
    const oversized = oversizedReason(payload, changes);
    if (oversized) {
      // Not applied, and not acknowledged past: acknowledging would claim changes the mirror does
      // not hold. A snapshot (paged, so within limits) carries their effect and moves past them.
      this.quarantineBatch(epoch, payload, `${oversized}: not applied, re-synchronising by snapshot`);
      ack({ appliedTo: cursor.seq });
      return void this.resync(gen, 'an oversized batch');
    }
    const { valid, invalid, maxSeq } = splitBatch(changes);
    let summary: AppliedSummary;
    try {
      summary = store.applyBatch(epoch, valid, invalid);
    } catch (error) {
      if (error instanceof EpochMismatchError) return void this.resync(gen, error.message);
      this.lastError = `applying a batch failed: ${(error as Error).message}`;
      this.log(`[link] ${this.lastError}`);
      return this.dropConnection(gen, this.lastError);
    }
    ack({ appliedTo: summary.appliedTo }); // only now: the changes and the cursor are committed
    this.headSeq = Math.max(this.headSeq, maxSeq);
    this.options.onApplied?.(summary, false);
    this.emitStatusSoon();
  }

  private quarantineBatch(epoch: string | null, payload: unknown, reason: string): void {
    const q: QuarantinedChange = { seq: null, kind: null, itemId: null, reason, raw: payload };
    this.options.store.quarantineOnly(epoch, q);
    this.lastError = reason;
    this.emitStatusSoon();
  }

  private async resync(gen: number, why: string): Promise<void> {
    if (this.syncingGeneration === gen || gen !== this.generation) return;
    if (++this.resyncs > MAX_RESYNCS) return this.dropConnection(gen, `${MAX_RESYNCS} resets in a row without a subscription (last: ${why})`);
    this.syncingGeneration = gen;
    this.log(`[link] taking a snapshot: ${why}`);
    try {
      const { summary, asOfSeq } = await takeSnapshot({
        request: (event, payload) => this.request(gen, event, payload),
        store: this.options.store,
        pageSize: this.options.settings.snapshotPageSize,
        now: this.now,
        isCurrent: () => gen === this.generation && !this.stopped,
      });
      if (gen !== this.generation) return;
      this.headSeq = Math.max(asOfSeq, this.headSeq);
      this.options.onApplied?.(summary, true);
    } catch (error) {
      return this.dropConnection(gen, `snapshot failed: ${(error as Error).message}`);
    } finally {
      if (this.syncingGeneration === gen) this.syncingGeneration = -1;
    }
    await this.subscribe(gen);
  }

  // ── status ────────────────────────────────────────────────────────────────────────────────

  private setState(state: LinkState, since: Date): void {
    const changed = state !== this.state;
    this.state = state;
    this.since = since;
    if (changed) {
      this.log(`[link] ${state}${this.lastError && state !== 'online' ? ` (${this.lastError})` : ''}`);
      this.emitStatusNow();
    } else this.emitStatusSoon();
  }

  private emitStatusNow(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    if (!this.stopped) this.options.onStatus?.(this.status());
  }

  /** Counters move with every batch: at most one status event per 500 ms for them. */
  private emitStatusSoon(): void {
    if (this.statusTimer || this.stopped) return;
    this.statusTimer = setTimeout(() => this.emitStatusNow(), STATUS_THROTTLE_MS);
    this.statusTimer.unref();
  }
}

