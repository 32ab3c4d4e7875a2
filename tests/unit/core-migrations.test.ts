/**
 * Guards the schema: each migration on :memory: (tables, STRICT types, CHECKs, foreign keys),
 * all pending migrations in one transaction, re-running as a no-op, refusal of a newer database
 * and of two migrations sharing a version.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, NewerDatabaseError, type Migration } from '../../electron/core/db/migrate';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { m0010 } from '../../electron/core/db/migrations/0010-accounts-audit';
import { m0020 } from '../../electron/core/db/migrations/0020-stations';
import { m0030 } from '../../electron/core/db/migrations/0030-wall-displays';

type Db = Database.Database;

/** A :memory: database with foreign keys on (as openStore sets), migrated up to `upTo`. */
function memoryDb(upTo: readonly Migration[]): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, upTo);
  return db;
}

function tables(db: Db): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

function isStrict(db: Db, table: string): boolean {
  const row = db.prepare(`SELECT strict FROM pragma_table_list WHERE name = ?`).get(table) as { strict: number } | undefined;
  return row?.strict === 1;
}

function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

const NOW = '2025-01-01T00:00:00.000Z';

describe('the migration list', () => {
  it('is numbered in steps of 10, ascending, and ends at the version openStore reports', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    for (const v of versions) expect(v % 10).toBe(0);
    const db = new Database(':memory:');
    expect(migrate(db, MIGRATIONS)).toBe(110);
    expect(userVersion(db)).toBe(110);
    db.close();
  });
});

