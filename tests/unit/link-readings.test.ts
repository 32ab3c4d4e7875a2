/**
 * Guards the readings: hourly min/max/avg kept on insert (and idempotent for a repeated
 * reading), a corrected value recomputes its hour, latest-per-sensor, raw and hourly ranges
 * (and the default bucket of readings.range), and retention of raw vs hourly rows.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../electron/core/mirror/readings';
import { parseReadingId } from '../../electron/core/link/mirror-store';
import { mirrorOnDisk, readingChange } from '../fixtures/link-data';
import { signInAs, startCore, valueOf } from '../fixtures/core-helpers';

const H = Date.parse('2025-06-01T08:00:00+08:00'); // the start of a UTC hour
const iso = (ms: number) => new Date(ms).toISOString();

describe('hourly aggregates', () => {
  it('are maintained on insert: min, max, sum and n per sensor and hour', () => {
    const { db, store } = mirrorOnDisk();
    const r = store.readings;
    db.transaction(() => {
      for (const [offsetMin, value] of [[0, 4], [15, 10], [30, 1], [59, 5], [60, 7]] as const) r.record('rain-1', H + offsetMin * 60_000, value);
      r.record('rain-2', H, 100);
    })();
    expect(db.prepare('SELECT sensor_id, hour_ms, min, max, sum, n FROM readings_hourly ORDER BY sensor_id, hour_ms').all()).toEqual([
      { sensor_id: 'rain-1', hour_ms: H, min: 1, max: 10, sum: 20, n: 4 },
      { sensor_id: 'rain-1', hour_ms: H + HOUR_MS, min: 7, max: 7, sum: 7, n: 1 },
      { sensor_id: 'rain-2', hour_ms: H, min: 100, max: 100, sum: 100, n: 1 },
    ]);
    expect(r.range('rain-1', H, H + 2 * HOUR_MS, 'hour').points).toEqual([
      { at: iso(H), value: 5, min: 1, max: 10, n: 4 },
      { at: iso(H + HOUR_MS), value: 7, min: 7, max: 7, n: 1 },
    ]);
  });

  it('do not count a repeated reading twice, and are recomputed when a reading is corrected or withdrawn', () => {
    const { db, store } = mirrorOnDisk();
    const r = store.readings;
    expect(r.record('rain-1', H, 4)).toBe('new');
    expect(r.record('rain-1', H + 60_000, 10)).toBe('new');
    expect(r.record('rain-1', H, 4)).toBe('same');
    const hour = () => db.prepare('SELECT min, max, sum, n FROM readings_hourly').get();
    expect(hour()).toEqual({ min: 4, max: 10, sum: 14, n: 2 });
    expect(r.record('rain-1', H + 60_000, 2)).toBe('changed'); // the max must come down: recomputed
    expect(hour()).toEqual({ min: 2, max: 4, sum: 6, n: 2 });
    expect(r.latest()).toEqual([{ sensorId: 'rain-1', value: 2, at: iso(H + 60_000) }]);
    r.remove('rain-1', H + 60_000);
    expect(hour()).toEqual({ min: 4, max: 4, sum: 4, n: 1 });
    expect(r.latest()).toEqual([{ sensorId: 'rain-1', value: 4, at: iso(H) }]);
    r.remove('rain-1', H);
    expect(hour()).toBeUndefined();
    expect(r.latest()).toEqual([]);
  });

  it('go through the mirror: a reading change applied twice leaves one reading in its hour; a delete withdraws it', () => {
    const { db, store } = mirrorOnDisk();
    const change = readingChange(1, 'rain-1', '2025-06-01T08:10:00+08:00', 3.5);
    store.applyBatch('e', [change], []);
    store.applyBatch('e', [{ ...change, seq: 2 }], []);
    expect(db.prepare('SELECT n, sum FROM readings_hourly').get()).toEqual({ n: 1, sum: 3.5 });
    store.applyBatch('e', [{ seq: 3, kind: 'reading', op: 'delete', id: change.id, at: change.at }], []);
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 0 });
    expect(parseReadingId('gauge@north@2025-06-01T08:10:00+08:00')).toEqual({ sensorId: 'gauge@north', atMs: Date.parse('2025-06-01T08:10:00+08:00') });
    expect(parseReadingId('no-time')).toBeNull();
  });
});

describe('latest and range', () => {
  it('latest keeps the newest reading per sensor even when an older one arrives later', () => {
    const { store } = mirrorOnDisk();
    const r = store.readings;
    r.record('river-1', H + 120_000, 31.2);
    r.record('river-1', H, 30.0); // late, older
    r.record('gas-1', H, 0);
    expect(r.latest()).toEqual([
      { sensorId: 'gas-1', value: 0, at: iso(H) },
      { sensorId: 'river-1', value: 31.2, at: iso(H + 120_000) },
    ]);
    expect(r.latest(['river-1', 'nope'])).toEqual([{ sensorId: 'river-1', value: 31.2, at: iso(H + 120_000) }]);
  });

  it('range returns raw points in time order within [from, to]', () => {
    const { store } = mirrorOnDisk();
    const r = store.readings;
    for (let i = 0; i < 10; i++) r.record('rain-1', H + i * 600_000, i);
    expect(r.range('rain-1', H + 600_000, H + 1_800_000, 'raw').points).toEqual([
      { at: iso(H + 600_000), value: 1 },
      { at: iso(H + 1_200_000), value: 2 },
      { at: iso(H + 1_800_000), value: 3 },
    ]);
    expect(r.range('other', H, H + DAY_MS, 'raw').points).toEqual([]);
  });

  it('readings.range picks raw for short recent ranges and hourly for long ones, and refuses to < from', async () => {
    const now = new Date(H + 3 * HOUR_MS);
    const { core } = await startCore({ demo: true, now: () => now, startDemoDistrict: null });
    const { ctx } = await signInAs(core, 'operator');
    core.db.transaction(() => {
      for (let i = 0; i < 6; i++) core.link.store.readings.record('rain-1', H + i * 30 * 60_000, i);
    })();
    const short = valueOf<{ bucket: string; points: unknown[] }>(await core.invoke(ctx, 'readings.range', { sensorId: 'rain-1', from: iso(H), to: iso(H + 3 * HOUR_MS) }));
    expect(short.bucket).toBe('raw');
    expect(short.points).toHaveLength(6);
    const long = valueOf<{ bucket: string; points: { n?: number }[] }>(
      await core.invoke(ctx, 'readings.range', { sensorId: 'rain-1', from: iso(H - 5 * DAY_MS), to: iso(H + 3 * HOUR_MS) }),
    );
    expect(long.bucket).toBe('hour');
    expect(long.points.map((p) => p.n)).toEqual([2, 2, 2]);
    const backwards = await core.invoke(ctx, 'readings.range', { sensorId: 'rain-1', from: iso(H + HOUR_MS), to: iso(H) });
    expect(backwards).toMatchObject({ ok: false, error: { code: 'invalid_params', message: expect.stringContaining('is before') as unknown } });
    expect(valueOf(await core.invoke(ctx, 'readings.latest', { sensorIds: ['rain-1'] }))).toEqual([{ sensorId: 'rain-1', value: 5, at: iso(H + 150 * 60_000) }]);
  });
});

describe('retention', () => {
  it('prunes raw readings past 30 days and hourly rows past 2 years, keeping the latest value', () => {
    const now = Date.parse('2025-06-01T00:00:00Z');
    const { db, store } = mirrorOnDisk();
    const r = store.readings;
    db.transaction(() => {
      r.record('rain-1', now - 800 * DAY_MS, 1); // past both horizons
      r.record('rain-1', now - 40 * DAY_MS, 2); // raw gone, hour kept
      r.record('rain-1', now - 29 * DAY_MS, 3); // both kept
      r.record('rain-2', now - 900 * DAY_MS, 9); // a sensor silent for years: its latest stays
    })();
    let removed = 0;
    for (let n = -1; n !== 0; removed += n) n = r.pruneSlice(now, 30, 730, 1); // slices of one row
    expect(removed).toBe(5);
    expect(db.prepare('SELECT at_ms FROM readings ORDER BY at_ms').all()).toEqual([{ at_ms: now - 29 * DAY_MS }]);
    expect((db.prepare('SELECT hour_ms FROM readings_hourly ORDER BY hour_ms').all() as { hour_ms: number }[]).map((h) => (now - h.hour_ms) / DAY_MS)).toEqual([
      expect.closeTo(40, 0) as unknown,
      expect.closeTo(29, 0) as unknown,
    ]);
    expect(r.latest().map((p) => p.sensorId)).toEqual(['rain-1', 'rain-2']);
  });

  it('runs as the link service job with the configured horizons, and prunes old quarantine entries', async () => {
    const now = new Date('2025-06-01T00:00:00Z');
    const { core } = await startCore({
      demo: true,
      now: () => now,
      startDemoDistrict: null,
      config: (await import('../../electron/core/config/config')).parseConfig({ link: { rawRetentionDays: 1, hourlyRetentionDays: 2, quarantineRetentionDays: 1 } }),
    });
    const r = core.link.store.readings;
    r.record('s', now.getTime() - 0.5 * DAY_MS, 1);
    r.record('s', now.getTime() - 1.5 * DAY_MS, 2);
    r.record('s', now.getTime() - 3 * DAY_MS, 3);
    core.link.store.quarantine.add('e', { seq: 1, kind: 'x', itemId: 'x', reason: 'old', raw: {} }, new Date(now.getTime() - 2 * DAY_MS).toISOString());
    core.link.store.quarantine.add('e', { seq: 2, kind: 'x', itemId: 'y', reason: 'new', raw: {} }, now.toISOString());
    expect(await core.link.pruneNow()).toBe(4); // 2 raw, 1 hourly, 1 quarantine
    expect(core.db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 1 });
    expect(core.db.prepare('SELECT count(*) AS n FROM readings_hourly').get()).toEqual({ n: 2 });
    expect(core.link.store.quarantine.list().map((q) => q.reason)).toEqual(['new']);
  });
});
