/**
 * Incidents (事件): opening one (by hand or from an escalated alert), the response level and its
 * history with the checklist each level loads, proposals for the commander, closing, the manual
 * log and marks, the decision room's KPIs and queue, and the wall scene. Field records (tasks,
 * evacuation, losses) are in fieldwork.ts; the log that follows the bus is in watch.ts.
 * Every change writes its log entry in the caller's transaction and is pushed as an event.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  ChecklistItem, DecisionQueue, DeskAlert, Incident, IncidentDetail, IncidentKpis, IncidentLevel, IncidentPlace, IncidentStatus,
  IncidentSummary, LevelProposal, TimelineEntry, Warning,
} from '../../../shared/contract';
import type { IncidentInput as IncidentInputSchema } from '../../../shared/contract/incidents';
import { TYPE_ZH } from '../../../shared/alerts/levels';
import { HallError } from '../api/errors';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { StationsRepo } from '../stations/stations-repo';
import type { AlertDesk } from '../alerts/desk';
import type { WarningService } from '../warnings/service';
import type { WallService } from '../wall/service';
import { LEVEL_ZH, checklistFor, familyOf, isAlertType, sceneFor } from './checklists';
import { IncidentsStore } from './store';
import { RecordsStore } from './records';
import { TimelineStore, type NewEntry } from './timeline';
import { IncidentsNotifier } from './notify';
import { alertInScope, scopeOf, warningInScope, type Scope } from './scope';

export interface IncidentsDeps {
  db: Db;
  events: EventBus;
  stations: StationsRepo;
  desk: AlertDesk;
  warnings: WarningService;
  wall: WallService;
  enqueueAction: (type: string, by: string, payload: Record<string, unknown>) => unknown;
  now: () => Date;
  log: (line: string) => void;
}

const LEVEL_ORDER: IncidentLevel[] = ['IV', 'III', 'II', 'I'];
/** The response level an alert's colour suggests (蓝→Ⅳ … 红→Ⅰ). */
const LEVEL_OF_COLOUR: Record<string, IncidentLevel> = { blue: 'IV', yellow: 'III', orange: 'II', red: 'I' };

export type IncidentChanges = Partial<Pick<Incident, 'title' | 'place' | 'commander' | 'summary' | 'cameraIds'>>;

export class IncidentService {
  readonly store: IncidentsStore;
  readonly records: RecordsStore;
  readonly timeline: TimelineStore;
  readonly notifier: IncidentsNotifier;

  constructor(readonly deps: IncidentsDeps) {
    this.store = new IncidentsStore(deps.db);
    this.records = new RecordsStore(deps.db);
    this.timeline = new TimelineStore(deps.db);
    this.notifier = new IncidentsNotifier({ events: deps.events, enqueueAction: deps.enqueueAction, payload: (id) => this.upstreamPayload(id), now: deps.now, log: deps.log });
  }

  nowIso(): string {
    return this.deps.now().toISOString();
  }

  require(id: string): Incident {
    const i = this.store.get(id);
    if (!i) throw new HallError('not_found', `No incident "${id}"`);
    return i;
  }

  /** An incident that may still change (not closed). */
  requireOpen(id: string, action: string): Incident {
    const i = this.require(id);
    if (i.status === 'closed') throw new HallError('conflict', `Incident "${id}" is closed; it cannot ${action} any more`);
    return i;
  }

  /** Adds a log entry and tells the renderers; null when it only repeated a state. */
  note(id: string, e: NewEntry, at = this.nowIso()): TimelineEntry | null {
    const entry = this.timeline.add(id, at, e);
    if (entry) this.notifier.changed(id, 'timeline');
    return entry;
  }

  placeName(code: string): string {
    return this.deps.stations.get(code)?.name ?? code;
  }

  private checkPlace(place: IncidentPlace, method: string): void {
    if (place.stationCode && !this.deps.stations.get(place.stationCode)) {
      throw new HallError('invalid_params', `${method}: no station "${place.stationCode}"`, [{ path: 'place.stationCode', problem: 'unknown station' }]);
    }
  }

