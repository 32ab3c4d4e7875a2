/**
 * Prepared statements cached per database and SQL text. The mirror applies thousands of changes
 * a second; preparing the same statement for each of them would cost more than running it.
 * Values still go through the `sql` tagged template and are bound, never spliced.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../db/database';
import type { SqlQuery } from '../db/sql';

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

function statement(db: Db, text: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map<string, Database.Statement>()));
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    cache.set(text, stmt);
  }
  return stmt;
}

export function runQ(db: Db, q: SqlQuery): Database.RunResult {
  return statement(db, q.text).run(...q.values);
}

export function allQ<T>(db: Db, q: SqlQuery): T[] {
  return statement(db, q.text).all(...q.values) as T[];
}

export function oneQ<T>(db: Db, q: SqlQuery): T | undefined {
  return statement(db, q.text).get(...q.values) as T | undefined;
}

/** Epoch ms of an ISO time (validated upstream, so never NaN here). */
export function ms(iso: string): number {
  return Date.parse(iso);
}
