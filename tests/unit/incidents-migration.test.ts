/**
 * Migration 0110 on :memory:: incidents the alert desk escalated before it (0080's stub rows)
 * keep working — their place comes from the station code, their times from the creation time —
 * and the new tables are STRICT.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { IncidentsStore } from '../../electron/core/incidents/store';

describe('migration 0110-incidents', () => {
  it('extends the stub table in place and reads its old rows as incidents', () => {
    const db = new Database(':memory:');
    expect(migrate(db, MIGRATIONS.filter((m) => m.version <= 100))).toBe(100);
    db.prepare(`INSERT INTO incidents (id, title, type, status, station_code, source_alert_id, created_at, created_by) VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`).run(
      'INC-20260601-abcdef01',
      '暴雨橙色预警',
      'rainstorm',
      '441602001001',
      'alert-1',
      '2026-06-01T00:00:00.000Z',
      'operator',
    );
    expect(migrate(db, MIGRATIONS)).toBe(110);
    const store = new IncidentsStore(db);
    expect(store.get('INC-20260601-abcdef01')).toMatchObject({
      title: '暴雨橙色预警',
      family: 'flood',
      level: null,
      status: 'active',
      place: { stationCode: '441602001001', point: null, area: null, description: '' },
      occurredAt: '2026-06-01T00:00:00.000Z',
      updatedAt: '2026-06-01T00:00:00.000Z',
      sourceAlertId: 'alert-1',
      cameraIds: [],
    });
    expect(store.live().map((i) => i.id)).toEqual(['INC-20260601-abcdef01']);
    const strict = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'incident*' AND sql LIKE '%STRICT'`).all();
    expect(strict).toHaveLength(9); // incidents (STRICT since 0080) and its 8 companions
    expect(() => db.prepare(`INSERT INTO incident_timeline (incident_id, at, kind, text) VALUES ('INC-20260601-abcdef01', 'now', 'gossip', 'x')`).run()).toThrow(/CHECK constraint/);
    db.close();
  });
});
