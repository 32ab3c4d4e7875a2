/**
 * The quarantine: changes from the platform that failed validation (or could not be applied),
 * kept raw with the reason. Nothing received is thrown away silently; old entries are pruned by
 * the retention job after `quarantineRetentionDays`.
 */
import type { QuarantineItem } from '../../../shared/contract';
import type { Db } from '../db/database';
import { sql } from '../db/sql';
import { allQ, oneQ, runQ } from '../mirror/statements';
import type { QuarantinedChange } from './seams';

export const MAX_RAW_CHARS = 64 * 1024;

/** The raw payload as JSON text, cut to 64 KiB with a note of how much was cut. */
export function rawText(raw: unknown): string {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  } catch (error) {
    text = `(not serialisable: ${(error as Error).message})`;
  }
  if (text.length <= MAX_RAW_CHARS) return text;
  const note = `…[truncated ${text.length - MAX_RAW_CHARS + 64} of ${text.length} characters]`;
  return text.slice(0, MAX_RAW_CHARS - note.length) + note;
}

interface Row {
  id: number;
  received_at: string;
  epoch: string | null;
  seq: number | null;
  kind: string | null;
  item_id: string | null;
  reason: string;
  raw: string;
}

export class QuarantineRepo {
  constructor(private readonly db: Db) {}

  add(epoch: string | null, q: QuarantinedChange, receivedAt: string): void {
    runQ(
      this.db,
      sql`INSERT INTO link_quarantine (received_at, epoch, seq, kind, item_id, reason, raw)
          VALUES (${receivedAt}, ${epoch}, ${q.seq}, ${q.kind}, ${q.itemId}, ${q.reason.slice(0, 4000)}, ${rawText(q.raw)})`,
    );
  }

  count(): number {
    return oneQ<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM link_quarantine`)?.n ?? 0;
  }

  list(limit = 100): QuarantineItem[] {
    return allQ<Row>(this.db, sql`SELECT * FROM link_quarantine ORDER BY id DESC LIMIT ${limit}`).map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      epoch: r.epoch,
      seq: r.seq,
      kind: r.kind,
      itemId: r.item_id,
      reason: r.reason,
      raw: r.raw,
    }));
  }

  prune(before: string): number {
    return runQ(this.db, sql`DELETE FROM link_quarantine WHERE received_at < ${before}`).changes;
  }
}
