/**
 * SQL for incidents: the incident rows (the 0080 stub extended by 0110), the level history, the
 * checklist, level proposals and situation reports. Rules live in service.ts.
 */
import type { ChecklistItem, Incident, IncidentLevel, IncidentPlace, IncidentStatus, LevelChange, LevelProposal } from '../../../shared/contract';
import { all, one, run, type Db } from '../db/database';
import { join, sql, type SqlQuery } from '../db/sql';
import { familyOf, isAlertType } from './checklists';

interface IncidentRow {
  id: string;
  title: string;
  type: string;
  level: IncidentLevel | null;
  status: IncidentStatus;
  station_code: string | null;
  source_alert_id: string | null;
  created_at: string;
  created_by: string;
  place: string;
  occurred_at: string | null;
  commander: string | null;
  summary: string;
  camera_ids: string;
  updated_at: string | null;
  activated_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
  close_note: string | null;
}

function toIncident(r: IncidentRow): Incident {
  const stored = JSON.parse(r.place) as Partial<IncidentPlace>;
  const place: IncidentPlace = { stationCode: stored.stationCode ?? r.station_code, point: stored.point ?? null, area: stored.area ?? null, description: stored.description ?? '' };
  return {
    id: r.id,
    title: r.title,
    // Stub rows carry the desk's type; anything the contract does not know reads as "other".
    type: isAlertType(r.type) ? r.type : 'other',
    family: familyOf(r.type),
    level: r.level,
    status: r.status,
    place,
    occurredAt: r.occurred_at ?? r.created_at,
    commander: r.commander,
    summary: r.summary,
    sourceAlertId: r.source_alert_id,
    cameraIds: (JSON.parse(r.camera_ids) as string[]).slice(0, 2),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at ?? r.created_at,
    activatedAt: r.activated_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    closeNote: r.close_note,
  };
}

interface ChecklistRow {
  id: string;
  level: IncidentLevel;
  seq: number;
  text: string;
  owner: string;
  assignee: string | null;
  due_minutes: number | null;
  due_at: string | null;
  done: number;
  done_by: string | null;
  done_at: string | null;
  note: string | null;
  superseded: number;
}

function toItem(r: ChecklistRow): ChecklistItem {
  return {
    id: r.id,
    level: r.level,
    seq: r.seq,
    text: r.text,
    owner: r.owner,
    assignee: r.assignee,
    dueMinutes: r.due_minutes,
    dueAt: r.due_at,
    done: r.done === 1,
    doneBy: r.done_by,
    doneAt: r.done_at,
    note: r.note,
    superseded: r.superseded === 1,
  };
}

interface ProposalRow {
  id: string;
  incident_id: string;
  title: string;
  from_level: IncidentLevel | null;
  to_level: IncidentLevel;
  reason: string;
  proposed_by: string;
  proposed_at: string;
  state: LevelProposal['state'];
  decided_by: string | null;
  decided_at: string | null;
}

