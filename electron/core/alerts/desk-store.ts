/**
 * The desk's tables: desk alerts (one per CAP chain), the chain map, the timeline, saved filters.
 * SQL only; the rules of the lifecycle are in desk.ts.
 */
import type { AlertCounts, AlertEvent, AlertFilter, AlertsListParams, CapDocument, DeskAlert, DeskState, SavedAlertFilter } from '../../../shared/contract';
import { ALERT_LEVELS, OPEN_STATES } from '../../../shared/contract/alerts';
import type { Db } from '../db/database';
import { join, sql, type SqlQuery } from '../db/sql';
import { HallError } from '../api/errors';
import { allQ, oneQ, runQ } from '../mirror/statements';

export interface DeskRow {
  id: string;
  source: DeskAlert['source'];
  identifier: string;
  sender: string;
  level: DeskAlert['level'];
  type: string;
  town_code: string | null;
  station_code: string | null;
  sensor_id: string | null;
  headline: string;
  event: string;
  area_desc: string;
  cap_status: string;
  msg_type: string;
  first_sent: string;
  sent: string;
  sent_ms: number;
  state: DeskState;
  acked_by: string | null;
  acked_at: string | null;
  closed_by: string | null;
  closed_at: string | null;
  resolution: string | null;
  incident_id: string | null;
  rule_id: string | null;
  remind_stage: number;
  messages: number;
  cap: string;
  created_ms: number;
  updated_at: string;
}

export function toDeskAlert(r: DeskRow): DeskAlert {
  return {
    id: r.id,
    source: r.source,
    identifier: r.identifier,
    sender: r.sender,
    level: r.level,
    type: r.type,
    townCode: r.town_code,
    stationCode: r.station_code,
    sensorId: r.sensor_id,
    headline: r.headline,
    event: r.event,
    areaDesc: r.area_desc,
    capStatus: r.cap_status,
    msgType: r.msg_type,
    firstSent: r.first_sent,
    sent: r.sent,
    state: r.state,
    ackedBy: r.acked_by,
    ackedAt: r.acked_at,
    closedBy: r.closed_by,
    closedAt: r.closed_at,
    resolution: r.resolution,
    incidentId: r.incident_id,
    ruleId: r.rule_id,
    remindStage: r.remind_stage,
    messages: r.messages,
    updatedAt: r.updated_at,
  };
}

/** What the desk shows of a message: the columns of a desk row that come from the CAP content. */
export interface DeskContent {
  level: DeskAlert['level'];
  type: string;
  townCode: string | null;
  stationCode: string | null;
  sensorId: string | null;
  headline: string;
  event: string;
  areaDesc: string;
  capStatus: string;
  msgType: string;
  sent: string;
  sentMs: number;
  cap: CapDocument & { local?: unknown };
}

const many = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const inList = (column: string, values: readonly string[]): SqlQuery => ({
  text: `${column} IN (SELECT value FROM json_each(?))`,
  values: [JSON.stringify(values)],
});

