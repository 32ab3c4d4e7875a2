/** Sensors mirrored from the district link, with their 汛限/警戒 thresholds. */
import type { Sensor } from '../../../shared/contract';
import type { LinkSensor } from '../../../shared/district-link/protocol';
import type { Db } from '../db/database';
import { join, sql, type SqlQuery } from '../db/sql';
import { allQ, runQ } from './statements';

interface SensorRow {
  id: string;
  name: string;
  station_code: string;
  type: Sensor['type'];
  lat: number;
  lon: number;
  unit: string;
  warn: number | null;
  danger: number | null;
  updated_at: string;
}

function toSensor(r: SensorRow): Sensor {
  const thresholds = r.warn !== null || r.danger !== null ? { ...(r.warn !== null ? { warn: r.warn } : {}), ...(r.danger !== null ? { danger: r.danger } : {}) } : undefined;
  return {
    id: r.id,
    name: r.name,
    stationCode: r.station_code,
    type: r.type,
    lat: r.lat,
    lon: r.lon,
    unit: r.unit,
    ...(thresholds ? { thresholds } : {}),
    updatedAt: r.updated_at,
  };
}

export class SensorsRepo {
  constructor(private readonly db: Db) {}

  upsert(id: string, s: LinkSensor, at: string): void {
    runQ(
      this.db,
      sql`INSERT INTO sensors (id, name, station_code, type, lat, lon, unit, warn, danger, updated_at)
          VALUES (${id}, ${s.name}, ${s.stationCode}, ${s.type}, ${s.lat}, ${s.lon}, ${s.unit}, ${s.thresholds?.warn ?? null}, ${s.thresholds?.danger ?? null}, ${at})
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, station_code = excluded.station_code, type = excluded.type, lat = excluded.lat,
            lon = excluded.lon, unit = excluded.unit, warn = excluded.warn, danger = excluded.danger, updated_at = excluded.updated_at`,
    );
  }

  delete(id: string): void {
    runQ(this.db, sql`DELETE FROM sensors WHERE id = ${id}`);
  }

  ids(): string[] {
    return allQ<{ id: string }>(this.db, sql`SELECT id FROM sensors`).map((r) => r.id);
  }

  deleteAll(): void {
    runQ(this.db, sql`DELETE FROM sensors`);
  }

  list(filter: { stationCode?: string | undefined; type?: Sensor['type'] | undefined } = {}): Sensor[] {
    const where: SqlQuery[] = [sql`1 = 1`];
    if (filter.stationCode) where.push(sql`station_code = ${filter.stationCode}`);
    if (filter.type) where.push(sql`type = ${filter.type}`);
    return allQ<SensorRow>(this.db, sql`SELECT * FROM sensors WHERE ${join(where, ' AND ')} ORDER BY station_code, type, name, id`).map(toSensor);
  }
}