function toProposal(r: ProposalRow): LevelProposal {
  return {
    id: r.id,
    incidentId: r.incident_id,
    incidentTitle: r.title,
    from: r.from_level,
    to: r.to_level,
    reason: r.reason,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at,
    state: r.state,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

export interface ReportRow {
  id: string;
  at: string;
  by: string;
  filename: string;
  path: string;
  bytes: number;
}

const PROPOSALS = sql`SELECT p.*, i.title FROM incident_proposals p JOIN incidents i ON i.id = p.incident_id`;

export class IncidentsStore {
  constructor(readonly db: Db) {}

  insert(i: Incident): void {
    run(
      this.db,
      sql`INSERT INTO incidents (id, title, type, level, status, station_code, source_alert_id, created_at, created_by, place, occurred_at, commander, summary, camera_ids, updated_at)
          VALUES (${i.id}, ${i.title}, ${i.type}, ${null}, ${i.status}, ${i.place.stationCode}, ${i.sourceAlertId}, ${i.createdAt}, ${i.createdBy},
                  ${JSON.stringify(i.place)}, ${i.occurredAt}, ${i.commander}, ${i.summary}, ${JSON.stringify(i.cameraIds)}, ${i.updatedAt})`,
    );
  }

  /** Writes the changeable fields of `i` back. */
  save(i: Incident): void {
    run(
      this.db,
      sql`UPDATE incidents SET title = ${i.title}, level = ${i.level}, status = ${i.status}, station_code = ${i.place.stationCode}, place = ${JSON.stringify(i.place)},
            commander = ${i.commander}, summary = ${i.summary}, camera_ids = ${JSON.stringify(i.cameraIds)}, updated_at = ${i.updatedAt},
            activated_at = ${i.activatedAt}, closed_at = ${i.closedAt}, closed_by = ${i.closedBy}, close_note = ${i.closeNote}
          WHERE id = ${i.id}`,
    );
  }

  get(id: string): Incident | undefined {
    const row = one<IncidentRow>(this.db, sql`SELECT * FROM incidents WHERE id = ${id}`);
    return row ? toIncident(row) : undefined;
  }

  list(statuses?: readonly IncidentStatus[]): Incident[] {
    const where: SqlQuery[] = [];
    if (statuses?.length) where.push(sql`status IN (SELECT value FROM json_each(${JSON.stringify(statuses)}))`);
    const clause = where.length ? sql` WHERE ${join(where, ' AND ')}` : sql``;
    return all<IncidentRow>(
      this.db,
      sql`SELECT * FROM incidents${clause} ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'closing' THEN 1 ELSE 2 END, created_at DESC, id`,
    ).map(toIncident);
  }

  /** Incidents whose event log still follows what happens (active or closing). */
  live(): Incident[] {
    return this.list(['active', 'closing']);
  }

  // ---- levels ----

  addLevelChange(incidentId: string, c: LevelChange): void {
    run(this.db, sql`INSERT INTO incident_levels (incident_id, at, by, from_level, to_level, reason) VALUES (${incidentId}, ${c.at}, ${c.by}, ${c.from}, ${c.to}, ${c.reason})`);
  }

  levelHistory(incidentId: string): LevelChange[] {
    return all<{ at: string; by: string; from_level: IncidentLevel | null; to_level: IncidentLevel | null; reason: string }>(
      this.db,
      sql`SELECT at, by, from_level, to_level, reason FROM incident_levels WHERE incident_id = ${incidentId} ORDER BY id`,
    ).map((r) => ({ at: r.at, by: r.by, from: r.from_level, to: r.to_level, reason: r.reason }));
  }

  // ---- checklist ----

  checklist(incidentId: string): ChecklistItem[] {
    return all<ChecklistRow>(
      this.db,
      sql`SELECT * FROM incident_checklist WHERE incident_id = ${incidentId}
          ORDER BY superseded, CASE level WHEN 'I' THEN 0 WHEN 'II' THEN 1 WHEN 'III' THEN 2 ELSE 3 END, seq`,
    ).map(toItem);
  }

  checklistItem(incidentId: string, itemId: string): ChecklistItem | undefined {
    const row = one<ChecklistRow>(this.db, sql`SELECT * FROM incident_checklist WHERE incident_id = ${incidentId} AND id = ${itemId}`);
    return row ? toItem(row) : undefined;
  }

  hasLevelItems(incidentId: string, level: IncidentLevel): boolean {
    return one(this.db, sql`SELECT 1 AS x FROM incident_checklist WHERE incident_id = ${incidentId} AND level = ${level} LIMIT 1`) !== undefined;
  }

  addChecklistItem(incidentId: string, item: ChecklistItem): void {
    run(
      this.db,
      sql`INSERT INTO incident_checklist (id, incident_id, level, seq, text, owner, assignee, due_minutes, due_at, done, superseded)
          VALUES (${item.id}, ${incidentId}, ${item.level}, ${item.seq}, ${item.text}, ${item.owner}, ${item.assignee}, ${item.dueMinutes}, ${item.dueAt}, 0, 0)`,
    );
  }

  /** The level now in force: its items count, every other level's are superseded (kept, with what was done). */
  supersedeExcept(incidentId: string, level: IncidentLevel): void {
    run(this.db, sql`UPDATE incident_checklist SET superseded = CASE level WHEN ${level} THEN 0 ELSE 1 END WHERE incident_id = ${incidentId}`);
  }

  saveChecklistItem(incidentId: string, item: ChecklistItem): void {
    run(
      this.db,
      sql`UPDATE incident_checklist SET assignee = ${item.assignee}, done = ${item.done}, done_by = ${item.doneBy}, done_at = ${item.doneAt}, note = ${item.note}
          WHERE incident_id = ${incidentId} AND id = ${item.id}`,
    );
  }

  // ---- proposals ----

  addProposal(p: LevelProposal): void {
    run(
      this.db,
      sql`INSERT INTO incident_proposals (id, incident_id, from_level, to_level, reason, proposed_by, proposed_at, state)
          VALUES (${p.id}, ${p.incidentId}, ${p.from}, ${p.to}, ${p.reason}, ${p.proposedBy}, ${p.proposedAt}, 'pending')`,
    );
  }

  proposal(id: string): LevelProposal | undefined {
    const row = one<ProposalRow>(this.db, sql`${PROPOSALS} WHERE p.id = ${id}`);
    return row ? toProposal(row) : undefined;
  }

  proposals(incidentId: string): LevelProposal[] {
    return all<ProposalRow>(this.db, sql`${PROPOSALS} WHERE p.incident_id = ${incidentId} ORDER BY p.proposed_at DESC, p.id`).map(toProposal);
  }

  pendingProposals(): LevelProposal[] {
    return all<ProposalRow>(this.db, sql`${PROPOSALS} WHERE p.state = 'pending' AND i.status != 'closed' ORDER BY p.proposed_at, p.id`).map(toProposal);
  }

  decideProposal(id: string, state: 'accepted' | 'declined', by: string, at: string, note: string | null): void {
    run(this.db, sql`UPDATE incident_proposals SET state = ${state}, decided_by = ${by}, decided_at = ${at}, note = ${note} WHERE id = ${id}`);
  }

  /** Proposals that no longer make sense (the incident closed) are declined with the close. */
  declinePending(incidentId: string, by: string, at: string, note: string): void {
    run(this.db, sql`UPDATE incident_proposals SET state = 'declined', decided_by = ${by}, decided_at = ${at}, note = ${note} WHERE incident_id = ${incidentId} AND state = 'pending'`);
  }

  // ---- reports ----

  addReport(incidentId: string, r: ReportRow): void {
    run(this.db, sql`INSERT INTO incident_reports (id, incident_id, at, by, filename, path, bytes) VALUES (${r.id}, ${incidentId}, ${r.at}, ${r.by}, ${r.filename}, ${r.path}, ${r.bytes})`);
  }

  reports(incidentId: string): ReportRow[] {
    return all<ReportRow>(this.db, sql`SELECT id, at, by, filename, path, bytes FROM incident_reports WHERE incident_id = ${incidentId} ORDER BY at DESC, id`);
  }
}
