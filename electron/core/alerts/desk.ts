/**
 * The alert desk: attaches CAP messages to desk alerts (attach.ts), runs the local rules on new
 * readings (rules.ts), carries the lifecycle (new → acknowledged → handling → closed, or
 * escalated to an incident), imports and exports CAP, and reminds the desk — then the
 * commanders — of orange and red alerts nobody acknowledged.
 *
 * Every change is one transaction with its timeline entry (and, through the registry, its audit
 * row). Acknowledging or closing an alert that came from the district link also writes the
 * `alert.ack` / `alert.close` action to the outbox in that transaction.
 */
import { randomUUID } from 'node:crypto';
import type { AlertLevel, AlertRecord, AlertRule, CapArea, CapDocument, DeskAlert, DeskAlertDetail, ManualAlertParams, Sensor } from '../../../shared/contract';
import { CAP_CATEGORIES, CAP_CERTAINTY, CAP_SEVERITY, CAP_URGENCY, CapDocument as CapDocumentSchema } from '../../../shared/contract/alerts';
import type { LinkAlert } from '../../../shared/district-link/protocol';
import { DISTRICT } from '../../../shared/places';
import { LEVEL_CAP, LEVEL_ZH, TYPE_ZH, levelFromCap, levelRank, typeFromCap } from '../../../shared/alerts/levels';
import { HallError } from '../api/errors';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { AlertsRepo } from '../mirror/alerts';
import type { SensorsRepo } from '../mirror/sensors';
import type { StationsRepo } from '../stations/stations-repo';
import type { HallConfig } from '../config/config';
import { attachPending, parseReferences, townOf, type Attached } from './attach';
import { DeskStore, toDeskAlert, type DeskRow } from './desk-store';
import { RulesStore, ruleLevel, ruleMetric } from './rules';
import { capDateTime, parseCap, toCapXml } from './cap';

/** How often the local rules judge the newest readings (see afterLinkBatch). */
export const RULES_INTERVAL_MS = 1000;

/** Who sends the console's own CAP messages (local rules, manual entries). */
export const LOCAL_SENDER = 'ecc.yuancheng@441602';

/** CAP <category> of each local alert type (the console's own messages and warnings). */
export const CATEGORY_OF: Record<string, string> = {
  rainstorm: 'Met',
  typhoon: 'Met',
  flood: 'Met',
  waterlog: 'Met',
  reservoir: 'Infra',
  geohazard: 'Geo',
  'forest-fire': 'Fire',
  hazmat: 'CBRNE',
  earthquake: 'Geo',
  accident: 'Safety',
  other: 'Other',
};

export interface AlertDeskDeps {
  db: Db;
  events: EventBus;
  messages: AlertsRepo;
  sensors: SensorsRepo;
  stations: StationsRepo;
  /** The outbox of the district link (absent: nothing goes upstream). */
  enqueueAction: (type: string, by: string, payload: Record<string, unknown>) => unknown;
  config: HallConfig['alerts'];
  now: () => Date;
  log: (line: string) => void;
  /**
   * Opens the incident an escalated alert becomes (the incidents domain: family, place, first log
   * entries, the upstream report) and returns its id. Absent: escalation writes the bare record.
   */
  openIncident?: (alert: DeskAlert, by: Actor, note: string | undefined) => string;
}

export interface Actor {
  username: string;
  displayName: string;
}

