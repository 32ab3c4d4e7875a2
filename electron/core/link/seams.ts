/**
 * The seams inside the link domain, so storage and the connection engine can be built and
 * tested apart:
 *   LinkClient (link-client.ts: socket.io, state machine, snapshot, ack) ── uses ──▶ MirrorStore + Outbox
 *   MirrorStore (mirror-store.ts: SQLite, one transaction per batch with the cursor)
 *   Outbox (outbox.ts: durable actions, retry schedule)
 */
import type { Change, Kind, Action, ActionResult } from '../../../shared/district-link/protocol';
import type { ActionRecord, ActionState, LinkStatus } from '../../../shared/contract';

export interface Cursor {
  epoch: string | null;
  /** Highest seq durably applied in this epoch (0 when none). */
  seq: number;
  serverId: string | null;
  lastAppliedAt: string | null;
}

/** An item that failed validation: kept raw with the reason, never applied, never dropped. */
export interface QuarantinedChange {
  seq: number | null;
  kind: string | null;
  itemId: string | null;
  reason: string;
  raw: unknown;
}

export interface AppliedSummary {
  /** The cursor after the batch (what the console acknowledges as appliedTo). */
  appliedTo: number;
  counts: Partial<Record<Kind, number>>;
  ids: Partial<Record<Kind, string[]>>;
  /** Newest reading per sensor in the batch. */
  latestReadings: { sensorId: string; value: number; at: string }[];
  duplicates: number;
  quarantined: number;
}

export interface MirrorStore {
  cursor(): Cursor;
  /**
   * Apply a batch in ONE transaction together with the new cursor: changes with seq <= cursor
   * are skipped (duplicates), valid ones applied idempotently, invalid ones quarantined; the
   * cursor moves to the highest seq seen (valid or not). Returns only after commit.
   */
  applyBatch(epoch: string, valid: Change[], invalid: QuarantinedChange[]): AppliedSummary;
  /**
   * Replace the whole upstream mirror with a snapshot in ONE transaction, setting the cursor
   * to (epoch, asOfSeq). Items that fail validation are quarantined, not applied.
   */
  replaceMirror(epoch: string, asOfSeq: number, serverId: string, items: { kind: Kind; valid: Change[]; invalid: QuarantinedChange[] }[]): AppliedSummary;
  setServerId(serverId: string): void;
  /**
   * Added: a fresh mirror (no epoch, cursor 0) that subscribed with `since: 0` takes the epoch
   * the server answered with, so a quiet server still leaves the mirror knowing its epoch.
   */
  adoptEpoch(epoch: string): void;
  quarantineCount(): number;
  /**
   * Added: keep something received that cannot be applied at all (a malformed or oversized batch)
   * in quarantine without touching the cursor: nothing is thrown away, nothing is claimed applied.
   */
  quarantineOnly(epoch: string | null, item: QuarantinedChange): void;
}

export interface Outbox {
  /** Write the action durably (synchronous = FULL) before any send; returns it. */
  enqueue(type: string, by: string, payload: Record<string, unknown>, now?: Date): ActionRecord;
  /** Pending actions whose next attempt is due, oldest first. */
  due(now: Date, limit: number): Action[];
  /** Added: when the next pending action falls due (null when none), so the sender sleeps until then. */
  nextDueAt(): Date | null;
  markSent(id: string, now: Date): void;
  /** A result arrived: ok → acked (kept with its result); not ok → failed or rescheduled. */
  settle(id: string, result: ActionResult, now: Date): ActionRecord;
  /** No answer (timeout, disconnect): schedule the next attempt with exponential backoff + jitter. */
  retryLater(id: string, error: string, now: Date): void;
  /** After a restart, actions left 'sent' go back to 'pending' (their ack may never have come). */
  recoverInFlight(now: Date): number;
  list(state?: ActionState, limit?: number): ActionRecord[];
  counts(): { pending: number; failed: number };
}

export interface LinkClientHandle {
  status(): LinkStatus;
  /** Wake the sender (a new action was enqueued). */
  kick(): void;
  stop(): Promise<void>;
}
