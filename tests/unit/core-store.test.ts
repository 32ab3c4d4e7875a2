/**
 * Guards the store: the `sql` tagged template binds every value (an injection stays data),
 * openStore's pragmas, the integrity check (reports a damaged file, refuses a non-database one
 * with a clear error), durable writes, and the online backup.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { all, backupTo, checkIntegrity, durably, one, openStore, run, StoreOpenError } from '../../electron/core/db/database';
import { join, raw, sql } from '../../electron/core/db/sql';
import { tempDir } from '../fixtures/core-helpers';
import { MIGRATIONS } from '../../electron/core/db/migrations';

/** The schema version a fresh store migrates to: the last migration's. */
const LATEST = MIGRATIONS.at(-1)!.version;

describe('sql tagged template', () => {
  function notesDb() {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, urgent INTEGER NOT NULL CHECK (urgent IN (0, 1))) STRICT`);
    run(db, sql`INSERT INTO notes (body, urgent) VALUES (${'flood at 源南镇'}, ${true})`);
    run(db, sql`INSERT INTO notes (body, urgent) VALUES (${'drill'}, ${false})`);
    return db;
  }

  it('binds values as parameters instead of splicing them into the text', () => {
    const injection = `x' OR '1'='1`;
    const q = sql`SELECT * FROM notes WHERE body = ${injection}`;
    expect(q.text).toBe('SELECT * FROM notes WHERE body = ?');
    expect(q.values).toEqual([injection]);
  });

  it('keeps an injection string as data when executed', () => {
    const db = notesDb();
    expect(all(db, sql`SELECT * FROM notes WHERE body = ${`x' OR '1'='1`}`)).toEqual([]);
    const drop = `'); DROP TABLE notes; --`;
    run(db, sql`INSERT INTO notes (body, urgent) VALUES (${drop}, ${false})`);
    expect(one(db, sql`SELECT body FROM notes WHERE id = 3`)).toEqual({ body: drop });
    expect(one(db, sql`SELECT count(*) AS n FROM notes`)).toEqual({ n: 3 });
    db.close();
  });

  it('turns booleans into 0/1 (SQLite cannot bind a boolean)', () => {
    expect(sql`${true}, ${false}`.values).toEqual([1, 0]);
    const db = notesDb();
    expect(all(db, sql`SELECT body FROM notes WHERE urgent = ${true}`)).toEqual([{ body: 'flood at 源南镇' }]);
    expect(all(db, sql`SELECT body FROM notes WHERE urgent = ${false}`)).toEqual([{ body: 'drill' }]);
    db.close();
  });

  it('nests fragments with their values in order, and raw() splices trusted text unbound', () => {
    const inner = sql`urgent = ${true} AND body LIKE ${'%flood%'}`;
    const q = sql`SELECT ${raw('body')} FROM notes WHERE ${inner} AND id > ${0} LIMIT ${5}`;
    expect(q.text).toBe('SELECT body FROM notes WHERE urgent = ? AND body LIKE ? AND id > ? LIMIT ?');
    expect(q.values).toEqual([1, '%flood%', 0, 5]);
    const db = notesDb();
    expect(all(db, q)).toEqual([{ body: 'flood at 源南镇' }]);
    db.close();
  });

  it('joins fragments with a separator, keeping every value', () => {
    const where = join([sql`urgent = ${false}`, sql`body = ${'drill'}`, sql`id < ${10}`], ' AND ');
    expect(where.text).toBe('urgent = ? AND body = ? AND id < ?');
    expect(where.values).toEqual([0, 'drill', 10]);
    expect(join([], ' AND ')).toEqual({ text: '', values: [] });
    const db = notesDb();
    expect(all(db, sql`SELECT id FROM notes WHERE ${where}`)).toEqual([{ id: 2 }]);
    db.close();
  });
});