export class AlertDesk {
  readonly store: DeskStore;
  readonly rules: RulesStore;
  private pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private reminderTimer: NodeJS.Timeout | null = null;
  private identifierSeq = 0;
  private readonly pendingReadings = new Map<string, { sensorId: string; value: number; at: string }>();
  private rulesTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: AlertDeskDeps) {
    this.store = new DeskStore(deps.db);
    this.rules = new RulesStore(deps.db);
  }

  // ---- messages in ----

  /** Attaches whatever messages are waiting (after a link batch or snapshot, at start). */
  sync(): void {
    const attached = this.deps.db.transaction(() => attachPending(this.store, this.deps.messages, this.deps.now()))();
    this.publish(attached);
  }

  /**
   * After a batch from the link: its alert messages are attached at once (cheap: an indexed look
   * for unattached rows); its readings wait for the next rules pass. The link applies hundreds of
   * batches a second in a burst, and judging every reading of every batch (a 24 h rain sum is 24
   * lookups) would cost the link most of its throughput, while thresholds are about minutes: the
   * rules judge the newest reading of each sensor once per RULES_INTERVAL_MS.
   */
  afterLinkBatch(latest: readonly { sensorId: string; value: number; at: string }[]): void {
    try {
      const attached = this.deps.db.transaction(() => attachPending(this.store, this.deps.messages, this.deps.now()))();
      this.publish(attached);
    } catch (error) {
      // The mirror is already committed; the next batch (or the next start) attaches what is left.
      this.deps.log(`[alerts] could not attach a link batch's alerts: ${(error as Error).message}`);
    }
    for (const r of latest) {
      const seen = this.pendingReadings.get(r.sensorId);
      if (!seen || Date.parse(r.at) >= Date.parse(seen.at)) this.pendingReadings.set(r.sensorId, r);
    }
    if (this.pendingReadings.size > 0 && !this.rulesTimer) {
      this.rulesTimer = setTimeout(() => this.flushRules(), RULES_INTERVAL_MS);
      this.rulesTimer.unref();
    }
  }

  /** Judges the readings waiting since the last pass (the timer calls this; tests call it directly). */
  flushRules(): void {
    if (this.rulesTimer) clearTimeout(this.rulesTimer);
    this.rulesTimer = null;
    const latest = [...this.pendingReadings.values()];
    this.pendingReadings.clear();
    if (latest.length === 0) return;
    try {
      const attached = this.deps.db.transaction(() => this.evaluateRules(latest, this.deps.now()))();
      this.publish(attached);
    } catch (error) {
      this.deps.log(`[alerts] rules pass failed: ${(error as Error).message}`);
    }
  }

  /** Judges the newest reading of each sensor by the enabled rules of its type (inside a transaction). */
  evaluateRules(latest: readonly { sensorId: string; value: number; at: string }[], now: Date): Attached {
    const out: Attached = { changed: new Set(), raised: new Set() };
    if (latest.length === 0) return out;
    const rules = this.rules.list().filter((r) => r.enabled);
    if (rules.length === 0) return out;
    const sensors = new Map(this.deps.sensors.list().map((s) => [s.id, s]));
    for (const reading of latest) {
      const sensor = sensors.get(reading.sensorId);
      if (!sensor) continue;
      for (const rule of rules) {
        if (rule.sensorType !== sensor.type) continue;
        const metric = ruleMetric(this.deps.db, rule, sensor, { value: reading.value, atMs: Date.parse(reading.at) });
        if (metric === null) continue;
        this.applyRule(rule, sensor, metric, reading, now, out);
      }
    }
    return out;
  }

  private applyRule(rule: AlertRule, sensor: Sensor, metric: number, reading: { value: number; at: string }, now: Date, out: Attached): void {
    const state = this.rules.state(rule.id, sensor.id);
    const level = ruleLevel(rule, metric, state?.level ?? null);
    if (level === (state?.level ?? null)) return;
    const desk = state?.deskId ? this.store.get(state.deskId) : undefined;
    const deskOpen = desk !== undefined && ['new', 'acknowledged', 'handling'].includes(desk.state);

    if (level === null) {
      this.rules.clearState(rule.id, sensor.id);
      if (deskOpen) this.ruleMessage(rule, sensor, state!.level, metric, reading, 'Cancel', desk, now);
    } else if (deskOpen) {
      this.ruleMessage(rule, sensor, level, metric, reading, 'Update', desk, now);
      this.rules.setState(rule.id, sensor.id, { level, deskId: desk.id, value: metric, since: state!.since });
    } else if (state && levelRank(level) <= levelRank(state.level)) {
      // The episode's alert was closed (or the platform's covers it): falling levels raise nothing new.
      this.rules.setState(rule.id, sensor.id, { ...state, level, value: metric });
    } else if (this.platformCovers(sensor.id)) {
      this.rules.setState(rule.id, sensor.id, { level, deskId: null, value: metric, since: now.toISOString() });
    } else {
      const id = this.ruleMessage(rule, sensor, level, metric, reading, 'Alert', undefined, now);
      this.rules.setState(rule.id, sensor.id, { level, deskId: id, value: metric, since: now.toISOString() });
    }
    const attached = attachPending(this.store, this.deps.messages, now);
    attached.changed.forEach((id) => out.changed.add(id));
    attached.raised.forEach((id) => out.raised.add(id));
  }

  private platformCovers(sensorId: string): boolean {
    const row = this.deps.db
      .prepare(`SELECT 1 FROM desk_alerts WHERE sensor_id = ? AND source = 'link' AND state IN ('new', 'acknowledged', 'handling') LIMIT 1`)
      .get(sensorId);
    return row !== undefined;
  }

  /** Stores a rule's CAP message; returns its message id (the desk alert's id for an Alert). */
  private ruleMessage(rule: AlertRule, sensor: Sensor, level: AlertLevel, metric: number, reading: { value: number; at: string }, msgType: 'Alert' | 'Update' | 'Cancel', desk: DeskRow | undefined, now: Date): string {
    const station = this.deps.stations.get(sensor.stationCode);
    const metricText = `${rule.name}：${round(metric)}（读数 ${round(reading.value)}${sensor.unit}，${reading.at.slice(11, 16)}）`;
    const cancel = msgType === 'Cancel';
    const headline = cancel ? `${sensor.name}${rule.name}预警解除` : `${sensor.name}${rule.name}${LEVEL_ZH[level]}预警`;
    const doc = this.localDoc({
      level,
      type: rule.alertType,
      headline,
      description: `${station?.name ?? ''}${sensor.name} ${metricText}${cancel ? '，已回落至阈值以下。' : `，达到本地规则「${rule.name}」${LEVEL_ZH[level]}级阈值。`}`,
      area: [{ areaDesc: `${station?.name ?? ''}${sensor.name}周边`, circle: [`${sensor.lat},${sensor.lon} 2`], geocode: [{ valueName: 'division-code', value: sensor.stationCode }] }],
      msgType,
      ...(desk ? { references: this.referencesOf(desk.id) } : {}),
      now,
    });
    const id = `rule-${randomUUID()}`;
    // The rule's id rides along in the message's local fields, so the desk alert knows its rule.
    const local = { level, type: rule.alertType, stationCode: sensor.stationCode, sensorId: sensor.id, ruleId: rule.id };
    this.deps.messages.insertLocal(id, 'rule', doc, local, now.toISOString());
    return id;
  }

  private referencesOf(deskId: string): string {
    return this.store
      .chain(deskId)
      .map((m) => `${m.sender},${m.identifier},${m.sent}`)
      .join(' ');
  }

  /** A CAP message of this console's own. */
  private localDoc(input: {
    level: AlertLevel;
    type: string;
    headline: string;
    description?: string | undefined;
    instruction?: string | undefined;
    area: CapArea[];
    msgType: 'Alert' | 'Update' | 'Cancel';
    references?: string;
    exercise?: boolean | undefined;
    now: Date;
  }): CapDocument {
    const sent = capDateTime(input.now);
    const cap = input.msgType === 'Cancel' ? { severity: 'Minor', urgency: 'Past', certainty: 'Observed' } : LEVEL_CAP[input.level];
    return {
      identifier: this.newIdentifier(input.now),
      sender: LOCAL_SENDER,
      sent,
      status: input.exercise ? 'Exercise' : 'Actual',
      msgType: input.msgType,
      scope: 'Restricted',
      restriction: '源城区应急指挥中心内部',
      ...(input.references ? { references: input.references } : {}),
      info: [
        {
          language: 'zh-CN',
          category: [CATEGORY_OF[input.type] ?? 'Other'],
          event: TYPE_ZH[input.type] ?? input.type,
          ...cap,
          senderName: '源城区应急指挥中心',
          headline: input.headline,
          ...(input.description ? { description: input.description } : {}),
          ...(input.instruction ? { instruction: input.instruction } : {}),
          effective: sent,
          eventCode: [
            { valueName: 'level', value: input.level },
            { valueName: 'type', value: input.type },
          ],
          area: input.area,
        },
      ],
    };
  }

  private newIdentifier(now: Date): string {
    const stamp = capDateTime(now).slice(0, 19).replace(/\D/g, '');
    this.identifierSeq = (this.identifierSeq + 1) % 100_000;
    return `YC-${DISTRICT.code}-${stamp}-${String(this.identifierSeq).padStart(5, '0')}-${randomUUID().slice(0, 4)}`;
  }

  // ---- reading ----

  detail(id: string): DeskAlertDetail {
    const row = this.store.require(id);
    return {
      alert: toDeskAlert(row),
      cap: CapDocumentSchema.parse(JSON.parse(row.cap)),
      chain: this.store.chain(id),
      timeline: this.store.timeline(id),
    };
  }

  /** Open alerts as the map's alert layer draws them (their latest CAP message). */
  openRecords(): AlertRecord[] {
    return this.store.open().map((r) => ({
      id: r.id,
      source: r.source,
      level: r.level,
      type: r.type,
      stationCode: r.station_code,
      sensorId: r.sensor_id,
      headline: r.headline,
      sent: r.sent,
      status: r.cap_status,
      msgType: r.msg_type,
      cap: withInfo(JSON.parse(r.cap) as CapDocument, r),
      updatedAt: r.updated_at,
    }));
  }

  // ---- the lifecycle ----

  ack(id: string, by: Actor, note: string | undefined): DeskAlert {
    const row = this.store.require(id);
    // Two operators pressing A at once: the second sees the alert as the first left it.
    if (row.state === 'acknowledged' || row.state === 'handling') return toDeskAlert(row);
    if (row.state !== 'new') throw conflict(row, '确认');
    const now = this.deps.now();
    this.store.setState(id, 'acknowledged', now, { ackedBy: by.username });
    this.store.log(id, 'acknowledged', note ? `确认：${note}` : '确认', by.username, now);
    this.upstream(row, 'alert.ack', by, { alertId: id, ...(note ? { note } : {}) }, now);
    return this.changed(id);
  }

  handle(id: string, by: Actor): DeskAlert {
    const row = this.store.require(id);
    if (row.state === 'handling') return toDeskAlert(row);
    if (row.state !== 'new' && row.state !== 'acknowledged') throw conflict(row, '处置');
    const now = this.deps.now();
    if (row.state === 'new') {
      this.store.setState(id, 'acknowledged', now, { ackedBy: by.username });
      this.store.log(id, 'acknowledged', '确认（开始处置）', by.username, now);
      this.upstream(row, 'alert.ack', by, { alertId: id }, now);
    }
    this.store.setState(id, 'handling', now);
    this.store.log(id, 'handling', '开始处置', by.username, now);
    return this.changed(id);
  }

  close(id: string, by: Actor, resolution: string): DeskAlert {
    const row = this.store.require(id);
    if (!['new', 'acknowledged', 'handling'].includes(row.state)) throw conflict(row, '关闭');
    const now = this.deps.now();
    this.store.setState(id, 'closed', now, { ackedBy: by.username, closedBy: by.username, resolution });
    this.store.log(id, 'closed', `关闭：${resolution}`, by.username, now);
    this.upstream(row, 'alert.close', by, { alertId: id, resolution }, now);
    return this.changed(id);
  }

  escalate(id: string, by: Actor, note: string | undefined): { alert: DeskAlert; incidentId: string } {
    const row = this.store.require(id);
    if (row.incident_id) return { alert: toDeskAlert(row), incidentId: row.incident_id };
    if (!['new', 'acknowledged', 'handling'].includes(row.state)) throw conflict(row, '升级');
    const now = this.deps.now();
    let incidentId: string;
    if (this.deps.openIncident) {
      incidentId = this.deps.openIncident(toDeskAlert(row), by, note);
    } else {
      incidentId = `INC-${capDateTime(now).slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`;
      this.deps.db
        .prepare(`INSERT INTO incidents (id, title, type, status, station_code, source_alert_id, created_at, created_by) VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`)
        .run(incidentId, row.headline, row.type, row.station_code, id, now.toISOString(), by.username);
      this.deps.enqueueAction('incident.report', by.username, {
        incident: { id: incidentId, title: row.headline, type: row.type, status: 'active', stationCode: row.station_code, sourceAlertId: id, createdAt: now.toISOString(), createdBy: by.username },
      });
    }
    this.store.setState(id, 'escalated', now, { ackedBy: by.username, incidentId });
    this.store.log(id, 'escalated', `升级为事件 ${incidentId}${note ? `：${note}` : ''}`, by.username, now);
    return { alert: this.changed(id), incidentId };
  }

  create(p: ManualAlertParams, by: Actor): DeskAlert {
    const now = this.deps.now();
    const station = p.stationCode ? this.deps.stations.get(p.stationCode) : undefined;
    if (p.stationCode && !station) throw new HallError('invalid_params', `alerts.create: no station "${p.stationCode}"`, [{ path: 'stationCode', problem: 'unknown station' }]);
    const area: CapArea = p.area
      ? { areaDesc: p.area.areaDesc, ...(p.area.polygon ? { polygon: p.area.polygon } : {}), ...(p.area.circle ? { circle: p.area.circle } : {}) }
      : station
        ? { areaDesc: station.name, circle: [`${station.lat},${station.lon} 1`] }
        : { areaDesc: DISTRICT.name };
    area.geocode = [{ valueName: 'division-code', value: station?.code ?? `${DISTRICT.code}000000` }];
    const doc = this.localDoc({ level: p.level, type: p.type, headline: p.headline, description: p.description, instruction: p.instruction, area: [area], msgType: 'Alert', exercise: p.exercise, now });
    const problems = parseCap(toCapXml(doc));
    if (!problems.ok) throw new HallError('invalid_cap', `alerts.create: the area is not a valid CAP area: ${problems.problems[0]?.problem ?? ''}`, problems.problems);
    const id = `manual-${randomUUID()}`;
    this.deps.messages.insertLocal(id, 'manual', doc, { level: p.level, type: p.type, ...(station ? { stationCode: station.code } : {}) }, now.toISOString());
    const attached = attachPending(this.store, this.deps.messages, now);
    this.store.log(id, 'note', `人工录入：${by.displayName}（${by.username}）`, by.username, now);
    this.publish(attached);
    return toDeskAlert(this.store.require(id));
  }

  importCap(xml: string, by: Actor): { alert: DeskAlert; effect: 'created' | 'updated' | 'cancelled' | 'unchanged' } {
    const parsed = parseCap(xml);
    if (!parsed.ok) {
      throw new HallError('invalid_cap', `The CAP document has ${parsed.problems.length} problem(s): ${parsed.problems.map((p) => `${p.path}: ${p.problem}`).slice(0, 3).join('; ')}`, parsed.problems);
    }
    const doc = parsed.doc;
    const now = this.deps.now();
    const already = this.store.chainDeskId(doc.sender, doc.identifier);
    if (already) return { alert: toDeskAlert(this.store.require(already)), effect: 'unchanged' };
    const target = parseReferences(doc.references)
      .map((r) => this.store.chainDeskId(r.sender, r.identifier))
      .find((x): x is string => x !== undefined);
    const base = target ? this.store.get(target) : undefined;
    const info = doc.info[0];
    // A Cancel (or an Update without info) keeps the level and type of the alert it refers to.
    const level = info ? levelFromCap(info) : (base?.level ?? 'blue');
    const type = info ? typeFromCap(info) : (base?.type ?? 'other');
    const geocoded = info?.area.flatMap((a) => a.geocode ?? []).map((g) => g.value).find((v) => townOf(v) !== null);
    const stationCode = geocoded && this.deps.stations.get(geocoded) ? geocoded : (base?.station_code ?? undefined);
    const id = `cap-${randomUUID()}`;
    this.deps.messages.insertLocal(id, 'cap', doc, { level, type, ...(stationCode ? { stationCode } : {}) }, now.toISOString());
    const attached = attachPending(this.store, this.deps.messages, now);
    const deskId = target && (doc.msgType === 'Update' || doc.msgType === 'Cancel') ? target : id;
    const row = this.store.require(deskId);
    this.store.log(deskId, 'note', `${by.displayName} 导入 CAP ${parsed.version} ${doc.msgType} 消息 ${doc.identifier}${parsed.warnings.length ? `（${parsed.warnings.join('；')}）` : ''}`, by.username, now);
    this.publish(attached);
    const effect = deskId === id ? 'created' : row.state === 'cancelled' && doc.msgType === 'Cancel' ? 'cancelled' : 'updated';
    return { alert: toDeskAlert(row), effect };
  }

  exportCap(id: string): { xml: string; filename: string } {
    const row = this.store.require(id);
    const doc = exportable(CapDocumentSchema.parse(JSON.parse(row.cap)), row);
    return { xml: toCapXml(doc), filename: `${doc.identifier.replace(/[^\w.-]+/g, '_')}.xml` };
  }

  saveRule(rule: AlertRule, by: Actor): AlertRule {
    this.rules.save(rule, by.username, this.deps.now());
    return this.rules.list().find((r) => r.id === rule.id)!;
  }

  // ---- reminders ----

  /** Checks now and then for unacknowledged orange/red alerts; returns the stop function. */
  startReminders(): () => void {
    const tick = () => {
      try {
        this.remind();
      } catch (error) {
        this.deps.log(`[alerts] reminder check failed: ${(error as Error).message}`);
      }
    };
    this.reminderTimer = setInterval(tick, this.deps.config.reminderCheckSeconds * 1000);
    this.reminderTimer.unref();
    return () => {
      if (this.reminderTimer) clearInterval(this.reminderTimer);
      this.reminderTimer = null;
    };
  }

  remind(): void {
    const now = this.deps.now();
    const stages = [
      { stage: 2, minutes: this.deps.config.notifyCommandersAfterMinutes },
      { stage: 1, minutes: this.deps.config.remindAfterMinutes },
    ];
    const fired: { row: DeskRow; stage: number; minutes: number }[] = [];
    this.deps.db.transaction(() => {
      for (const { stage, minutes } of stages) {
        for (const row of this.store.dueReminders(stage, now.getTime() - minutes * 60_000)) {
          if (fired.some((f) => f.row.id === row.id)) continue;
          this.store.setRemindStage(row.id, stage);
          const waited = Math.round((now.getTime() - row.created_ms) / 60_000);
          this.store.log(row.id, stage === 2 ? 'commanders-notified' : 'reminder', stage === 2 ? `${waited} 分钟未确认，已通知指挥长` : `${waited} 分钟未确认，提醒值班员`, null, now);
          fired.push({ row, stage, minutes: waited });
        }
      }
    })();
    for (const f of fired) {
      this.deps.events.emit('alerts.reminder', { id: f.row.id, stage: f.stage, level: f.row.level, headline: f.row.headline, minutes: f.minutes });
    }
    if (fired.length) this.publish({ changed: new Set(fired.map((f) => f.row.id)), raised: new Set() });
  }

  // ---- plumbing ----

  private upstream(row: DeskRow, type: 'alert.ack' | 'alert.close', by: Actor, payload: Record<string, unknown>, now: Date): void {
    if (row.source !== 'link') return;
    this.deps.enqueueAction(type, by.username, payload);
    this.store.log(row.id, 'upstream', `已通过区平台链路上报（${type}）`, by.username, now);
  }

  private changed(id: string): DeskAlert {
    this.publish({ changed: new Set([id]), raised: new Set() });
    return toDeskAlert(this.store.require(id));
  }

  /** alerts.changed, coalesced over 50 ms so a storm's burst is a few events, not hundreds. */
  private publish(a: Attached): void {
    if (a.changed.size === 0) return;
    a.changed.forEach((id) => this.pending.add(id));
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const ids = [...this.pending];
      this.pending.clear();
      const reset = ids.length > 200;
      this.deps.events.emit('alerts.changed', { ids: reset ? [] : ids, reset });
    }, 50);
    this.flushTimer.unref();
  }

  /** Stops the timers (the core closes). */
  stop(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.rulesTimer) clearTimeout(this.rulesTimer);
    if (this.reminderTimer) clearInterval(this.reminderTimer);
  }
}