  private describePlace(place: IncidentPlace): string {
    if (place.description) return place.description;
    if (place.stationCode) return this.placeName(place.stationCode);
    if (place.area) return place.area.areaDesc;
    if (place.point) return `${place.point.lat.toFixed(4)}, ${place.point.lon.toFixed(4)}`;
    return '源城区';
  }

  // ---- opening ----

  create(p: z.output<typeof IncidentInputSchema>, by: string): Incident {
    this.checkPlace(p.place, 'incidents.create');
    const alert = p.sourceAlertId ? this.deps.desk.store.get(p.sourceAlertId) : undefined;
    if (p.sourceAlertId && !alert) throw new HallError('invalid_params', `incidents.create: no alert "${p.sourceAlertId}"`, [{ path: 'sourceAlertId', problem: 'unknown alert' }]);
    const at = this.nowIso();
    const id = `INC-${at.slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`;
    const incident: Incident = {
      id,
      title: p.title,
      type: p.type,
      family: familyOf(p.type),
      level: null,
      status: 'active',
      place: p.place,
      occurredAt: p.occurredAt ? new Date(p.occurredAt).toISOString() : at,
      commander: p.commander ?? null,
      summary: p.summary,
      sourceAlertId: p.sourceAlertId ?? null,
      cameraIds: [],
      createdBy: by,
      createdAt: at,
      updatedAt: at,
      activatedAt: null,
      closedAt: null,
      closedBy: null,
      closeNote: null,
    };
    this.store.insert(incident);
    this.note(id, { kind: 'status', text: `事件创建：${p.title}（${TYPE_ZH[p.type] ?? p.type}，${this.describePlace(p.place)}）`, by, significant: true, ref: id, state: 'active' }, at);
    if (alert) this.logAlert(id, alert.id, by);
    if (p.level) this.applyLevel(incident, p.level, '创建事件时启动', by, at);
    this.notifier.changed(id, 'incident');
    this.notifier.report(id, by, true);
    return this.require(id);
  }

  /** The alert desk's escalation hook: the incident from the alert, its place and first log entries, and a level proposal. */
  openFromAlert(alert: DeskAlert, by: { username: string; displayName: string }, note: string | undefined): string {
    const stationCode = alert.stationCode ?? alert.townCode ?? null;
    const headline = (alert.headline.trim() || alert.event.trim() || '告警升级事件').slice(0, 100);
    const incident = this.create(
      {
        title: headline.length < 2 ? `${headline}事件` : headline,
        type: isAlertType(alert.type) ? alert.type : 'other',
        place: { stationCode: stationCode && this.deps.stations.get(stationCode) ? stationCode : null, point: null, area: null, description: alert.areaDesc.slice(0, 200) },
        occurredAt: alert.firstSent,
        summary: note ?? '',
        sourceAlertId: alert.id,
      },
      by.username,
    );
    if (note) this.note(incident.id, { kind: 'manual', text: `升级说明：${note}`, by: by.username });
    const to = LEVEL_OF_COLOUR[alert.level];
    if (to) this.proposeLevel(incident.id, to, `由${alert.headline}升级，建议启动${LEVEL_ZH[to]}应急响应`, by.username);
    return incident.id;
  }

  /** Logs an alert's current state (the source alert at creation; watch.ts for later changes). */
  logAlert(incidentId: string, alertId: string, by: string | null): void {
    const row = this.deps.desk.store.get(alertId);
    if (!row) return;
    const colour = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' }[row.level];
    const state = { new: '新告警', acknowledged: '已确认', handling: '处置中', closed: '已关闭', escalated: '已升级为事件', cancelled: '已撤销' }[row.state];
    const who = row.state === 'closed' ? row.closed_by : row.state === 'new' ? null : row.acked_by;
    this.note(incidentId, {
      kind: 'alert',
      text: `${colour}告警「${row.headline}」${state}${row.resolution && row.state === 'closed' ? `：${row.resolution}` : ''}`,
      by: who ?? by,
      significant: row.id === this.store.get(incidentId)?.sourceAlertId && row.state === 'new' ? true : row.level === 'red' && row.state === 'new',
      ref: row.id,
      state: `${row.state}:${row.level}`,
    });
  }

