/** Cameras mirrored from the district link (stream URLs as the platform publishes them). */
import type { Camera } from '../../../shared/contract';
import type { LinkCamera } from '../../../shared/district-link/protocol';
import type { Db } from '../db/database';
import { join, sql, type SqlQuery } from '../db/sql';
import { allQ, runQ } from './statements';

interface CameraRow {
  id: string;
  name: string;
  station_code: string;
  lat: number;
  lon: number;
  online: number;
  ptz: number;
  codec: 'h264' | 'h265' | null;
  streams: string;
  updated_at: string;
}

function toCamera(r: CameraRow): Camera {
  return {
    id: r.id,
    name: r.name,
    stationCode: r.station_code,
    lat: r.lat,
    lon: r.lon,
    online: r.online === 1,
    ptz: r.ptz === 1,
    ...(r.codec ? { codec: r.codec } : {}),
    streams: JSON.parse(r.streams) as Camera['streams'],
    updatedAt: r.updated_at,
  };
}

export class CamerasRepo {
  constructor(private readonly db: Db) {}

  upsert(id: string, c: LinkCamera, at: string): void {
    runQ(
      this.db,
      sql`INSERT INTO cameras (id, name, station_code, lat, lon, online, ptz, codec, streams, updated_at)
          VALUES (${id}, ${c.name}, ${c.stationCode}, ${c.lat}, ${c.lon}, ${c.online}, ${c.ptz}, ${c.codec ?? null}, ${JSON.stringify(c.streams)}, ${at})
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, station_code = excluded.station_code, lat = excluded.lat, lon = excluded.lon,
            online = excluded.online, ptz = excluded.ptz, codec = excluded.codec, streams = excluded.streams, updated_at = excluded.updated_at`,
    );
  }

  delete(id: string): void {
    runQ(this.db, sql`DELETE FROM cameras WHERE id = ${id}`);
  }

  deleteAll(): void {
    runQ(this.db, sql`DELETE FROM cameras`);
  }

  list(filter: { stationCode?: string | undefined; online?: boolean | undefined } = {}): Camera[] {
    const where: SqlQuery[] = [sql`1 = 1`];
    if (filter.stationCode) where.push(sql`station_code = ${filter.stationCode}`);
    if (filter.online !== undefined) where.push(sql`online = ${filter.online}`);
    return allQ<CameraRow>(this.db, sql`SELECT * FROM cameras WHERE ${join(where, ' AND ')} ORDER BY station_code, name, id`).map(toCamera);
  }
}