describe('0010 accounts-audit', () => {
  const insertUser = (db: Db, username: string, role = 'operator', disabled: unknown = 0) =>
    db
      .prepare(`INSERT INTO users (username, display_name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, 'h', ?, ?)`)
      .run(username, username, role, disabled, NOW);
  const insertSession = (db: Db, id: string, username: string, kind = 'login') =>
    db
      .prepare(`INSERT INTO sessions (id, token_hash, username, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(id, `hash-${id}`, username, kind, NOW, NOW);

  it('creates meta, users, sessions, login_failures and audit as STRICT tables', () => {
    const db = memoryDb([m0010]);
    expect(userVersion(db)).toBe(10);
    expect(tables(db)).toEqual(['audit', 'login_failures', 'meta', 'sessions', 'users']);
    for (const t of tables(db)) expect(isStrict(db, t), t).toBe(true);
    db.close();
  });

  it('rejects values of the wrong type (STRICT)', () => {
    const db = memoryDb([m0010]);
    expect(() => db.prepare(`INSERT INTO login_failures (username, at) VALUES ('x', 'yesterday')`).run()).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => insertUser(db, 'bob', 'operator', 'no')).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('holds its CHECK constraints: role, disabled, session kind, audit outcome', () => {
    const db = memoryDb([m0010]);
    expect(() => insertUser(db, 'eve', 'root')).toThrow(/CHECK constraint failed/);
    expect(() => insertUser(db, 'eve', 'operator', 2)).toThrow(/CHECK constraint failed/);
    insertUser(db, 'ann');
    expect(() => insertSession(db, 's1', 'ann', 'kiosk')).toThrow(/CHECK constraint failed/);
    expect(() =>
      db.prepare(`INSERT INTO audit (at, origin, method, outcome, summary) VALUES (?, 'test', 'auth.login', 'maybe', '{}')`).run(NOW),
    ).toThrow(/CHECK constraint failed/);
    for (const outcome of ['ok', 'failed', 'denied']) {
      db.prepare(`INSERT INTO audit (at, origin, method, outcome, summary) VALUES (?, 'test', 'auth.login', ?, '{}')`).run(NOW, outcome);
    }
    expect(db.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 3 });
    db.close();
  });

  it('enforces sessions → users and cascades a deleted user to their sessions', () => {
    const db = memoryDb([m0010]);
    expect(() => insertSession(db, 's1', 'nobody')).toThrow(/FOREIGN KEY constraint failed/);
    insertUser(db, 'ann');
    insertSession(db, 's1', 'ann');
    expect(() => insertSession(db, 's2', 'ann')).not.toThrow();
    // token_hash is unique: two sessions can never share a token.
    expect(() =>
      db.prepare(`INSERT INTO sessions (id, token_hash, username, kind, created_at, expires_at) VALUES ('s3', 'hash-s1', 'ann', 'login', ?, ?)`).run(NOW, NOW),
    ).toThrow(/UNIQUE constraint failed/);
    db.prepare(`DELETE FROM users WHERE username = 'ann'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('0020 stations', () => {
  const insertStation = (db: Db, code: string, level: string, parent: string | null, lat: unknown = 23.7, lon: unknown = 114.7, online: unknown = 1) =>
    db
      .prepare(`INSERT INTO stations (code, name, level, parent_code, lat, lon, online, updated_at) VALUES (?, 'x', ?, ?, ?, ?, ?, ?)`)
      .run(code, level, parent, lat, lon, online, NOW);

  it('creates a STRICT stations table on top of 0010', () => {
    const db = memoryDb([m0010, m0020]);
    expect(userVersion(db)).toBe(20);
    expect(tables(db)).toContain('stations');
    expect(isStrict(db, 'stations')).toBe(true);
    db.close();
  });

  it('rejects values of the wrong type (STRICT)', () => {
    const db = memoryDb([m0010, m0020]);
    expect(() => insertStation(db, '441602', 'district', null, 'north')).toThrow(/cannot store TEXT value in REAL column/);
    expect(() => insertStation(db, '441602', 'district', null, 23.7, 114.7, 'yes')).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('holds its CHECK constraints: code length, level, coordinates, online flag', () => {
    const db = memoryDb([m0010, m0020]);
    expect(() => insertStation(db, '4416', 'district', null)).toThrow(/CHECK constraint failed/);
    expect(() => insertStation(db, '441602', 'county', null)).toThrow(/CHECK constraint failed/);
    expect(() => insertStation(db, '441602', 'district', null, 91)).toThrow(/CHECK constraint failed/);
    expect(() => insertStation(db, '441602', 'district', null, 23.7, -181)).toThrow(/CHECK constraint failed/);
    expect(() => insertStation(db, '441602', 'district', null, 23.7, 114.7, 3)).toThrow(/CHECK constraint failed/);
    insertStation(db, '441602', 'district', null);
    expect(db.prepare('SELECT count(*) AS n FROM stations').get()).toEqual({ n: 1 });
    db.close();
  });

  it('enforces parent_code → stations(code)', () => {
    const db = memoryDb([m0010, m0020]);
    expect(() => insertStation(db, '441602001000', 'town', '441602')).toThrow(/FOREIGN KEY constraint failed/);
    insertStation(db, '441602', 'district', null);
    insertStation(db, '441602001000', 'town', '441602');
    expect(() => db.prepare(`DELETE FROM stations WHERE code = '441602'`).run()).toThrow(/FOREIGN KEY constraint failed/);
    db.close();
  });
});

describe('0030 wall-displays', () => {
  const insertDisplay = (db: Db, screen: string, x: unknown, width: unknown) =>
    db
      .prepare(`INSERT INTO wall_displays (screen_id, display_id, x, y, width, height, updated_at) VALUES (?, 'd1', ?, 0, ?, 1080, ?)`)
      .run(screen, x, width, NOW);

  it('creates a STRICT wall_displays table on top of 0020', () => {
    const db = memoryDb([m0010, m0020, m0030]);
    expect(userVersion(db)).toBe(30);
    expect(tables(db)).toContain('wall_displays');
    expect(isStrict(db, 'wall_displays')).toBe(true);
    db.close();
  });

  it('rejects wrong types and non-positive sizes, and keys displays by screen', () => {
    const db = memoryDb([m0010, m0020, m0030]);
    expect(() => insertDisplay(db, 'wall-1', 'left', 1920)).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => insertDisplay(db, 'wall-1', 0, 0)).toThrow(/CHECK constraint failed/);
    expect(() => insertDisplay(db, 'wall-1', 0, -1920)).toThrow(/CHECK constraint failed/);
    insertDisplay(db, 'wall-1', -1920, 1920);
    expect(() => insertDisplay(db, 'wall-1', 0, 1920)).toThrow(/UNIQUE constraint failed/);
    expect(db.prepare(`SELECT label, x FROM wall_displays`).get()).toEqual({ label: '', x: -1920 });
    db.close();
  });
});

describe('migrate()', () => {
  const failing: Migration = {
    version: 990,
    name: 'broken',
    up(db) {
      db.exec('CREATE TABLE half_done (id INTEGER PRIMARY KEY) STRICT');
      throw new Error('disk on fire');
    },
  };

  it('runs all pending migrations in one transaction: a failing later one leaves nothing behind', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow('Migration 990-broken failed: disk on fire');
    expect(userVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
    db.close();
  });

  it('leaves an already-migrated database at its version and schema when a later batch fails', () => {
    const db = new Database(':memory:');
    migrate(db, [m0010]);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('kept', 'yes')`).run();
    const before = tables(db);
    expect(() => migrate(db, [m0010, m0020, m0030, failing])).toThrow(/Migration 990-broken failed/);
    expect(userVersion(db)).toBe(10);
    expect(tables(db)).toEqual(before);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'kept'`).get()).toEqual({ value: 'yes' });
    db.close();
  });

  it('runs only what is pending and is a no-op when re-run', () => {
    const db = new Database(':memory:');
    let runs = 0;
    const counted = MIGRATIONS.map<Migration>((m) => ({
      ...m,
      up(d) {
        runs++;
        m.up(d);
      },
    }));
    expect(migrate(db, counted.slice(0, 1))).toBe(10);
    expect(runs).toBe(1);
    expect(migrate(db, counted)).toBe(110);
    expect(runs).toBe(11);
    const schema = db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all();
    expect(migrate(db, counted)).toBe(110);
    expect(runs).toBe(11);
    expect(db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all()).toEqual(schema);
    db.close();
  });

  it('runs migrations in version order whatever order they are listed in', () => {
    const db = new Database(':memory:');
    expect(migrate(db, [m0030, m0010, m0020])).toBe(30);
    expect(tables(db)).toEqual(['audit', 'login_failures', 'meta', 'sessions', 'stations', 'users', 'wall_displays']);
    db.close();
  });

  it('refuses a database newer than the app with NewerDatabaseError naming both versions', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    db.pragma('user_version = 120');
    let caught: unknown;
    try {
      migrate(db, MIGRATIONS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NewerDatabaseError);
    const error = caught as NewerDatabaseError;
    expect(error.found).toBe(120);
    expect(error.supported).toBe(110);
    expect(error.message).toContain('schema 120');
    expect(error.message).toContain('up to 110');
    expect(userVersion(db)).toBe(120);
    db.close();
  });

  it('rejects two migrations that share a version before touching the database', () => {
    const db = new Database(':memory:');
    const twin: Migration = { version: 20, name: 'twin', up: (d) => d.exec('CREATE TABLE twin (id INTEGER) STRICT') };
    expect(() => migrate(db, [m0010, m0020, twin])).toThrow('Two migrations share version 20');
    expect(userVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
    db.close();
  });
});
