/**
 * One subscribed console: the server side of the change feed. Batches go out in seq order,
 * ≤ 1000 changes and ≤ 1 MiB each, starting after the console's `since`, with at most 4 waiting
 * for an acknowledgement; a batch not acknowledged in time is sent again (the console ignores
 * seqs it already has, so a re-send is harmless and a lost ack is healed).
 */
import type { Socket } from 'socket.io';
import { MAX_BATCH_BYTES, MAX_BATCH_CHANGES, MAX_UNACKED_BATCHES } from '../../../../shared/district-link/protocol';
import { injectIntoBatch, type BatchInjections } from './faults';
import type { RawChange, SimStore } from './store';

export interface SessionContext {
  store: SimStore;
  ackTimeoutMs: number;
  injections: BatchInjections;
  log: (line: string) => void;
}

interface Batch {
  /** The subscription this batch belongs to: acks for an older one are ignored. */
  generation: number;
  lastSeq: number;
  payload: { epoch: string; changes: RawChange[] };
  timer: NodeJS.Timeout | null;
  sends: number;
}

export class LinkSession {
  private generation = 0;
  private subscribed = false;
  /** Highest seq handed to this console (sent, maybe not yet acknowledged). */
  private sentTo = 0;
  private outstanding: Batch[] = [];
  /** Highest seq the console said it applied. */
  appliedTo = 0;
  resends = 0;

  constructor(
    readonly socket: Socket,
    private readonly ctx: SessionContext,
  ) {}

  get isSubscribed(): boolean {
    return this.subscribed;
  }

  get unacknowledged(): number {
    return this.outstanding.length;
  }

  subscribe(since: number): void {
    this.stopBatches();
    this.generation++;
    this.subscribed = true;
    this.sentTo = since;
    this.appliedTo = since;
    this.pump();
  }

  /** Tell the console its data is gone (rebuilt or compacted away); it must snapshot again. */
  reset(reason: string): void {
    this.stopBatches();
    this.generation++;
    this.subscribed = false;
    this.socket.emit('link:reset', { epoch: this.ctx.store.epoch, reason });
  }

  close(): void {
    this.stopBatches();
    this.subscribed = false;
  }

  /** Send what is due, as far as the window of unacknowledged batches allows. */
  pump(): void {
    const store = this.ctx.store;
    while (this.subscribed && this.outstanding.length < MAX_UNACKED_BATCHES) {
      if (this.sentTo < store.compactedThrough) {
        this.ctx.log(`link: ${this.socket.id} is behind the compacted log (at ${this.sentTo}, log starts after ${store.compactedThrough}): reset`);
        this.reset('compacted');
        return;
      }
      const batch = this.nextBatch();
      if (!batch) return;
      this.outstanding.push(batch);
      this.send(batch);
    }
  }

  private nextBatch(): Batch | null {
    const { store, injections } = this.ctx;
    const envelope = Buffer.byteLength(JSON.stringify({ epoch: store.epoch, changes: [] }));
    let budget = MAX_BATCH_BYTES - envelope;
    let count = MAX_BATCH_CHANGES;
    const stale = injections.outOfOrder > 0 ? store.before(this.sentTo, Math.min(injections.outOfOrder, 100)) : [];
    for (const e of stale) budget -= e.bytes + 1;
    count -= stale.length;
    // Duplicates repeat fresh changes: leave them half of the room.
    if (injections.duplicates > 0) {
      budget = Math.floor(budget / 2);
      count = Math.floor(count / 2);
    }
    const fresh = store.after(this.sentTo, count, budget);
    if (fresh.length === 0) return null;
    const changes = injectIntoBatch(fresh, stale, injections);
    const lastSeq = fresh[fresh.length - 1]!.seq;
    this.sentTo = lastSeq;
    return { generation: this.generation, lastSeq, payload: { epoch: store.epoch, changes }, timer: null, sends: 0 };
  }

  private send(batch: Batch): void {
    batch.sends++;
    if (batch.sends > 1) this.resends++;
    this.socket.emit('link:changes', batch.payload, (ack: unknown) => this.onAck(batch, ack));
    batch.timer = setTimeout(() => {
      batch.timer = null;
      if (batch.generation !== this.generation || !this.outstanding.includes(batch)) return;
      this.ctx.log(`link: batch up to seq ${batch.lastSeq} not acknowledged by ${this.socket.id} within ${this.ctx.ackTimeoutMs} ms: sending it again`);
      this.send(batch);
    }, this.ctx.ackTimeoutMs);
  }

  private onAck(batch: Batch, ack: unknown): void {
    if (batch.generation !== this.generation) return;
    const appliedTo = (ack as { appliedTo?: unknown } | null)?.appliedTo;
    if (typeof appliedTo !== 'number' || !Number.isFinite(appliedTo)) {
      this.ctx.log(`link: ${this.socket.id} answered batch ${batch.lastSeq} with ${JSON.stringify(ack)}, not {appliedTo}: it will be sent again`);
      return;
    }
    this.appliedTo = Math.max(this.appliedTo, appliedTo);
    // An ack covers every batch up to appliedTo; a batch above it stays and is re-sent on time-out.
    this.outstanding = this.outstanding.filter((b) => {
      if (b.lastSeq > this.appliedTo) return true;
      if (b.timer) clearTimeout(b.timer);
      return false;
    });
    this.pump();
  }

  private stopBatches(): void {
    for (const b of this.outstanding) if (b.timer) clearTimeout(b.timer);
    this.outstanding = [];
  }
}