  update(id: string, changes: IncidentChanges, by: string): Incident {
    const i = this.requireOpen(id, 'be changed');
    if (changes.place) this.checkPlace(changes.place, 'incidents.update');
    const next: Incident = { ...i, ...changes, updatedAt: this.nowIso() };
    this.store.save(next);
    const said: string[] = [];
    if (changes.title !== undefined && changes.title !== i.title) said.push(`标题改为「${changes.title}」`);
    if (changes.place) said.push(`地点改为${this.describePlace(changes.place)}`);
    if (changes.commander !== undefined && changes.commander !== i.commander) said.push(changes.commander ? `指挥长：${changes.commander}` : '指挥长未定');
    if (changes.summary !== undefined && changes.summary !== i.summary) said.push('更新事件概要');
    if (changes.cameraIds) said.push(`决策室画面：${changes.cameraIds.join('、') || '无'}`);
    if (said.length) this.note(id, { kind: 'manual', text: said.join('；'), by });
    this.notifier.changed(id, 'incident');
    this.notifier.report(id, by, false);
    return this.require(id);
  }

  // ---- levels ----

  /** Activates `level`: history, checklist (loaded once per level; others superseded), log. */
  private applyLevel(i: Incident, level: IncidentLevel, reason: string, by: string, at: string): void {
    const from = i.level;
    this.store.addLevelChange(i.id, { at, by, from, to: level, reason });
    if (!this.store.hasLevelItems(i.id, level)) {
      checklistFor(i.family, level).forEach(([owner, dueMinutes, text], seq) => {
        const item: ChecklistItem = {
          id: `${i.id}:${level}:${seq + 1}`,
          level,
          seq: seq + 1,
          text,
          owner,
          assignee: null,
          dueMinutes,
          dueAt: dueMinutes === null ? null : new Date(Date.parse(at) + dueMinutes * 60_000).toISOString(),
          done: false,
          doneBy: null,
          doneAt: null,
          note: null,
          superseded: false,
        };
        this.store.addChecklistItem(i.id, item);
      });
    }
    this.store.supersedeExcept(i.id, level);
    this.store.save({ ...i, level, activatedAt: i.activatedAt ?? at, updatedAt: at });
    const verb = from === null ? '启动' : LEVEL_ORDER.indexOf(level) > LEVEL_ORDER.indexOf(from) ? '提升为' : LEVEL_ORDER.indexOf(level) < LEVEL_ORDER.indexOf(from) ? '降低为' : '重新确认';
    this.note(i.id, { kind: 'level', text: `${verb}${LEVEL_ZH[level]}应急响应：${reason}`, by, significant: true, ref: i.id }, at);
    this.notifier.changed(i.id, 'incident', 'level', 'checklist');
  }

  setLevel(id: string, level: IncidentLevel, reason: string, by: string): IncidentDetail {
    const i = this.requireOpen(id, 'change its level');
    this.applyLevel(i, level, reason, by, this.nowIso());
    this.notifier.report(id, by, true);
    return this.detail(id);
  }

  proposeLevel(id: string, level: IncidentLevel, reason: string, by: string): LevelProposal {
    const i = this.requireOpen(id, 'take level proposals');
    const p: LevelProposal = {
      id: randomUUID(), incidentId: id, incidentTitle: i.title, from: i.level, to: level, reason, proposedBy: by, proposedAt: this.nowIso(), state: 'pending', decidedBy: null, decidedAt: null,
    };
    this.store.addProposal(p);
    this.note(id, { kind: 'level', text: `建议${i.level ? `由${LEVEL_ZH[i.level]}调整为` : '启动'}${LEVEL_ZH[level]}响应：${reason}（待指挥长决定）`, by, ref: p.id });
    this.notifier.changed(id, 'proposals');
    return p;
  }

