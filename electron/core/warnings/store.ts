/**
 * SQL for warnings, their deliveries and event log, and the EBM id sequence. A warning's record
 * is one JSON body (the contract's Warning without the counts) plus the columns queries need;
 * deliveries are rows, because the engine moves them one by one and must find them after a crash.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, Delivery, DeliveryCounts, DeliveryState, Warning, WarningEvent, WarningStatus } from '../../../shared/contract/warnings';
import type { Db } from '../db/database';
import { sql, join } from '../db/sql';
import { allQ, oneQ, runQ } from '../mirror/statements';
import type { EbmSequenceState } from '../devices/ebm';
import { emptyCounts } from './rules';

export type WarningRecord = Omit<Warning, 'counts'>;

interface WarningRow {
  id: string;
  body: string;
}

export interface DeliveryRow {
  id: string;
  warning_id: string;
  channel: Channel;
  device_id: string | null;
  target: string;
  target_name: string;
  station_code: string | null;
  town_code: string | null;
  contact_id: string | null;
  escalated: number;
  state: DeliveryState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  refs: string;
  confirm_by: number | null;
  sent_at: string | null;
  confirmed_at: string | null;
  updated_at: string;
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    warningId: r.warning_id,
    channel: r.channel,
    deviceId: r.device_id,
    target: r.target,
    targetName: r.target_name,
    stationCode: r.station_code,
    townCode: r.town_code,
    contactId: r.contact_id,
    escalated: r.escalated === 1,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
    sentAt: r.sent_at,
    confirmedAt: r.confirmed_at,
    updatedAt: r.updated_at,
  };
}

export interface NewDelivery {
  channel: Channel;
  deviceId: string | null;
  target: string;
  targetName: string;
  stationCode: string | null;
  townCode: string | null;
  contactId: string | null;
  escalated?: boolean;
}

export class WarningsStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  insert(w: WarningRecord): void {
    runQ(
      this.db,
      sql`INSERT INTO warnings (id, ebm_id, msg_type, refs, status, body, created_by, created_at, updated_at)
          VALUES (${w.id}, ${w.ebmId}, ${w.msgType}, ${w.references}, ${w.status}, ${JSON.stringify(w)}, ${w.createdBy}, ${w.createdAt}, ${w.updatedAt})`,
    );
  }

  save(w: WarningRecord): void {
    runQ(this.db, sql`UPDATE warnings SET status = ${w.status}, body = ${JSON.stringify(w)}, updated_at = ${w.updatedAt} WHERE id = ${w.id}`);
  }

  get(id: string): WarningRecord | undefined {
    const r = oneQ<WarningRow>(this.db, sql`SELECT id, body FROM warnings WHERE id = ${id}`);
    return r && (JSON.parse(r.body) as WarningRecord);
  }

  byEbm(ebmId: string): WarningRecord | undefined {
    const r = oneQ<WarningRow>(this.db, sql`SELECT id, body FROM warnings WHERE ebm_id = ${ebmId}`);
    return r && (JSON.parse(r.body) as WarningRecord);
  }

  list(statuses: readonly WarningStatus[] | undefined, limit: number): WarningRecord[] {
    const where = statuses && statuses.length > 0 ? join(statuses.map((s) => sql`${s}`), ', ') : null;
    const q = where
      ? sql`SELECT id, body FROM warnings WHERE status IN (${where}) ORDER BY created_at DESC, rowid DESC LIMIT ${limit}`
      : sql`SELECT id, body FROM warnings ORDER BY created_at DESC, rowid DESC LIMIT ${limit}`;
    return allQ<WarningRow>(this.db, q).map((r) => JSON.parse(r.body) as WarningRecord);
  }

  withStatus(status: WarningStatus): WarningRecord[] {
    return allQ<WarningRow>(this.db, sql`SELECT id, body FROM warnings WHERE status = ${status} ORDER BY created_at`).map((r) => JSON.parse(r.body) as WarningRecord);
  }

  event(warningId: string, kind: string, text: string, by: string | null): void {
    runQ(this.db, sql`INSERT INTO warning_events (warning_id, at, by, kind, text) VALUES (${warningId}, ${this.now().toISOString()}, ${by}, ${kind}, ${text})`);
  }

  events(warningId: string): WarningEvent[] {
    return allQ<WarningEvent>(this.db, sql`SELECT at, by, kind, text FROM warning_events WHERE warning_id = ${warningId} ORDER BY seq`);
  }

  // ---- deliveries -------------------------------------------------------------------------

  /** Adds deliveries (a target already in the warning on that channel is skipped); returns how many were new. */
  addDeliveries(warningId: string, list: readonly NewDelivery[]): number {
    const at = this.now().toISOString();
    const dueAt = this.now().getTime();
    let added = 0;
    for (const d of list) {
      added += runQ(
        this.db,
        sql`INSERT OR IGNORE INTO deliveries (id, warning_id, channel, device_id, target, target_name, station_code, town_code, contact_id, escalated, state, next_attempt_at, updated_at)
            VALUES (${randomUUID()}, ${warningId}, ${d.channel}, ${d.deviceId}, ${d.target}, ${d.targetName}, ${d.stationCode}, ${d.townCode}, ${d.contactId}, ${d.escalated ? 1 : 0}, 'queued', ${dueAt}, ${at})`,
      ).changes;
    }
    return added;
  }

  deliveries(warningId: string): Delivery[] {
    return this.deliveryRows(warningId).map(toDelivery);
  }

  deliveryRows(warningId: string): DeliveryRow[] {
    return allQ<DeliveryRow>(this.db, sql`SELECT * FROM deliveries WHERE warning_id = ${warningId} ORDER BY channel, town_code, target`);
  }

  delivery(id: string): DeliveryRow | undefined {
    return oneQ<DeliveryRow>(this.db, sql`SELECT * FROM deliveries WHERE id = ${id}`);
  }

  /** Queued deliveries due now, oldest first. */
  due(nowMs: number, limit: number): DeliveryRow[] {
    return allQ<DeliveryRow>(
      this.db,
      sql`SELECT d.* FROM deliveries d JOIN warnings w ON w.id = d.warning_id
          WHERE d.state = 'queued' AND w.status = 'releasing' AND d.next_attempt_at <= ${nowMs}
          ORDER BY d.next_attempt_at, d.rowid LIMIT ${limit}`,
    );
  }

  nextDueAt(): number | null {
    const r = oneQ<{ t: number | null }>(
      this.db,
      sql`SELECT min(d.next_attempt_at) AS t FROM deliveries d JOIN warnings w ON w.id = d.warning_id WHERE d.state = 'queued' AND w.status = 'releasing'`,
    );
    return r?.t ?? null;
  }

  /** Sent and waiting: an SMS part reference from this modem, newest first. */
  sentSmsByRef(deviceId: string, reference: number): DeliveryRow[] {
    return allQ<DeliveryRow>(
      this.db,
      sql`SELECT * FROM deliveries WHERE channel = 'sms' AND device_id = ${deviceId} AND state = 'sent'
            AND EXISTS (SELECT 1 FROM json_each(refs) WHERE json_extract(value, '$.mr') = ${reference})
          ORDER BY sent_at DESC`,
    );
  }

  byTarget(warningId: string, channel: Channel, target: string): DeliveryRow | undefined {
    return oneQ<DeliveryRow>(this.db, sql`SELECT * FROM deliveries WHERE warning_id = ${warningId} AND channel = ${channel} AND target = ${target}`);
  }

  update(id: string, changes: Partial<Pick<DeliveryRow, 'state' | 'attempts' | 'last_error' | 'next_attempt_at' | 'refs' | 'confirm_by' | 'sent_at' | 'confirmed_at' | 'device_id'>>): void {
    const sets = Object.entries(changes).map(([k, v]) => sql`${rawName(k)} = ${v}`);
    sets.push(sql`updated_at = ${this.now().toISOString()}`);
    runQ(this.db, sql`UPDATE deliveries SET ${join(sets, ', ')} WHERE id = ${id}`);
  }

  /** After a restart: what was being sent when the console stopped goes back to the queue. */
  requeueSending(): number {
    return runQ(this.db, sql`UPDATE deliveries SET state = 'queued', updated_at = ${this.now().toISOString()} WHERE state = 'sending'`).changes;
  }

  cancelOpen(warningId: string, reason: string): number {
    return runQ(
      this.db,
      sql`UPDATE deliveries SET state = 'cancelled', last_error = ${reason}, updated_at = ${this.now().toISOString()} WHERE warning_id = ${warningId} AND state IN ('queued', 'sending')`,
    ).changes;
  }

  counts(warningId: string): DeliveryCounts {
    const c = emptyCounts();
    for (const r of allQ<{ state: DeliveryState; n: number }>(this.db, sql`SELECT state, count(*) AS n FROM deliveries WHERE warning_id = ${warningId} GROUP BY state`)) {
      c[r.state] = r.n;
      c.total += r.n;
    }
    return c;
  }

  countsByChannel(warningId: string): Record<string, DeliveryCounts> {
    const out: Record<string, DeliveryCounts> = {};
    for (const r of allQ<{ channel: string; state: DeliveryState; n: number }>(
      this.db,
      sql`SELECT channel, state, count(*) AS n FROM deliveries WHERE warning_id = ${warningId} GROUP BY channel, state`,
    )) {
      const c = (out[r.channel] ??= emptyCounts());
      c[r.state] = r.n;
      c.total += r.n;
    }
    return out;
  }

  /** Sent deliveries still inside their confirmation window. */
  waitingForConfirmation(warningId: string, nowMs: number): number {
    return oneQ<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM deliveries WHERE warning_id = ${warningId} AND state = 'sent' AND (confirm_by IS NULL OR confirm_by > ${nowMs})`)!.n;
  }

  // ---- EBM sequence -----------------------------------------------------------------------

  ebmState(): EbmSequenceState | null {
    return oneQ<EbmSequenceState>(this.db, sql`SELECT day, sequence FROM ebm_sequence WHERE id = 1`) ?? null;
  }

  saveEbmState(s: EbmSequenceState): void {
    runQ(this.db, sql`INSERT INTO ebm_sequence (id, day, sequence) VALUES (1, ${s.day}, ${s.sequence}) ON CONFLICT (id) DO UPDATE SET day = excluded.day, sequence = excluded.sequence`);
  }
}

const COLUMN_NAMES = new Set(['state', 'attempts', 'last_error', 'next_attempt_at', 'refs', 'confirm_by', 'sent_at', 'confirmed_at', 'device_id']);
function rawName(name: string) {
  if (!COLUMN_NAMES.has(name)) throw new Error(`not a delivery column: ${name}`);
  return { text: name, values: [] };
}
