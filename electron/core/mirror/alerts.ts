/**
 * Alerts held by the console. Those from the district link are mirrored CAP-shaped records
 * (source 'link'): the whole record as JSON plus the columns the alert desk filters on. The desk
 * (a later issue) builds the lifecycle on these rows; the link only ever touches source 'link'.
 */
import type { AlertRecord, CapDocument } from '../../../shared/contract';
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
    // A message whose content changes is detached so the desk attaches it again and shows the change.
    const cap = JSON.stringify(a);
    runQ(
      this.db,
      sql`INSERT INTO alerts (id, source, level, type, station_code, sensor_id, headline, sent, sent_ms, status, msg_type, cap, updated_at, identifier, sender)
          VALUES (${id}, 'link', ${a.local.level}, ${a.local.type}, ${a.local.stationCode ?? null}, ${a.local.sensorId ?? null}, ${alertHeadline(a)},
                  ${a.sent}, ${ms(a.sent)}, ${a.status}, ${a.msgType}, ${cap}, ${now}, ${a.identifier}, ${a.sender})
          ON CONFLICT (id) DO UPDATE SET level = excluded.level, type = excluded.type, station_code = excluded.station_code,
            sensor_id = excluded.sensor_id, headline = excluded.headline, sent = excluded.sent, sent_ms = excluded.sent_ms,
            status = excluded.status, msg_type = excluded.msg_type, cap = excluded.cap, updated_at = excluded.updated_at,
            identifier = excluded.identifier, sender = excluded.sender,
            desk_id = CASE WHEN alerts.cap = excluded.cap THEN alerts.desk_id ELSE NULL END
          WHERE alerts.source = 'link'`,
    );
  }

  /**
   * A message the console makes or receives itself (CAP import, local rule, manual entry): kept
   * with the link's so the desk attaches every message the same way.
   */
  insertLocal(id: string, source: Exclude<AlertRecord['source'], 'link'>, doc: CapDocument, local: LinkAlert['local'], now: string): void {
    const info = doc.info[0];
    runQ(
      this.db,
      sql`INSERT INTO alerts (id, source, level, type, station_code, sensor_id, headline, sent, sent_ms, status, msg_type, cap, updated_at, identifier, sender)
          VALUES (${id}, ${source}, ${local.level}, ${local.type}, ${local.stationCode ?? null}, ${local.sensorId ?? null},
                  ${info?.headline ?? info?.event ?? doc.identifier}, ${doc.sent}, ${ms(doc.sent)}, ${doc.status}, ${doc.msgType},
                  ${JSON.stringify({ ...doc, local })}, ${now}, ${doc.identifier}, ${doc.sender})`,
    );
  }

  /** Messages the desk has not attached yet, oldest first (so an Alert comes before its Updates). */
  unattached(limit: number): (AlertRecord & { identifier: string; sender: string })[] {
    return allQ<AlertRow & { identifier: string; sender: string }>(
      this.db,
      sql`SELECT * FROM alerts WHERE desk_id IS NULL ORDER BY sent_ms, rowid LIMIT ${limit}`,
    ).map((r) => ({ ...toAlert(r), identifier: r.identifier, sender: r.sender }));
  }

  setDeskId(id: string, deskId: string): void {
    runQ(this.db, sql`UPDATE alerts SET desk_id = ${deskId} WHERE id = ${id}`);
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
