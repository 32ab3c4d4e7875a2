/**
 * Opening the store: pragmas, migrations, integrity check, online backup.
 * Every table is STRICT; values are bound through `sql` (db/sql.ts).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate, type Migration } from './migrate';
import { MIGRATIONS } from './migrations';
import type { SqlQuery } from './sql';

export type Db = Database.Database;

export interface IntegrityReport {
  ok: boolean;
  /** 'ok', or the first problems SQLite reported. */
  messages: string[];
}

export interface OpenedStore {
  db: Db;
  file: string;
  integrity: IntegrityReport;
  schemaVersion: number;
}

/**
 * Electron runs with another Node ABI than plain Node: the Electron host points
 * HALL_SQLITE_BINDING at a copy of better_sqlite3.node built for Electron (build/start.mjs).
 */
function nativeBinding(): string | undefined {
  const binding = process.env['HALL_SQLITE_BINDING'];
  return binding && fs.existsSync(binding) ? binding : undefined;
}

export function openStore(file: string, migrations: readonly Migration[] = MIGRATIONS): OpenedStore {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const binding = nativeBinding();
  const db = new Database(file, binding ? { nativeBinding: binding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // NORMAL is safe with WAL for most tables; writes that must survive power loss
    // (audit, outbox, releases) run through `durably()` which switches to FULL.
    db.pragma('synchronous = NORMAL');
    const integrity = checkIntegrity(db);
    const schemaVersion = migrate(db, migrations);
    return { db, file, integrity, schemaVersion };
  } catch (error) {
    db.close();
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)/.test(code)) throw new StoreOpenError(file, (error as Error).message);
    throw error;
  }
}

/**
 * The file cannot be opened as a database at all (not SQLite, or its header/schema is damaged):
 * there is nothing to report on, so start-up stops with the file named and what to do.
 * Damage inside the file is reported by checkIntegrity instead.
 */
export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `Cannot open the database ${file}: ${reason}. The file is damaged or is not a console database; ` +
        'restore a backup (the backups/ folder of the data directory) or start with another --data directory.',
    );
    this.name = 'StoreOpenError';
  }
}

/** Reports, never throws: a damaged database is shown to the operator, not a crash. */
export function checkIntegrity(db: Db): IntegrityReport {
  try {
    const rows = db.pragma('quick_check(20)') as { quick_check: string }[];
    const messages = rows.map((r) => r.quick_check);
    return { ok: messages.length === 1 && messages[0] === 'ok', messages };
  } catch (error) {
    return { ok: false, messages: [(error as Error).message] };
  }
}

/** Run `fn` in a transaction with synchronous = FULL, for acknowledged writes that must survive power loss. */
export function durably<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

/** durably() when on its own; inside a caller's transaction (an audited method), part of that one. */
export function durablyOrJoin<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? db.transaction(fn)() : durably(db, fn);
}

/** Online backup (SQLite backup API): consistent while the hall keeps writing. */
export async function backupTo(db: Db, dir: string, now = new Date()): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = path.join(dir, `hall-${stamp}.sqlite`);
  await db.backup(target);
  return target;
}

export function all<T>(db: Db, q: SqlQuery): T[] {
  return db.prepare(q.text).all(...q.values) as T[];
}

export function one<T>(db: Db, q: SqlQuery): T | undefined {
  return db.prepare(q.text).get(...q.values) as T | undefined;
}

export function run(db: Db, q: SqlQuery): Database.RunResult {
  return db.prepare(q.text).run(...q.values);
}
