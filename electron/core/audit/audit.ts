import type { Db } from '../db/database';
import { all, run } from '../db/database';
import { sql } from '../db/sql';
import type { CallContext } from '../api/context';

export type AuditOutcome = 'ok' | 'failed' | 'denied';

export interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  role: string | null;
  origin: string;
  method: string;
  outcome: AuditOutcome;
  summary: string;
}

const SECRET_KEY = /pass|secret|token|key|pin/i;

/** A summary of params for the audit log, with every secret-looking field masked. */
export function summarizeParams(params: unknown): string {
  let masked: string;
  try {
    masked = JSON.stringify(params ?? {}, (key, value: unknown) => (key && SECRET_KEY.test(key) ? '***' : value));
  } catch {
    // Raw params of a refused call are not validated yet: IPC's structured clone can carry a
    // BigInt or a cycle, which JSON cannot. The summary must not turn a refusal into a throw.
    masked = '(params that cannot be summarized)';
  }
  return masked.length > 500 ? `${masked.slice(0, 497)}...` : masked;
}

export function writeAudit(db: Db, ctx: CallContext, method: string, outcome: AuditOutcome, summary: string, now = new Date()): void {
  run(
    db,
    sql`INSERT INTO audit (at, actor, role, origin, method, outcome, summary)
        VALUES (${now.toISOString()}, ${ctx.user?.username ?? null}, ${ctx.user?.role ?? null}, ${ctx.origin}, ${method}, ${outcome}, ${summary})`,
  );
}

export function recentAudit(db: Db, limit = 100): AuditRow[] {
  return all<AuditRow>(db, sql`SELECT * FROM audit ORDER BY id DESC LIMIT ${limit}`);
}
