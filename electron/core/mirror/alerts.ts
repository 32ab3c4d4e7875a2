/**
 * Alerts held by the console. Those from the district link are mirrored CAP-shaped records
 * (source 'link'): the whole record as JSON plus the columns the alert desk filters on. The desk
 * (a later issue) builds the lifecycle on these rows; the link only ever touches source 'link'.
 */
import type { AlertRecord } from '../../../shared/contract';
import type { LinkAlert } from '../../../shared/district-link/protocol';
import type { Db } from '../db/database';
import { join, sql, type SqlQuery } from '../db/sql';
import { allQ, ms, oneQ, runQ } from './statements';

interface AlertRow {
  id: string;
  source: AlertRecord['source'];
  level: AlertRecord['level'];
  type: string;
  station_code: string | null;
  sensor_id: string | null;
  headline: string;
  sent: string;
  status: string;
  msg_type: string;
  cap: string;
  updated_at: string;
}

function toAlert(r: AlertRow): AlertRecord {
  return {
    id: r.id,
    source: r.source,
    level: r.level,
    type: r.type,
    stationCode: r.station_code,
    sensorId: r.sensor_id,
    headline: r.headline,
    sent: r.sent,
    status: r.status,
    msgType: r.msg_type,
    cap: JSON.parse(r.cap) as AlertRecord['cap'],
    updatedAt: r.updated_at,
  };
}

/** The first info's headline, else its event: what a list shows. */
export function alertHeadline(a: LinkAlert): string {
  const info = a.info[0];
  return info?.headline ?? info?.event ?? a.identifier;
}

export class AlertsRepo {
  constructor(private readonly db: Db) {}

  upsertFromLink(id: string, a: LinkAlert, now: string): void {
    runQ(
      this.db,
      sql`INSERT INTO alerts (id, source, level, type, station_code, sensor_id, headline, sent, sent_ms, status, msg_type, cap, updated_at)
          VALUES (${id}, 'link', ${a.local.level}, ${a.local.type}, ${a.local.stationCode ?? null}, ${a.local.sensorId ?? null}, ${alertHeadline(a)},
                  ${a.sent}, ${ms(a.sent)}, ${a.status}, ${a.msgType}, ${JSON.stringify(a)}, ${now})
          ON CONFLICT (id) DO UPDATE SET level = excluded.level, type = excluded.type, station_code = excluded.station_code,
            sensor_id = excluded.sensor_id, headline = excluded.headline, sent = excluded.sent, sent_ms = excluded.sent_ms,
            status = excluded.status, msg_type = excluded.msg_type, cap = excluded.cap, updated_at = excluded.updated_at
          WHERE alerts.source = 'link'`,
    );
  }

  deleteFromLink(id: string): void {
    runQ(this.db, sql`DELETE FROM alerts WHERE id = ${id} AND source = 'link'`);
  }

  deleteAllFromLink(): void {
    runQ(this.db, sql`DELETE FROM alerts WHERE source = 'link'`);
  }

  get(id: string): AlertRecord | undefined {
    const row = oneQ<AlertRow>(this.db, sql`SELECT * FROM alerts WHERE id = ${id}`);
    return row ? toAlert(row) : undefined;
  }

  list(filter: { level?: AlertRecord['level'] | undefined; stationCode?: string | undefined; limit?: number | undefined } = {}): AlertRecord[] {
    const where: SqlQuery[] = [sql`1 = 1`];
    if (filter.level) where.push(sql`level = ${filter.level}`);
    if (filter.stationCode) where.push(sql`station_code = ${filter.stationCode}`);
    return allQ<AlertRow>(this.db, sql`SELECT * FROM alerts WHERE ${join(where, ' AND ')} ORDER BY sent_ms DESC, id LIMIT ${filter.limit ?? 200}`).map(toAlert);
  }
}
