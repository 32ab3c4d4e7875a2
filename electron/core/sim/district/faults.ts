/**
 * Faults the console must survive, as a misbehaving platform would produce them:
 *  - malformed items, logged with real seqs (so the console must quarantine them and move its
 *    cursor past them): bad data for a kind, an unknown kind, an unknown op, a time without an
 *    offset, a reading whose value is not a number, strings longer than the schema allows;
 *  - duplicates: changes repeated inside a batch;
 *  - out-of-order seqs: stale changes the console already applied, replayed at the END of a
 *    later batch, so a client that takes the last change's seq as its cursor goes backwards.
 * None of these touch the platform's state: a correct console still mirrors it exactly.
 */
import type { RawChange, LogEntry } from './store';
import { isoLocal } from './util';

export type MalformedVariant = 'bad-data' | 'unknown-kind' | 'unknown-op' | 'bad-time' | 'not-a-number' | 'oversized';
export const MALFORMED_VARIANTS: readonly MalformedVariant[] = ['bad-data', 'unknown-kind', 'bad-time', 'oversized', 'unknown-op', 'not-a-number'];

/** The n-th malformed item (variants rotate, so n ≥ 6 covers them all). */
export function malformedChange(n: number, nowMs: number, sensorId: string): Omit<RawChange, 'seq'> {
  const at = isoLocal(nowMs);
  const variant = MALFORMED_VARIANTS[n % MALFORMED_VARIANTS.length]!;
  const tag = `bad-${nowMs.toString(36)}-${n}`;
  switch (variant) {
    case 'bad-data':
      // A station with a 7-digit code, an unknown level and a latitude off the planet.
      return { kind: 'station', op: 'upsert', id: '4416029', at, data: { code: '4416029', name: '', level: 'county', lat: 123.4, lon: 'east', online: 'yes' } };
    case 'unknown-kind':
      return { kind: 'weather-radar', op: 'upsert', id: tag, at, data: { echo: 45 } };
    case 'unknown-op':
      return { kind: 'notice', op: 'merge', id: tag, at, data: { title: '未知操作', body: '', from: 'sim' } };
    case 'bad-time': {
      // Local time without an offset: ambiguous, which the spec forbids.
      const local = at.slice(0, 19).replace('T', ' ');
      return { kind: 'reading', op: 'upsert', id: `${sensorId}@${local}`, at: local, data: { sensorId, value: 1, at: local } };
    }
    case 'not-a-number':
      // NaN becomes null in JSON: a sensor fault that must not land as 0.
      return { kind: 'reading', op: 'upsert', id: `${sensorId}@${at}#nan`, at, data: { sensorId, value: null, at } };
    case 'oversized':
      // 64 KiB of notice body against a 20 000-character limit.
      return { kind: 'notice', op: 'upsert', id: tag, at, data: { title: '超长通知'.repeat(80), body: '长'.repeat(64 * 1024), from: 'sim' } };
  }
}

/** Pending injections, consumed as batches are formed for any client. */
export interface BatchInjections {
  duplicates: number;
  outOfOrder: number;
}

/**
 * The wire form of a batch with the pending injections applied. `fresh` are the new changes
 * (ascending); `stale` are changes the client already has, used for out-of-order replay.
 * Returns the changes to send; the counters are decremented by what was used.
 */
export function injectIntoBatch(fresh: LogEntry[], stale: LogEntry[], pending: BatchInjections): RawChange[] {
  const out: RawChange[] = [];
  let dups = Math.min(pending.duplicates, fresh.length);
  pending.duplicates -= dups;
  for (const e of fresh) {
    out.push(e.change);
    if (dups > 0) {
      out.push(e.change);
      dups--;
    }
  }
  const replay = Math.min(pending.outOfOrder, stale.length);
  if (replay > 0) {
    pending.outOfOrder -= replay;
    // Newest first, after the fresh changes: the seqs now run backwards at the end of the batch.
    for (const e of stale.slice(stale.length - replay).reverse()) out.push(e.change);
  }
  return out;
}