  decideProposal(proposalId: string, accept: boolean, note: string | undefined, by: string): LevelProposal {
    const p = this.store.proposal(proposalId);
    if (!p) throw new HallError('not_found', `No level proposal "${proposalId}"`);
    if (p.state !== 'pending') throw new HallError('conflict', `The level proposal "${proposalId}" was already ${p.state} by ${p.decidedBy ?? '?'}`);
    const i = this.requireOpen(p.incidentId, 'change its level');
    const at = this.nowIso();
    this.store.decideProposal(proposalId, accept ? 'accepted' : 'declined', by, at, note ?? null);
    if (accept) {
      this.applyLevel(i, p.to, `采纳${p.proposedBy}的建议：${p.reason}${note ? `（${note}）` : ''}`, by, at);
      this.notifier.report(i.id, by, true);
    } else {
      this.note(i.id, { kind: 'level', text: `不采纳${LEVEL_ZH[p.to]}响应建议${note ? `：${note}` : ''}`, by, ref: p.id }, at);
    }
    this.notifier.changed(i.id, 'proposals');
    return this.store.proposal(proposalId)!;
  }

  close(id: string, note: string, final: boolean, by: string): Incident {
    const i = this.requireOpen(id, 'be closed again');
    const at = this.nowIso();
    const status: IncidentStatus = final ? 'closed' : 'closing';
    if (i.status === status) return i;
    this.store.save({ ...i, status, updatedAt: at, ...(final ? { closedAt: at, closedBy: by, closeNote: note } : { closeNote: note }) });
    if (final) this.store.declinePending(id, by, at, '事件已结束');
    this.note(id, { kind: 'status', text: `${final ? '结束事件' : '进入收尾'}：${note}`, by, significant: true, ref: id, state: status }, at);
    this.notifier.changed(id, 'incident', 'proposals');
    this.notifier.report(id, by, true);
    return this.require(id);
  }

  // ---- log and checklist ----

  log(id: string, text: string, significant: boolean, by: string): TimelineEntry {
    this.require(id);
    return this.note(id, { kind: 'manual', text, by, significant })!;
  }

  mark(id: string, entryId: number, significant: boolean): TimelineEntry {
    this.require(id);
    if (!this.timeline.entry(id, entryId)) throw new HallError('not_found', `Incident "${id}" has no log entry ${entryId}`);
    this.timeline.mark(id, entryId, significant);
    this.notifier.changed(id, 'timeline');
    return this.timeline.entry(id, entryId)!;
  }

  updateChecklist(id: string, itemId: string, c: { done?: boolean | undefined; assignee?: string | null | undefined; note?: string | undefined }, by: string): IncidentDetail {
    this.requireOpen(id, 'change its checklist');
    const item = this.store.checklistItem(id, itemId);
    if (!item) throw new HallError('not_found', `Incident "${id}" has no checklist item "${itemId}"`);
    const at = this.nowIso();
    const next: ChecklistItem = { ...item };
    if (c.assignee !== undefined) next.assignee = c.assignee?.trim() || null;
    if (c.note !== undefined) next.note = c.note.trim() || null;
    if (c.done !== undefined && c.done !== item.done) Object.assign(next, c.done ? { done: true, doneBy: by, doneAt: at } : { done: false, doneBy: null, doneAt: null });
    this.store.saveChecklistItem(id, next);
    const said = [
      c.done !== undefined && c.done !== item.done ? (c.done ? '已完成' : '取消完成') : '',
      c.assignee !== undefined && next.assignee !== item.assignee ? `指派给${next.assignee ?? '（无）'}` : '',
      c.note !== undefined && next.note !== item.note ? `备注：${next.note ?? ''}` : '',
    ].filter(Boolean);
    if (said.length) this.note(id, { kind: 'checklist', text: `${LEVEL_ZH[item.level]}「${item.text}」${said.join('，')}`, by, ref: itemId }, at);
    this.notifier.changed(id, 'checklist');
    this.notifier.report(id, by, false);
    return this.detail(id);
  }

  // ---- views ----