/** LIKE with the user's text taken literally (no wildcards of their own). */
function likeText(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function filterWhere(f: AlertFilter): SqlQuery[] {
  const where: SqlQuery[] = [sql`1 = 1`];
  const pairs: [string, string[] | undefined][] = [
    ['state', many(f.state)],
    ['level', many(f.level)],
    ['type', many(f.type)],
    ['town_code', many(f.town)],
    ['source', many(f.source)],
  ];
  for (const [column, values] of pairs) if (values) where.push(inList(column, values));
  if (f.since) where.push(sql`sent_ms >= ${Date.parse(f.since)}`);
  if (f.until) where.push(sql`sent_ms < ${Date.parse(f.until)}`);
  const q = f.q?.trim();
  if (q) {
    const like = likeText(q);
    where.push(sql`(headline LIKE ${like} ESCAPE '\\' OR event LIKE ${like} ESCAPE '\\' OR area_desc LIKE ${like} ESCAPE '\\' OR identifier LIKE ${like} ESCAPE '\\')`);
  }
  return where;
}

function parseCursor(cursor: string): { ms: number; id: string } {
  const at = cursor.indexOf(':');
  const ms = Number(cursor.slice(0, at));
  if (at <= 0 || !Number.isInteger(ms)) throw new HallError('invalid_params', `alerts.list: cursor "${cursor}" is not one this console gave out`);
  return { ms, id: cursor.slice(at + 1) };
}

export class DeskStore {
  constructor(private readonly db: Db) {}

  get(id: string): DeskRow | undefined {
    return oneQ<DeskRow>(this.db, sql`SELECT * FROM desk_alerts WHERE id = ${id}`);
  }

  require(id: string): DeskRow {
    const row = this.get(id);
    if (!row) throw new HallError('not_found', `No alert "${id}"`);
    return row;
  }

  list(params: AlertsListParams): { items: DeskAlert[]; nextCursor: string | null; total: number } {
    const where = filterWhere(params);
    const total = oneQ<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM desk_alerts WHERE ${join(where, ' AND ')}`)!.n;
    if (params.cursor) {
      const c = parseCursor(params.cursor);
      where.push(sql`(sent_ms < ${c.ms} OR (sent_ms = ${c.ms} AND id < ${c.id}))`);
    }
    const limit = params.limit ?? 500;
    const rows = allQ<DeskRow>(this.db, sql`SELECT * FROM desk_alerts WHERE ${join(where, ' AND ')} ORDER BY sent_ms DESC, id DESC LIMIT ${limit + 1}`);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return { items: page.map(toDeskAlert), nextCursor: more && last ? `${last.sent_ms}:${last.id}` : null, total };
  }

  open(limit = 2000): DeskRow[] {
    return allQ<DeskRow>(this.db, sql`SELECT * FROM desk_alerts WHERE ${inList('state', OPEN_STATES)} ORDER BY sent_ms DESC LIMIT ${limit}`);
  }

  /** Open alerts the local rules raised for a sensor. */
  openRuleAlertsFor(sensorId: string): DeskRow[] {
    return allQ<DeskRow>(this.db, sql`SELECT * FROM desk_alerts WHERE sensor_id = ${sensorId} AND source = 'rule' AND ${inList('state', OPEN_STATES)}`);
  }

  counts(): AlertCounts {
    const rows = allQ<{ level: DeskAlert['level']; state: DeskState; n: number }>(
      this.db,
      sql`SELECT level, state, count(*) AS n FROM desk_alerts WHERE ${inList('state', OPEN_STATES)} GROUP BY level, state`,
    );
    const byLevel = Object.fromEntries(ALERT_LEVELS.map((l) => [l, 0])) as AlertCounts['byLevel'];
    let open = 0;
    let unacknowledged = 0;
    for (const r of rows) {
      byLevel[r.level] += r.n;
      open += r.n;
      if (r.state === 'new') unacknowledged += r.n;
    }
    return { open, unacknowledged, byLevel };
  }

  insert(id: string, source: DeskAlert['source'], c: DeskContent, extra: { ruleId?: string | null; now: Date }): void {
    runQ(
      this.db,
      sql`INSERT INTO desk_alerts (id, source, identifier, sender, level, type, town_code, station_code, sensor_id, headline, event, area_desc,
            cap_status, msg_type, first_sent, sent, sent_ms, rule_id, cap, created_ms, updated_at)
          VALUES (${id}, ${source}, ${c.cap.identifier}, ${c.cap.sender}, ${c.level}, ${c.type}, ${c.townCode}, ${c.stationCode}, ${c.sensorId},
            ${c.headline}, ${c.event}, ${c.areaDesc}, ${c.capStatus}, ${c.msgType}, ${c.sent}, ${c.sent}, ${c.sentMs}, ${extra.ruleId ?? null},
            ${JSON.stringify(c.cap)}, ${extra.now.getTime()}, ${extra.now.toISOString()})`,
    );
  }

  /** The chain's newer message becomes what the alert says. */
  setContent(id: string, c: DeskContent, now: Date): void {
    runQ(
      this.db,
      sql`UPDATE desk_alerts SET level = ${c.level}, type = ${c.type}, town_code = coalesce(${c.townCode}, town_code),
            station_code = coalesce(${c.stationCode}, station_code), sensor_id = coalesce(${c.sensorId}, sensor_id), headline = ${c.headline},
            event = ${c.event}, area_desc = ${c.areaDesc}, cap_status = ${c.capStatus}, msg_type = ${c.msgType}, sent = ${c.sent},
            sent_ms = ${c.sentMs}, cap = ${JSON.stringify(c.cap)}, updated_at = ${now.toISOString()}
          WHERE id = ${id}`,
    );
  }

  countMessages(id: string): void {
    runQ(this.db, sql`UPDATE desk_alerts SET messages = (SELECT count(*) FROM alert_chain WHERE desk_id = ${id}) WHERE id = ${id}`);
  }

  setState(id: string, state: DeskState, now: Date, fields: { ackedBy?: string; closedBy?: string; resolution?: string; incidentId?: string } = {}): void {
    const at = now.toISOString();
    runQ(
      this.db,
      sql`UPDATE desk_alerts SET state = ${state}, updated_at = ${at},
            acked_by = coalesce(acked_by, ${fields.ackedBy ?? null}), acked_at = CASE WHEN acked_at IS NULL AND ${fields.ackedBy ?? null} IS NOT NULL THEN ${at} ELSE acked_at END,
            closed_by = coalesce(${fields.closedBy ?? null}, closed_by), closed_at = CASE WHEN ${state} IN ('closed', 'cancelled') THEN ${at} ELSE closed_at END,
            resolution = coalesce(${fields.resolution ?? null}, resolution), incident_id = coalesce(${fields.incidentId ?? null}, incident_id)
          WHERE id = ${id}`,
    );
  }

  setRemindStage(id: string, stage: number): void {
    runQ(this.db, sql`UPDATE desk_alerts SET remind_stage = ${stage} WHERE id = ${id}`);
  }

  /** Unacknowledged orange/red alerts the desk has held since before `beforeMs` at a stage below `stage`. */
  dueReminders(stage: number, beforeMs: number): DeskRow[] {
    return allQ<DeskRow>(
      this.db,
      sql`SELECT * FROM desk_alerts WHERE state = 'new' AND level IN ('orange', 'red') AND remind_stage < ${stage} AND created_ms <= ${beforeMs} LIMIT 200`,
    );
  }

  // ---- the chain ----

  chainDeskId(sender: string, identifier: string): string | undefined {
    return oneQ<{ desk_id: string }>(this.db, sql`SELECT desk_id FROM alert_chain WHERE sender = ${sender} AND identifier = ${identifier}`)?.desk_id;
  }

  addToChain(sender: string, identifier: string, deskId: string, sent: string, msgType: string): void {
    runQ(
      this.db,
      sql`INSERT INTO alert_chain (sender, identifier, desk_id, sent, msg_type) VALUES (${sender}, ${identifier}, ${deskId}, ${sent}, ${msgType})
          ON CONFLICT (sender, identifier) DO NOTHING`,
    );
  }

  chain(deskId: string): { identifier: string; sender: string; sent: string; msgType: string }[] {
    return allQ<{ identifier: string; sender: string; sent: string; msg_type: string }>(
      this.db,
      sql`SELECT identifier, sender, sent, msg_type FROM alert_chain WHERE desk_id = ${deskId} ORDER BY sent, rowid`,
    ).map((r) => ({ identifier: r.identifier, sender: r.sender, sent: r.sent, msgType: r.msg_type }));
  }

  // ---- the timeline ----

  log(deskId: string, kind: AlertEvent['kind'], text: string, by: string | null, now: Date): void {
    runQ(this.db, sql`INSERT INTO alert_timeline (desk_id, at, by, kind, text) VALUES (${deskId}, ${now.toISOString()}, ${by}, ${kind}, ${text})`);
  }

  timeline(deskId: string): AlertEvent[] {
    return allQ<{ id: number; at: string; by: string | null; kind: AlertEvent['kind']; text: string }>(
      this.db,
      sql`SELECT id, at, by, kind, text FROM alert_timeline WHERE desk_id = ${deskId} ORDER BY id`,
    );
  }

  // ---- saved filters ----

  filters(username: string): SavedAlertFilter[] {
    return allQ<{ id: number; name: string; filter: string }>(this.db, sql`SELECT id, name, filter FROM alert_filters WHERE username = ${username} ORDER BY name`).map(
      (r) => ({ id: r.id, name: r.name, filter: JSON.parse(r.filter) as AlertFilter }),
    );
  }

  saveFilter(username: string, name: string, filter: AlertFilter): SavedAlertFilter {
    runQ(
      this.db,
      sql`INSERT INTO alert_filters (username, name, filter) VALUES (${username}, ${name}, ${JSON.stringify(filter)})
          ON CONFLICT (username, name) DO UPDATE SET filter = excluded.filter`,
    );
    return this.filters(username).find((f) => f.name === name)!;
  }

  /** Idempotent, like deleting a map view: a filter that is not (or no longer) there is gone. */
  deleteFilter(username: string, id: number): void {
    runQ(this.db, sql`DELETE FROM alert_filters WHERE id = ${id} AND username = ${username}`);
  }
}