describe('openStore', () => {
  it('turns on WAL and foreign keys and migrates to the latest schema', () => {
    const file = path.join(tempDir(), 'nested', 'hall.sqlite');
    const store = openStore(file);
    try {
      expect(store.file).toBe(file);
      expect(fs.existsSync(file)).toBe(true);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(store.schemaVersion).toBe(LATEST);
      expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST);
      expect(store.integrity).toEqual({ ok: true, messages: ['ok'] });
    } finally {
      store.db.close();
    }
  });

  it('opens an existing store again without re-migrating and keeps its rows', () => {
    const file = path.join(tempDir(), 'hall.sqlite');
    const first = openStore(file);
    run(first.db, sql`INSERT INTO meta (key, value) VALUES (${'site'}, ${'源城区'})`);
    first.db.close();
    const second = openStore(file);
    try {
      expect(second.schemaVersion).toBe(LATEST);
      expect(one(second.db, sql`SELECT value FROM meta WHERE key = ${'site'}`)).toEqual({ value: '源城区' });
    } finally {
      second.db.close();
    }
  });

  it('reports, and does not throw, when pages of the file are damaged', () => {
    const file = path.join(tempDir(), 'hall.sqlite');
    const store = openStore(file);
    store.db.exec(`CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT; CREATE INDEX filler_body ON filler(body);`);
    const insert = store.db.prepare('INSERT INTO filler (body) VALUES (?)');
    store.db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(60)}`);
    })();
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.db.close();

    // Garbage over pages near the end of the file: the filler table and its index (written
    // last), leaving page 1 and the schema pages (many tables now) intact.
    const pages = fs.statSync(file).size / pageSize;
    expect(pages).toBeGreaterThan(20);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize * 4, 0xa5), 0, pageSize * 4, (pages - 8) * pageSize);
    fs.closeSync(fd);

    const damaged = openStore(file);
    try {
      expect(damaged.integrity.ok).toBe(false);
      expect(damaged.integrity.messages.length).toBeGreaterThan(0);
      expect(damaged.integrity.messages.join(' ')).not.toBe('ok');
      expect(damaged.schemaVersion).toBe(LATEST);
      expect(checkIntegrity(damaged.db).ok).toBe(false);
    } finally {
      damaged.db.close();
    }
  });

  it('refuses a file that is not a database with an error naming the file', () => {
    const file = path.join(tempDir(), 'hall.sqlite');
    fs.writeFileSync(file, 'this is a shift report, not a database\n'.repeat(200));
    let caught: unknown;
    try {
      openStore(file).db.close();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreOpenError);
    expect((caught as Error).message).toContain(file);
    expect((caught as Error).message).toContain('file is not a database');
    // The file is left as it was, for whoever investigates it.
    expect(fs.readFileSync(file, 'utf8')).toContain('shift report');
  });
});

describe('durably', () => {
  it('writes with synchronous = FULL inside and restores NORMAL after, also when fn throws', () => {
    const store = openStore(':memory:');
    const { db } = store;
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    let inside: unknown;
    durably(db, () => {
      inside = db.pragma('synchronous', { simple: true });
      run(db, sql`INSERT INTO meta (key, value) VALUES (${'a'}, ${'1'})`);
    });
    expect(inside).toBe(2);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(() =>
      durably(db, () => {
        run(db, sql`INSERT INTO meta (key, value) VALUES (${'b'}, ${'2'})`);
        throw new Error('power cut');
      }),
    ).toThrow('power cut');
    expect(all(db, sql`SELECT key FROM meta ORDER BY key`)).toEqual([{ key: 'a' }]);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    db.close();
  });
});

describe('backupTo', () => {
  it('writes a timestamped copy that opens and holds the same rows, while the source stays open', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'hall.sqlite'));
    try {
      const insert = store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      for (let i = 0; i < 300; i++) insert.run(`key-${i}`, `value ${i}`);
      const target = await backupTo(store.db, path.join(dir, 'backups'), new Date('2025-03-04T05:06:07.089Z'));
      expect(target).toBe(path.join(dir, 'backups', 'hall-2025-03-04T05-06-07-089Z.sqlite'));
      run(store.db, sql`INSERT INTO meta (key, value) VALUES (${'after'}, ${'not in the backup'})`);

      const copy = new Database(target, { readonly: true });
      try {
        expect(copy.pragma('user_version', { simple: true })).toBe(LATEST);
        expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
        const copied = copy.prepare('SELECT key, value FROM meta ORDER BY key').all();
        expect(copied).toHaveLength(300);
        expect(copied).toEqual(store.db.prepare(`SELECT key, value FROM meta WHERE key <> 'after' ORDER BY key`).all());
      } finally {
        copy.close();
      }
    } finally {
      store.db.close();
    }
  });
});