function conflict(row: DeskRow, action: string): HallError {
  return new HallError('conflict', `Alert "${row.id}" is ${row.state}; it cannot be ${action}（${action}）now`);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** A message without info (a bare Cancel) still draws: the desk's level and type, no area. */
function withInfo(doc: CapDocument, row: DeskRow): LinkAlert {
  const local = { level: row.level, type: row.type, ...(row.station_code ? { stationCode: row.station_code } : {}), ...(row.sensor_id ? { sensorId: row.sensor_id } : {}) };
  const info = doc.info.length ? doc.info : [{ category: ['Other'], event: row.event, urgency: 'Unknown', severity: 'Unknown', certainty: 'Unknown', area: [] }];
  return { ...doc, info, local };
}

const CAP_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;

function capTime(value: string | undefined): string | undefined {
  if (value === undefined || CAP_TIME.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : capDateTime(new Date(ms));
}

/**
 * What the schema demands of every exported message, whatever its origin: CAP times with an
 * explicit offset and no fraction, enumerations from their lists (anything else → Other/Unknown).
 */
export function exportable(doc: CapDocument, row: Pick<DeskRow, 'first_sent'>): CapDocument {
  const pick = (v: string, list: readonly string[], fallback: string) => (list.includes(v) ? v : fallback);
  return {
    ...doc,
    sent: capTime(doc.sent) ?? capTime(row.first_sent)!,
    info: doc.info.map((i) => {
      const out: CapDocument['info'][number] = {
        ...i,
        category: i.category.map((c) => pick(c, CAP_CATEGORIES, 'Other')),
        urgency: pick(i.urgency, CAP_URGENCY, 'Unknown'),
        severity: pick(i.severity, CAP_SEVERITY, 'Unknown'),
        certainty: pick(i.certainty, CAP_CERTAINTY, 'Unknown'),
      };
      for (const key of ['effective', 'onset', 'expires'] as const) {
        const t = capTime(i[key]);
        if (t) out[key] = t;
        else delete out[key];
      }
      return out;
    }),
  };
}