  scope(i: Incident): Scope {
    return scopeOf(i, this.deps.stations);
  }

  /** Warnings that belong to the incident: made from its alert, or covering its place since it began. */
  linkedWarnings(i: Incident, scope = this.scope(i)): Warning[] {
    return this.deps.warnings
      .list(undefined, 1000)
      .filter((w) => warningInScope(scope, w) && (w.sourceAlertId === i.sourceAlertId || Date.parse(w.createdAt) >= Date.parse(i.occurredAt)));
  }

  kpis(i: Incident): IncidentKpis {
    const nowMs = this.deps.now().getTime();
    const scope = this.scope(i);
    const evac = this.records.evacuation(i.id, (c) => this.deps.stations.get(c));
    const tasks = this.records.tasks(i.id, nowMs);
    const checklist = this.store.checklist(i.id).filter((c) => !c.superseded);
    const deliveries = this.linkedWarnings(i, scope).map((w) => w.counts);
    const end = i.closedAt ? Date.parse(i.closedAt) : nowMs;
    return {
      durationMinutes: Math.max(0, Math.floor((end - Date.parse(i.occurredAt)) / 60_000)),
      openAlerts: i.status === 'closed' ? 0 : this.deps.desk.store.open().filter((a) => alertInScope(scope, a)).length,
      moved: evac.totals.moved,
      toMove: evac.totals.toMove,
      overdueTasks: tasks.filter((t) => t.overdue).length,
      openTasks: tasks.filter((t) => t.status === 'open' || t.status === 'in-progress').length,
      confirmedDeliveries: deliveries.reduce((s, c) => s + c.confirmed, 0),
      totalDeliveries: deliveries.reduce((s, c) => s + c.total - c.cancelled, 0),
      checklistDone: checklist.filter((c) => c.done).length,
      checklistTotal: checklist.length,
      pendingProposals: this.store.proposals(i.id).filter((p) => p.state === 'pending').length,
    };
  }

  summary(i: Incident): IncidentSummary {
    return { ...i, kpis: this.kpis(i) };
  }

  list(statuses?: IncidentStatus[]): IncidentSummary[] {
    return this.store.list(statuses).map((i) => this.summary(i));
  }

  detail(id: string): IncidentDetail {
    const i = this.require(id);
    return {
      ...this.summary(i),
      levelHistory: this.store.levelHistory(id),
      checklist: this.store.checklist(id),
      proposals: this.store.proposals(id),
      reports: this.store.reports(id).map(({ id: rid, at, by, filename, bytes }) => ({ id: rid, at, by, filename, bytes })),
    };
  }

  queue(): DecisionQueue {
    return { approvals: this.deps.warnings.list(['submitted'], 200), proposals: this.store.pendingProposals() };
  }

  /** Puts the wall into the incident's scene (by family and level). */
  putOnWall(id: string, by: string): { sceneId: string } {
    const i = this.require(id);
    const sceneId = sceneFor(i.family, i.level);
    // Logged first with the author; the wall.changed that follows repeats the state and is skipped.
    const scene = this.deps.wall.scenes().find((s) => s.id === sceneId);
    this.note(id, { kind: 'wall', text: `大屏切换到「${scene?.name ?? sceneId}」场景`, by, ref: 'wall', state: sceneId });
    this.deps.wall.apply(sceneId, by);
    return { sceneId };
  }

  /** What goes upstream as `incident.report` { incident }. */
  private upstreamPayload(id: string): Record<string, unknown> | null {
    const i = this.store.get(id);
    if (!i) return null;
    const evac = this.records.evacuation(id, (c) => this.deps.stations.get(c));
    const losses = this.records.losses(id, (c) => this.placeName(c));
    return {
      incident: {
        ...i,
        stationCode: i.place.stationCode,
        kpis: this.kpis(i),
        levelHistory: this.store.levelHistory(id),
        evacuation: { byTown: evac.byTown, totals: evac.totals },
        losses: { byTown: losses.byTown, totals: losses.totals },
      },
    };
  }
}

