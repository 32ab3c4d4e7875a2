/**
 * SQL for what operators record in the field: tasks for teams, evacuation per village and loss
 * reports per town (each a new time-stamped row; the latest per town is what counts), with the
 * totals the decision room shows.
 */
import type { EvacuationRecord, EvacuationStatus, EvacuationSummary, IncidentTask, LossFields, LossReport, LossSummary } from '../../../shared/contract';
import { LossFields as LossFieldsSchema } from '../../../shared/contract';
import { all, one, run, type Db } from '../db/database';
import { sql } from '../db/sql';

type Place = { name: string; lat: number; lon: number } | undefined;

interface TaskRow {
  id: string;
  incident_id: string;
  title: string;
  detail: string;
  assignee: string;
  station_code: string | null;
  due_at: string | null;
  status: IncidentTask['status'];
  created_by: string;
  created_at: string;
  updated_at: string;
}

export function isOverdue(t: { status: IncidentTask['status']; dueAt: string | null }, nowMs: number): boolean {
  return (t.status === 'open' || t.status === 'in-progress') && t.dueAt !== null && Date.parse(t.dueAt) < nowMs;
}

function toTask(r: TaskRow, nowMs: number): IncidentTask {
  const base = { status: r.status, dueAt: r.due_at };
  return {
    id: r.id,
    incidentId: r.incident_id,
    title: r.title,
    detail: r.detail,
    assignee: r.assignee,
    stationCode: r.station_code,
    dueAt: r.due_at,
    status: r.status,
    overdue: isOverdue(base, nowMs),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

interface EvacuationRow {
  station_code: string;
  town_code: string;
  to_move: number;
  moved: number;
  shelter: string;
  status: EvacuationStatus;
  updated_at: string;
  updated_by: string;
}

interface LossRow {
  id: string;
  town_code: string;
  at: string;
  by: string;
  note: string;
  fields: string;
}

const LOSS_KEYS = Object.keys(LossFieldsSchema.shape) as (keyof LossFields)[];

export function emptyLosses(): LossFields {
  return LossFieldsSchema.parse({});
}

export class RecordsStore {
  constructor(private readonly db: Db) {}

  // ---- tasks ----

  task(incidentId: string, id: string, nowMs: number): IncidentTask | undefined {
    const row = one<TaskRow>(this.db, sql`SELECT * FROM incident_tasks WHERE incident_id = ${incidentId} AND id = ${id}`);
    return row ? toTask(row, nowMs) : undefined;
  }

  taskExists(id: string): boolean {
    return one(this.db, sql`SELECT 1 AS x FROM incident_tasks WHERE id = ${id}`) !== undefined;
  }

  /** Overdue first, then by due time (none last), then oldest first. */
  tasks(incidentId: string, nowMs: number): IncidentTask[] {
    const list = all<TaskRow>(this.db, sql`SELECT * FROM incident_tasks WHERE incident_id = ${incidentId} ORDER BY created_at, id`).map((r) => toTask(r, nowMs));
    const rank = (t: IncidentTask) => (t.overdue ? 0 : t.status === 'open' || t.status === 'in-progress' ? 1 : 2);
    const due = (t: IncidentTask) => (t.dueAt ? Date.parse(t.dueAt) : Number.MAX_SAFE_INTEGER);
    return list.sort((a, b) => rank(a) - rank(b) || due(a) - due(b));
  }

  upsertTask(t: IncidentTask): void {
    run(
      this.db,
      sql`INSERT INTO incident_tasks (id, incident_id, title, detail, assignee, station_code, due_at, status, created_by, created_at, updated_at)
          VALUES (${t.id}, ${t.incidentId}, ${t.title}, ${t.detail}, ${t.assignee}, ${t.stationCode}, ${t.dueAt}, ${t.status}, ${t.createdBy}, ${t.createdAt}, ${t.updatedAt})
          ON CONFLICT (id) DO UPDATE SET title = excluded.title, detail = excluded.detail, assignee = excluded.assignee, station_code = excluded.station_code,
            due_at = excluded.due_at, status = excluded.status, updated_at = excluded.updated_at`,
    );
  }

  // ---- evacuation ----

  saveEvacuation(incidentId: string, r: { stationCode: string; townCode: string; toMove: number; moved: number; shelter: string; status: EvacuationStatus }, at: string, by: string): void {
    run(
      this.db,
      sql`INSERT INTO incident_evacuation (incident_id, station_code, town_code, to_move, moved, shelter, status, updated_at, updated_by)
          VALUES (${incidentId}, ${r.stationCode}, ${r.townCode}, ${r.toMove}, ${r.moved}, ${r.shelter}, ${r.status}, ${at}, ${by})
          ON CONFLICT (incident_id, station_code) DO UPDATE SET to_move = excluded.to_move, moved = excluded.moved, shelter = excluded.shelter,
            status = excluded.status, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
  }

  /** Villages with their records, towns with totals; a drill's numbers are not real people and stay out of the totals. */
  evacuation(incidentId: string, place: (code: string) => Place): EvacuationSummary {
    const rows = all<EvacuationRow>(this.db, sql`SELECT * FROM incident_evacuation WHERE incident_id = ${incidentId} ORDER BY town_code, station_code`);
    const records: EvacuationRecord[] = rows.map((r) => {
      const p = place(r.station_code);
      return {
        stationCode: r.station_code,
        stationName: p?.name ?? r.station_code,
        townCode: r.town_code,
        toMove: r.to_move,
        moved: r.moved,
        shelter: r.shelter,
        status: r.status,
        updatedAt: r.updated_at,
        updatedBy: r.updated_by,
        lat: p?.lat ?? null,
        lon: p?.lon ?? null,
      };
    });
    const towns = new Map<string, { townCode: string; townName: string; toMove: number; moved: number; villages: number }>();
    const totals = { toMove: 0, moved: 0, villages: 0 };
    for (const r of records) {
      if (r.status === 'drill') continue;
      let t = towns.get(r.townCode);
      if (!t) towns.set(r.townCode, (t = { townCode: r.townCode, townName: place(r.townCode)?.name ?? r.townCode, toMove: 0, moved: 0, villages: 0 }));
      t.toMove += r.toMove;
      t.moved += r.moved;
      t.villages += 1;
      totals.toMove += r.toMove;
      totals.moved += r.moved;
      totals.villages += 1;
    }
    return { records, byTown: [...towns.values()], totals };
  }

  // ---- losses ----

  addLoss(incidentId: string, r: { id: string; townCode: string; at: string; by: string; note: string; fields: LossFields }): void {
    run(
      this.db,
      sql`INSERT INTO incident_losses (id, incident_id, town_code, at, by, note, fields) VALUES (${r.id}, ${incidentId}, ${r.townCode}, ${r.at}, ${r.by}, ${r.note}, ${JSON.stringify(r.fields)})`,
    );
  }

  losses(incidentId: string, townName: (code: string) => string): LossSummary {
    const rows = all<LossRow & { seq: number }>(this.db, sql`SELECT *, rowid AS seq FROM incident_losses WHERE incident_id = ${incidentId} ORDER BY at DESC, rowid DESC`);
    const reports: LossReport[] = rows.map((r) => ({
      ...emptyLosses(),
      ...(JSON.parse(r.fields) as Partial<LossFields>),
      id: r.id,
      townCode: r.town_code,
      townName: townName(r.town_code),
      at: r.at,
      by: r.by,
      note: r.note,
    }));
    const latest = new Map<string, LossReport>();
    for (const r of reports) if (!latest.has(r.townCode)) latest.set(r.townCode, r);
    const byTown = [...latest.values()].sort((a, b) => a.townCode.localeCompare(b.townCode));
    const totals = emptyLosses();
    for (const r of byTown) for (const k of LOSS_KEYS) totals[k] += r[k];
    for (const k of LOSS_KEYS) totals[k] = Math.round(totals[k] * 100) / 100;
    return { reports, byTown, totals };
  }
}
