/**
 * The outbox of actions for the district platform. An action is written durably (synchronous =
 * FULL) before its first send and keeps its id, the platform's idempotency key, on every retry:
 * a re-send after a lost acknowledgement is absorbed by the platform, never doubled. Retries back
 * off exponentially with jitter (1 s → 5 min); a non-retryable refusal leaves the action failed
 * and visible, never dropped.
 */
import { randomUUID } from 'node:crypto';
import type { ActionRecord, ActionState } from '../../../shared/contract';
import type { Action, ActionResult } from '../../../shared/district-link/protocol';
import { durably, type Db } from '../db/database';
import { sql } from '../db/sql';
import { allQ, oneQ, runQ } from '../mirror/statements';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { Outbox } from './seams';

export const OUTBOX_BACKOFF: BackoffPolicy = { minMs: 1_000, maxMs: 300_000 };

interface Row {
  id: string;
  type: string;
  at: string;
  by: string;
  payload: string;
  state: ActionState;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  result: string | null;
  acked_at: string | null;
}

function toRecord(r: Row): ActionRecord {
  return {
    id: r.id,
    type: r.type,
    at: r.at,
    by: r.by,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
    lastError: r.last_error,
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
    ackedAt: r.acked_at,
  };
}

export interface OutboxOptions {
  random?: () => number;
  backoff?: BackoffPolicy;
  newId?: () => string;
  /** Called after each enqueue (the link client wakes its sender). */
  onEnqueue?: (record: ActionRecord) => void;
}

export class SqliteOutbox implements Outbox {
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly newId: () => string;
  onEnqueue: ((record: ActionRecord) => void) | undefined;

  constructor(
    private readonly db: Db,
    options: OutboxOptions = {},
  ) {
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? OUTBOX_BACKOFF;
    this.newId = options.newId ?? randomUUID;
    this.onEnqueue = options.onEnqueue;
  }

  /**
   * Called on its own, the row is committed with synchronous = FULL before this returns. Called
   * inside a caller's transaction (an alert acknowledged and its action written atomically), the
   * row commits with that transaction — SQLite cannot change the sync level inside one, so such a
   * caller runs its transaction through `durably()`.
   */
  enqueue(type: string, by: string, payload: Record<string, unknown>, now = new Date()): ActionRecord {
    const id = this.newId();
    const insert = () =>
      runQ(
        this.db,
        sql`INSERT INTO outbox (id, type, at, by, payload, state, attempts, next_attempt_at)
            VALUES (${id}, ${type}, ${now.toISOString()}, ${by}, ${JSON.stringify(payload)}, 'pending', 0, ${now.getTime()})`,
      );
    if (this.db.inTransaction) insert();
    else durably(this.db, insert);
    const record = this.get(id)!;
    this.onEnqueue?.(record);
    return record;
  }

  get(id: string): ActionRecord | undefined {
    const row = oneQ<Row>(this.db, sql`SELECT * FROM outbox WHERE id = ${id}`);
    return row ? toRecord(row) : undefined;
  }

  due(now: Date, limit: number): Action[] {
    return allQ<Row>(
      this.db,
      sql`SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ${now.getTime()} ORDER BY next_attempt_at, at, rowid LIMIT ${limit}`,
    ).map((r) => ({ id: r.id, type: r.type, at: r.at, by: r.by, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  }

  /** When the next pending action falls due (null when none is pending). */
  nextDueAt(): Date | null {
    const row = oneQ<{ t: number | null }>(this.db, sql`SELECT min(next_attempt_at) AS t FROM outbox WHERE state = 'pending'`);
    return row?.t === null || row?.t === undefined ? null : new Date(row.t);
  }

  markSent(id: string, _now: Date): void {
    runQ(this.db, sql`UPDATE outbox SET state = 'sent', attempts = attempts + 1, next_attempt_at = NULL WHERE id = ${id} AND state IN ('pending', 'sent')`);
  }

  settle(id: string, result: ActionResult, now: Date): ActionRecord {
    durably(this.db, () => {
      if (result.ok) {
        runQ(
          this.db,
          sql`UPDATE outbox SET state = 'acked', result = ${JSON.stringify(result)}, acked_at = ${now.toISOString()}, next_attempt_at = NULL, last_error = NULL
              WHERE id = ${id} AND state <> 'acked'`,
        );
      } else if (result.retryable) {
        this.reschedule(id, `${result.error.code}: ${result.error.message}`, now);
      } else {
        runQ(
          this.db,
          sql`UPDATE outbox SET state = 'failed', result = ${JSON.stringify(result)}, last_error = ${`${result.error.code}: ${result.error.message}`},
                next_attempt_at = NULL
              WHERE id = ${id} AND state <> 'acked'`,
        );
      }
    });
    const record = this.get(id);
    if (!record) throw new Error(`Settling action ${id}: no such action in the outbox`);
    return record;
  }

  retryLater(id: string, error: string, now: Date): void {
    this.reschedule(id, error, now);
  }

  private reschedule(id: string, error: string, now: Date): void {
    const row = oneQ<{ attempts: number }>(this.db, sql`SELECT attempts FROM outbox WHERE id = ${id}`);
    const delay = backoffDelay(this.backoff, Math.max(1, row?.attempts ?? 1), this.random);
    runQ(
      this.db,
      sql`UPDATE outbox SET state = 'pending', last_error = ${error}, next_attempt_at = ${now.getTime() + delay}
          WHERE id = ${id} AND state IN ('pending', 'sent')`,
    );
  }

  recoverInFlight(now: Date): number {
    return durably(this.db, () => runQ(this.db, sql`UPDATE outbox SET state = 'pending', next_attempt_at = ${now.getTime()} WHERE state = 'sent'`).changes);
  }

  list(state?: ActionState, limit = 200): ActionRecord[] {
    const rows = state
      ? allQ<Row>(this.db, sql`SELECT * FROM outbox WHERE state = ${state} ORDER BY at DESC, rowid DESC LIMIT ${limit}`)
      : allQ<Row>(this.db, sql`SELECT * FROM outbox ORDER BY at DESC, rowid DESC LIMIT ${limit}`);
    return rows.map(toRecord);
  }

  counts(): { pending: number; failed: number } {
    const row = oneQ<{ pending: number; failed: number }>(
      this.db,
      sql`SELECT coalesce(sum(state IN ('pending', 'sent')), 0) AS pending, coalesce(sum(state = 'failed'), 0) AS failed FROM outbox`,
    );
    return { pending: row?.pending ?? 0, failed: row?.failed ?? 0 };
  }
}
