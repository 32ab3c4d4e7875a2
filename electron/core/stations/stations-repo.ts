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
  source: 'builtin' | 'demo' | 'link';
  last_contact: string | null;
  duty_name: string | null;
  duty_phone: string | null;
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
    source: row.source,
    ...(row.last_contact ? { lastContact: row.last_contact } : {}),
    ...(row.duty_name !== null || row.duty_phone !== null ? { dutyPerson: { name: row.duty_name ?? '', phone: row.duty_phone ?? '' } } : {}),
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

  /**
   * Built-in and demo places, refreshed at every start. A place the district link has reported
   * (last_contact set) keeps the platform's name, position and hierarchy: the link is the newer
   * word on it, and the mirror must still equal the platform's state after a restart.
   */
  upsertMany(stations: Station[], now = new Date()): void {
    const at = now.toISOString();
    this.db.transaction(() => {
      stations.forEach((s, i) => {
        const source = s.source ?? (s.demo ? 'demo' : 'builtin');
        run(
          this.db,
          sql`INSERT INTO stations (code, name, level, parent_code, lat, lon, online, demo, note, sort_key, source, updated_at)
              VALUES (${s.code}, ${s.name}, ${s.level}, ${s.parentCode ?? null}, ${s.lat}, ${s.lon}, ${s.online}, ${s.demo}, ${s.note ?? null}, ${i}, ${source}, ${at})
              ON CONFLICT (code) DO UPDATE SET
                name = CASE WHEN stations.last_contact IS NULL THEN excluded.name ELSE stations.name END,
                level = CASE WHEN stations.last_contact IS NULL THEN excluded.level ELSE stations.level END,
                parent_code = CASE WHEN stations.last_contact IS NULL THEN excluded.parent_code ELSE stations.parent_code END,
                lat = CASE WHEN stations.last_contact IS NULL THEN excluded.lat ELSE stations.lat END,
                lon = CASE WHEN stations.last_contact IS NULL THEN excluded.lon ELSE stations.lon END,
                demo = excluded.demo, note = excluded.note, sort_key = excluded.sort_key, source = excluded.source,
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

  getMany(codes: readonly string[]): Station[] {
    if (codes.length === 0) return [];
    return all<StationRow>(this.db, sql`SELECT * FROM stations WHERE code IN (SELECT value FROM json_each(${JSON.stringify(codes)})) ORDER BY ${LEVEL_ORDER}, code`).map(
      toStation,
    );
  }

  setOnline(code: string, online: boolean, now = new Date()): Station | undefined {
    run(this.db, sql`UPDATE stations SET online = ${online}, updated_at = ${now.toISOString()} WHERE code = ${code}`);
    return this.get(code);
  }

  count(): number {
    return one<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM stations`)?.n ?? 0;
  }
}
