import type { Station, StationLevel } from '../../../shared/contract';
import type { Db } from '../db/database';
import { all, one, run } from '../db/database';
import { join, sql, type SqlQuery } from '../db/sql';

interface StationRow {
  code: string;
  name: string;
  level: StationLevel;
  parent_code: string | null;
  lat: number;
  lon: number;
  online: number;
  demo: number;
  note: string | null;
}

function toStation(row: StationRow): Station {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    ...(row.parent_code ? { parentCode: row.parent_code } : {}),
    lat: row.lat,
    lon: row.lon,
    online: row.online === 1,
    demo: row.demo === 1,
    ...(row.note ? { note: row.note } : {}),
  };
}

export interface StationFilter {
  level?: StationLevel | undefined;
  parentCode?: string | undefined;
  q?: string | undefined;
}

const LEVEL_ORDER = sql`CASE level WHEN 'district' THEN 0 WHEN 'town' THEN 1 ELSE 2 END`;

export class StationsRepo {
  constructor(private readonly db: Db) {}

  upsertMany(stations: Station[], now = new Date()): void {
    const at = now.toISOString();
    this.db.transaction(() => {
      stations.forEach((s, i) => {
        run(
          this.db,
          sql`INSERT INTO stations (code, name, level, parent_code, lat, lon, online, demo, note, sort_key, updated_at)
              VALUES (${s.code}, ${s.name}, ${s.level}, ${s.parentCode ?? null}, ${s.lat}, ${s.lon}, ${s.online}, ${s.demo}, ${s.note ?? null}, ${i}, ${at})
              ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
                lat = excluded.lat, lon = excluded.lon, demo = excluded.demo, note = excluded.note, sort_key = excluded.sort_key,
                updated_at = excluded.updated_at`,
        );
      });
    })();
  }

  list(filter: StationFilter = {}): Station[] {
    const where: SqlQuery[] = [sql`1 = 1`];
    if (filter.level) where.push(sql`level = ${filter.level}`);
    if (filter.parentCode) where.push(sql`parent_code = ${filter.parentCode}`);
    const q = filter.q?.trim();
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(sql`(name LIKE ${like} ESCAPE '\\' OR code LIKE ${like} ESCAPE '\\')`);
    }
    return all<StationRow>(this.db, sql`SELECT * FROM stations WHERE ${join(where, ' AND ')} ORDER BY ${LEVEL_ORDER}, code`).map(toStation);
  }

  get(code: string): Station | undefined {
    const row = one<StationRow>(this.db, sql`SELECT * FROM stations WHERE code = ${code}`);
    return row ? toStation(row) : undefined;
  }

  setOnline(code: string, online: boolean, now = new Date()): Station | undefined {
    run(this.db, sql`UPDATE stations SET online = ${online}, updated_at = ${now.toISOString()} WHERE code = ${code}`);
    return this.get(code);
  }

  count(): number {
    return one<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM stations`)?.n ?? 0;
  }
}
