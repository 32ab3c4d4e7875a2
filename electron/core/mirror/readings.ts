/**
 * Sensor readings: raw values, hourly min/max/sum/n and the latest value per sensor, all kept
 * in step in the caller's transaction. Recording the same reading twice changes nothing; a
 * reading re-sent with another value replaces it and its hour is recomputed from the raw rows.
 * (A repeat of a reading older than the raw retention, whose raw row is gone, would count twice
 * in its hour: the platform only re-sends within minutes, the retention is 30 days.)
 */
import type { ReadingPoint, ReadingRange } from '../../../shared/contract';
import type { Db } from '../db/database';
import { sql } from '../db/sql';
import { allQ, oneQ, runQ } from './statements';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** A range answer never holds more points than this (a month of one-minute readings fits). */
export const MAX_RANGE_POINTS = 50_000;

const hourOf = (atMs: number) => Math.floor(atMs / HOUR_MS) * HOUR_MS;
const iso = (atMs: number) => new Date(atMs).toISOString();

export type RecordOutcome = 'new' | 'changed' | 'same';

export class ReadingsRepo {
  constructor(private readonly db: Db) {}

  record(sensorId: string, atMs: number, value: number): RecordOutcome {
    const inserted = runQ(this.db, sql`INSERT INTO readings (sensor_id, at_ms, value) VALUES (${sensorId}, ${atMs}, ${value}) ON CONFLICT DO NOTHING`).changes === 1;
    let outcome: RecordOutcome = 'new';
    if (inserted) {
      runQ(
        this.db,
        sql`INSERT INTO readings_hourly (sensor_id, hour_ms, min, max, sum, n) VALUES (${sensorId}, ${hourOf(atMs)}, ${value}, ${value}, ${value}, 1)
            ON CONFLICT (sensor_id, hour_ms) DO UPDATE SET min = min(readings_hourly.min, excluded.min), max = max(readings_hourly.max, excluded.max),
              sum = readings_hourly.sum + excluded.sum, n = readings_hourly.n + 1`,
      );
    } else {
      const updated = runQ(this.db, sql`UPDATE readings SET value = ${value} WHERE sensor_id = ${sensorId} AND at_ms = ${atMs} AND value <> ${value}`).changes;
      if (updated === 0) outcome = 'same';
      else {
        outcome = 'changed';
        this.recomputeHour(sensorId, hourOf(atMs));
      }
    }
    if (outcome !== 'same') {
      runQ(
        this.db,
        sql`INSERT INTO readings_latest (sensor_id, at_ms, value) VALUES (${sensorId}, ${atMs}, ${value})
            ON CONFLICT (sensor_id) DO UPDATE SET at_ms = excluded.at_ms, value = excluded.value WHERE excluded.at_ms >= readings_latest.at_ms`,
      );
    }
    return outcome;
  }

  /** A reading withdrawn by the platform (kind 'reading', op 'delete'). */
  remove(sensorId: string, atMs: number): void {
    if (runQ(this.db, sql`DELETE FROM readings WHERE sensor_id = ${sensorId} AND at_ms = ${atMs}`).changes === 0) return;
    this.recomputeHour(sensorId, hourOf(atMs));
    const latest = oneQ<{ at_ms: number }>(this.db, sql`SELECT at_ms FROM readings_latest WHERE sensor_id = ${sensorId}`);
    if (latest?.at_ms === atMs) this.recomputeLatest(sensorId);
  }

  private recomputeHour(sensorId: string, hourMs: number): void {
    const agg = oneQ<{ mn: number | null; mx: number | null; sm: number | null; n: number }>(
      this.db,
      sql`SELECT min(value) AS mn, max(value) AS mx, sum(value) AS sm, count(*) AS n FROM readings
          WHERE sensor_id = ${sensorId} AND at_ms >= ${hourMs} AND at_ms < ${hourMs + HOUR_MS}`,
    );
    if (!agg || agg.n === 0) {
      runQ(this.db, sql`DELETE FROM readings_hourly WHERE sensor_id = ${sensorId} AND hour_ms = ${hourMs}`);
      return;
    }
    runQ(
      this.db,
      sql`INSERT INTO readings_hourly (sensor_id, hour_ms, min, max, sum, n) VALUES (${sensorId}, ${hourMs}, ${agg.mn}, ${agg.mx}, ${agg.sm}, ${agg.n})
          ON CONFLICT (sensor_id, hour_ms) DO UPDATE SET min = excluded.min, max = excluded.max, sum = excluded.sum, n = excluded.n`,
    );
  }

