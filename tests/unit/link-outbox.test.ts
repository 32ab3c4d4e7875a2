/**
 * Guards the outbox: an action is on disk (FULL sync) before anything can send it, keeps its id
 * on every retry, backs off exponentially with jitter up to 5 minutes (checked with an injected
 * clock and random), a non-retryable refusal leaves it failed and visible, and actions in flight
 * at a crash go back to pending.
 */
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../electron/core/link/backoff';
import { OUTBOX_BACKOFF, SqliteOutbox } from '../../electron/core/link/outbox';
import { mirrorOnDisk } from '../fixtures/link-data';

const T0 = new Date('2025-06-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('backoffDelay', () => {
  it('doubles from the minimum up to the cap, with half of each step random', () => {
    const policy = { minMs: 1_000, maxMs: 300_000 };
    expect([1, 2, 3, 4, 5, 9, 10, 30].map((n) => backoffDelay(policy, n, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 128_000, 150_000, 150_000]);
    expect([1, 2, 3, 9, 10, 100].map((n) => backoffDelay(policy, n, () => 0.999_999))).toEqual([1_000, 2_000, 4_000, 256_000, 300_000, 300_000]);
    expect(backoffDelay({ minMs: 1_000, maxMs: 30_000 }, 50, () => 0.5)).toBe(22_500);
  });
});

