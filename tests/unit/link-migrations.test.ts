/**
 * Guards the link's migrations, each on :memory: on top of the ones before it: STRICT tables,
 * CHECKs, primary keys, and the backfill of stations.source for rows that already existed.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, type Migration } from '../../electron/core/db/migrate';
import { m0010 } from '../../electron/core/db/migrations/0010-accounts-audit';
import { m0020 } from '../../electron/core/db/migrations/0020-stations';
import { m0030 } from '../../electron/core/db/migrations/0030-wall-displays';
import { m0040 } from '../../electron/core/db/migrations/0040-link-mirror';
import { m0050 } from '../../electron/core/db/migrations/0050-readings';
import { m0060 } from '../../electron/core/db/migrations/0060-outbox';

type Db = Database.Database;
const BEFORE = [m0010, m0020, m0030];
const NOW = '2025-06-01T00:00:00.000Z';

function memoryDb(upTo: readonly Migration[]): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, upTo);
  return db;
}

const isStrict = (db: Db, table: string) => (db.prepare(`SELECT strict FROM pragma_table_list WHERE name = ?`).get(table) as { strict: number } | undefined)?.strict === 1;
const columns = (db: Db, table: string) => (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);

describe('0040 link-mirror', () => {
  it('adds source/last_contact/duty columns to stations and backfills source for existing rows', () => {
    const db = memoryDb(BEFORE);
    db.prepare(`INSERT INTO stations (code, name, level, lat, lon, demo, updated_at) VALUES ('441602', '源城区', 'district', 23.7, 114.7, 0, ?)`).run(NOW);
    db.prepare(`INSERT INTO stations (code, name, level, parent_code, lat, lon, demo, updated_at) VALUES ('441602001201', '演示村', 'village', '441602', 23.7, 114.7, 1, ?)`).run(NOW);
    migrate(db, [...BEFORE, m0040]);
    expect(columns(db, 'stations')).toEqual(expect.arrayContaining(['source', 'last_contact', 'duty_name', 'duty_phone', 'link_parent_code']));
    expect(db.prepare('SELECT code, source FROM stations ORDER BY code').all()).toEqual([
      { code: '441602', source: 'builtin' },
      { code: '441602001201', source: 'demo' },
    ]);
    expect(() => db.prepare(`UPDATE stations SET source = 'platform'`).run()).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('creates cameras, sensors, alerts, notices, link_state and link_quarantine as STRICT tables', () => {
    const db = memoryDb([...BEFORE, m0040]);
    for (const t of ['cameras', 'sensors', 'alerts', 'notices', 'link_state', 'link_quarantine']) expect(isStrict(db, t), t).toBe(true);
    expect(db.pragma('user_version', { simple: true })).toBe(40);
    db.close();
  });

  it('holds one link_state row at cursor 0 and refuses a second', () => {
    const db = memoryDb([...BEFORE, m0040]);
    expect(db.prepare('SELECT * FROM link_state').all()).toEqual([{ id: 1, epoch: null, cursor: 0, server_id: null, last_applied_at: null }]);
    expect(() => db.prepare('INSERT INTO link_state (id, cursor) VALUES (2, 0)').run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare('UPDATE link_state SET cursor = -1').run()).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('checks types, enums and JSON on the mirror tables', () => {
    const db = memoryDb([...BEFORE, m0040]);
    const cam = db.prepare(`INSERT INTO cameras (id, name, station_code, lat, lon, online, ptz, codec, streams, updated_at) VALUES (?, 'c', 's', 23, 114, ?, 0, ?, ?, ?)`);
    expect(() => cam.run('c1', 'yes', null, '{}', NOW)).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => cam.run('c1', 1, 'mpeg2', '{}', NOW)).toThrow(/CHECK constraint failed/);
    expect(() => cam.run('c1', 1, null, 'not json', NOW)).toThrow(/CHECK constraint failed/);
    cam.run('c1', 1, 'h265', '{"hls":"http://x"}', NOW);
    const sen = db.prepare(`INSERT INTO sensors (id, name, station_code, type, lat, lon, unit, updated_at) VALUES (?, 's', 's', ?, 23, 114, 'mm', ?)`);
    expect(() => sen.run('s1', 'wind', NOW)).toThrow(/CHECK constraint failed/);
    sen.run('s1', 'reservoir', NOW);
    const al = db.prepare(
      `INSERT INTO alerts (id, source, level, type, headline, sent, sent_ms, status, msg_type, cap, updated_at) VALUES ('a1', ?, ?, 'rainstorm', 'h', ?, 0, 'Actual', 'Alert', '{}', ?)`,
    );
    expect(() => al.run('link', 'purple', NOW, NOW)).toThrow(/CHECK constraint failed/);
    expect(() => al.run('rumour', 'red', NOW, NOW)).toThrow(/CHECK constraint failed/);
    al.run('link', 'red', NOW, NOW);
    expect(() => db.prepare(`INSERT INTO link_quarantine (received_at, reason, raw) VALUES (?, 'r', ?)`).run(NOW, 'x'.repeat(65_537))).toThrow(/CHECK constraint failed/);
    db.close();
  });
});

describe('0050 readings', () => {
  it('creates readings, readings_hourly and readings_latest as STRICT tables keyed by sensor and time', () => {
    const db = memoryDb([...BEFORE, m0040, m0050]);
    for (const t of ['readings', 'readings_hourly', 'readings_latest']) expect(isStrict(db, t), t).toBe(true);
    db.prepare(`INSERT INTO readings (sensor_id, at_ms, value) VALUES ('r1', 1000, 1.5)`).run();
    expect(() => db.prepare(`INSERT INTO readings (sensor_id, at_ms, value) VALUES ('r1', 1000, 2)`).run()).toThrow(/UNIQUE constraint failed|PRIMARY KEY/);
    expect(() => db.prepare(`INSERT INTO readings (sensor_id, at_ms, value) VALUES ('r1', 'noon', 2)`).run()).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => db.prepare(`INSERT INTO readings_hourly (sensor_id, hour_ms, min, max, sum, n) VALUES ('r1', 1000, 1, 1, 1, 1)`).run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(`INSERT INTO readings_hourly (sensor_id, hour_ms, min, max, sum, n) VALUES ('r1', 3600000, 1, 1, 1, 0)`).run()).toThrow(/CHECK constraint failed/);
    expect(db.pragma('user_version', { simple: true })).toBe(50);
    db.close();
  });
});

describe('0060 outbox', () => {
  it('creates a STRICT outbox with a uuid key, a state machine and JSON payloads', () => {
    const db = memoryDb([...BEFORE, m0040, m0050, m0060]);
    expect(isStrict(db, 'outbox')).toBe(true);
    const insert = db.prepare(`INSERT INTO outbox (id, type, at, by, payload, state) VALUES (?, 'alert.ack', ?, 'operator', ?, ?)`);
    const id = '6f1c1f4e-8f0b-4f55-9d7b-2d6b0b3b9a11';
    expect(() => insert.run('short', NOW, '{}', 'pending')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run(id, NOW, '{', 'pending')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run(id, NOW, '{}', 'lost')).toThrow(/CHECK constraint failed/);
    insert.run(id, NOW, '{"alertId":"a1"}', 'pending');
    expect(() => insert.run(id, NOW, '{}', 'pending')).toThrow(/UNIQUE constraint failed/);
    expect(db.prepare('SELECT state, attempts FROM outbox').get()).toEqual({ state: 'pending', attempts: 0 });
    expect(db.pragma('user_version', { simple: true })).toBe(60);
    db.close();
  });
});