  /** The latest value of a sensor from its raw rows (after a withdrawal or a snapshot). */
  recomputeLatest(sensorId: string): void {
    const row = oneQ<{ at_ms: number; value: number }>(this.db, sql`SELECT at_ms, value FROM readings WHERE sensor_id = ${sensorId} ORDER BY at_ms DESC LIMIT 1`);
    if (row) runQ(this.db, sql`INSERT OR REPLACE INTO readings_latest (sensor_id, at_ms, value) VALUES (${sensorId}, ${row.at_ms}, ${row.value})`);
    else runQ(this.db, sql`DELETE FROM readings_latest WHERE sensor_id = ${sensorId}`);
  }

  /** Set the latest value outright (a snapshot's newest reading is the platform's word). */
  setLatest(sensorId: string, atMs: number, value: number): void {
    runQ(this.db, sql`INSERT OR REPLACE INTO readings_latest (sensor_id, at_ms, value) VALUES (${sensorId}, ${atMs}, ${value})`);
  }

  /** A sensor that is gone takes its readings with it. */
  deleteSensor(sensorId: string): void {
    runQ(this.db, sql`DELETE FROM readings WHERE sensor_id = ${sensorId}`);
    runQ(this.db, sql`DELETE FROM readings_hourly WHERE sensor_id = ${sensorId}`);
    runQ(this.db, sql`DELETE FROM readings_latest WHERE sensor_id = ${sensorId}`);
  }

  /** Sensor ids that have any reading (raw, hourly or latest). */
  sensorIdsWithReadings(): string[] {
    return allQ<{ id: string }>(
      this.db,
      sql`SELECT sensor_id AS id FROM readings_latest UNION SELECT DISTINCT sensor_id FROM readings_hourly UNION SELECT DISTINCT sensor_id FROM readings`,
    ).map((r) => r.id);
  }

  latest(sensorIds?: readonly string[]): ReadingPoint[] {
    const rows = sensorIds
      ? allQ<{ sensor_id: string; at_ms: number; value: number }>(
          this.db,
          sql`SELECT * FROM readings_latest WHERE sensor_id IN (SELECT value FROM json_each(${JSON.stringify(sensorIds)})) ORDER BY sensor_id`,
        )
      : allQ<{ sensor_id: string; at_ms: number; value: number }>(this.db, sql`SELECT * FROM readings_latest ORDER BY sensor_id`);
    return rows.map((r) => ({ sensorId: r.sensor_id, value: r.value, at: iso(r.at_ms) }));
  }

  range(sensorId: string, fromMs: number, toMs: number, bucket: 'raw' | 'hour'): ReadingRange {
    if (bucket === 'raw') {
      const rows = allQ<{ at_ms: number; value: number }>(
        this.db,
        sql`SELECT at_ms, value FROM readings WHERE sensor_id = ${sensorId} AND at_ms >= ${fromMs} AND at_ms <= ${toMs} ORDER BY at_ms LIMIT ${MAX_RANGE_POINTS}`,
      );
      return { sensorId, bucket, points: rows.map((r) => ({ at: iso(r.at_ms), value: r.value })) };
    }
    const rows = allQ<{ hour_ms: number; min: number; max: number; sum: number; n: number }>(
      this.db,
      sql`SELECT hour_ms, min, max, sum, n FROM readings_hourly WHERE sensor_id = ${sensorId} AND hour_ms >= ${hourOf(fromMs)} AND hour_ms <= ${toMs}
          ORDER BY hour_ms LIMIT ${MAX_RANGE_POINTS}`,
    );
    return { sensorId, bucket, points: rows.map((r) => ({ at: iso(r.hour_ms), value: r.sum / r.n, min: r.min, max: r.max, n: r.n })) };
  }

  /**
   * Deletes at most `chunk` expired rows (raw first, then hourly) and returns how many, so a
   * periodic job can prune a large backlog in slices without holding the database for long.
   */
  pruneSlice(nowMs: number, rawRetentionDays: number, hourlyRetentionDays: number, chunk = 5_000): number {
    const rawCutoff = nowMs - rawRetentionDays * DAY_MS;
    const hourCutoff = nowMs - hourlyRetentionDays * DAY_MS;
    return this.db.transaction(() => {
      let n = runQ(
        this.db,
        sql`DELETE FROM readings WHERE (sensor_id, at_ms) IN (SELECT sensor_id, at_ms FROM readings WHERE at_ms < ${rawCutoff} LIMIT ${chunk})`,
      ).changes;
      if (n < chunk) {
        n += runQ(
          this.db,
          sql`DELETE FROM readings_hourly WHERE (sensor_id, hour_ms) IN
                (SELECT sensor_id, hour_ms FROM readings_hourly WHERE hour_ms < ${hourCutoff} LIMIT ${chunk - n})`,
        ).changes;
      }
      return n;
    })();
  }
}