describe('SqliteOutbox', () => {
  it('writes an action durably, with synchronous = FULL, before returning it', () => {
    const { db, file } = mirrorOnDisk();
    const pragmas: string[] = [];
    const spy = vi.spyOn(db, 'pragma').mockImplementation(function (this: Database.Database, source: string, options?: Database.PragmaOptions) {
      pragmas.push(source);
      return Database.prototype.pragma.call(this, source, options);
    });
    const outbox = new SqliteOutbox(db, { newId: () => '00000000-0000-4000-8000-000000000001' });
    const record = outbox.enqueue('alert.ack', 'operator', { alertId: 'al-1', note: '已知悉' }, T0);
    spy.mockRestore();
    expect(pragmas).toEqual(['synchronous = FULL', 'synchronous = NORMAL']);
    expect(record).toMatchObject({ id: '00000000-0000-4000-8000-000000000001', state: 'pending', attempts: 0, nextAttemptAt: T0.toISOString() });
    // Another connection (another process after a crash) sees it at once: it is committed.
    const other = new Database(file, { readonly: true });
    try {
      expect(other.prepare('SELECT id, type, by, payload, state FROM outbox').all()).toEqual([
        { id: record.id, type: 'alert.ack', by: 'operator', payload: '{"alertId":"al-1","note":"已知悉"}', state: 'pending' },
      ]);
    } finally {
      other.close();
    }
  });

  it('keeps the id on every retry and backs off 1 s → 5 min with jitter (injected clock and random)', () => {
    const { db } = mirrorOnDisk();
    const outbox = new SqliteOutbox(db, { random: () => 0.5 });
    const { id } = outbox.enqueue('incident.report', 'commander', { incident: { id: 'i-1' } }, T0);
    let now = T0.getTime();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      const [due] = outbox.due(new Date(now), 5);
      expect(due?.id).toBe(id);
      outbox.markSent(id, new Date(now));
      outbox.retryLater(id, 'no acknowledgement within 10000 ms', new Date(now));
      const next = Date.parse(outbox.get(id)!.nextAttemptAt!);
      waits.push(next - now);
      expect(outbox.due(new Date(next - 1), 5)).toEqual([]); // not before its time
      now = next;
    }
    expect(waits).toEqual([750, 1_500, 3_000, 6_000, 12_000, 24_000, 48_000, 96_000, 192_000, 225_000, 225_000, 225_000]);
    expect(outbox.get(id)).toMatchObject({ attempts: 12, state: 'pending', lastError: 'no acknowledgement within 10000 ms' });
    expect(Math.max(...waits)).toBeLessThanOrEqual(OUTBOX_BACKOFF.maxMs);
  });

  it('settles: ok → acked with its result; retryable → pending later; non-retryable → failed and kept', () => {
    const { db } = mirrorOnDisk();
    const outbox = new SqliteOutbox(db, { random: () => 0 });
    const a = outbox.enqueue('alert.ack', 'operator', { alertId: 'a' }, T0);
    const b = outbox.enqueue('alert.close', 'operator', { alertId: 'b', resolution: 'done' }, at(1));
    const c = outbox.enqueue('broadcast.report', 'operator', { releaseId: 'r', summary: {} }, at(2));
    expect(outbox.due(at(10), 10).map((x) => x.id)).toEqual([a.id, b.id, c.id]); // oldest first
    for (const x of [a, b, c]) outbox.markSent(x.id, at(10));
    expect(outbox.settle(a.id, { ok: true, result: { recordedAs: 'r1' } }, at(20))).toMatchObject({ state: 'acked', attempts: 1, ackedAt: at(20).toISOString(), result: { ok: true, result: { recordedAs: 'r1' } } });
    expect(outbox.settle(b.id, { ok: false, retryable: true, error: { code: 'busy', message: 'try later' } }, at(20))).toMatchObject({
      state: 'pending',
      lastError: 'busy: try later',
      nextAttemptAt: at(520).toISOString(),
    });
    expect(outbox.settle(c.id, { ok: false, retryable: false, error: { code: 'unknown_release', message: 'no such release r' } }, at(20))).toMatchObject({
      state: 'failed',
      lastError: 'unknown_release: no such release r',
    });
    expect(outbox.counts()).toEqual({ pending: 1, failed: 1 });
    expect(outbox.list('failed').map((x) => x.id)).toEqual([c.id]);
    expect(outbox.list().map((x) => x.id)).toEqual([c.id, b.id, a.id]); // newest first
    // A late duplicate answer never un-acks or un-fails an action.
    outbox.settle(a.id, { ok: false, retryable: false, error: { code: 'x', message: 'y' } }, at(30));
    expect(outbox.get(a.id)?.state).toBe('acked');
    expect(outbox.due(at(10_000), 10).map((x) => x.id)).toEqual([b.id]);
  });

  it('after a restart, sends actions left in flight again (same id), and reports when the next is due', () => {
    const { db } = mirrorOnDisk();
    const outbox = new SqliteOutbox(db, { random: () => 0 });
    const a = outbox.enqueue('alert.ack', 'operator', { alertId: 'a' }, T0);
    const b = outbox.enqueue('alert.ack', 'operator', { alertId: 'b' }, T0);
    outbox.markSent(a.id, T0);
    outbox.markSent(b.id, T0);
    outbox.retryLater(b.id, 'lost', T0);
    expect(outbox.nextDueAt()).toEqual(at(500));
    const restarted = new SqliteOutbox(db);
    expect(restarted.recoverInFlight(at(100))).toBe(1);
    expect(restarted.get(a.id)).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: at(100).toISOString() });
    expect(restarted.due(at(100), 10).map((x) => x.id)).toEqual([a.id]);
    expect(restarted.nextDueAt()).toEqual(at(100));
    expect(restarted.counts()).toEqual({ pending: 2, failed: 0 });
  });

  it('calls onEnqueue so the sender wakes', () => {
    const { db } = mirrorOnDisk();
    const woken: string[] = [];
    const outbox = new SqliteOutbox(db, { onEnqueue: (r) => woken.push(r.id) });
    const r = outbox.enqueue('alert.ack', 'operator', { alertId: 'a' }, T0);
    expect(woken).toEqual([r.id]);
  });
});

describe('enqueue inside a caller transaction', () => {
  it('commits with it, or not at all when it rolls back', () => {
    const { db } = mirrorOnDisk();
    const outbox = new SqliteOutbox(db);
    const kept = db.transaction(() => outbox.enqueue('alert.ack', 'operator', { alertId: 'a' }, T0))();
    expect(outbox.get(kept.id)?.state).toBe('pending');
    expect(() =>
      db.transaction(() => {
        outbox.enqueue('alert.ack', 'operator', { alertId: 'b' }, T0);
        throw new Error('the alert could not be acknowledged');
      })(),
    ).toThrow('the alert could not be acknowledged');
    expect(outbox.list().map((a) => a.id)).toEqual([kept.id]);
  });
});
