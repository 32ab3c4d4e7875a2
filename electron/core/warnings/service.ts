/**
 * The release workflow: compose (from a template or an alert), edit, submit, approve or reject,
 * release (now, at a scheduled time, or break-glass), cancel, update — each step checked by
 * rules.ts, logged in the warning's timeline and the audit log, and pushed as an event. A
 * release expands into deliveries that the engine carries; when the last one settles, the
 * warning is completed / partial / failed and a `broadcast.report` goes upstream.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Db } from '../db/database';
import { durablyOrJoin as durable } from '../db/database';
import type { EventBus } from '../events/bus';
import { HallError } from '../api/errors';
import { EbmIdAllocator } from '../devices/ebm';
import type { Warning, WarningDetail, WarningInput, TownCoverage } from '../../../shared/contract/warnings';
import { WarningInput as WarningInputSchema } from '../../../shared/contract/warnings';
import { LEVEL_ZH, TYPE_ZH } from '../../../shared/alerts/levels';
import { assertAllowed, allowedFor, finalStatus, isFinished, needsApproval, scopeOf, type Caller } from './rules';
import type { WarningRecord, WarningsStore } from './store';
import { expandEscalation, expandRelease, type Inventory } from './expand';
import type { AudioLibrary, AudioServer, WarningAudioFile } from './audio';
import type { DeliveryEngine } from './engine';
import { warningToCap } from './cap';

export interface WarningServiceDeps {
  db: Db;
  events: EventBus;
  store: WarningsStore;
  audio: AudioLibrary;
  audioServer: AudioServer;
  inventory: () => Inventory;
  placeName: (code: string) => string;
  platformCode: string;
  enqueueAction: (type: string, by: string, payload: Record<string, unknown>) => unknown;
  now: () => Date;
  log: (line: string) => void;
}

export class WarningService {
  private readonly ebm: EbmIdAllocator;
  private readonly pendingProgress = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  engine: DeliveryEngine | null = null;

  constructor(private readonly deps: WarningServiceDeps) {
    this.ebm = new EbmIdAllocator(deps.platformCode, deps.store.ebmState());
  }

  private nowIso(): string {
    return this.deps.now().toISOString();
  }

  require(id: string): WarningRecord {
    const w = this.deps.store.get(id);
    if (!w) throw new HallError('not_found', `No warning ${id}`);
    return w;
  }

  list(statuses: Warning['status'][] | undefined, limit: number): Warning[] {
    return this.deps.store.list(statuses, limit).map((w) => this.toWarning(w));
  }

  deliveries(id: string) {
    return this.deps.store.deliveries(id);
  }

  toWarning(w: WarningRecord): Warning {
    return { ...w, counts: this.deps.store.counts(w.id) };
  }

  private audioFile(w: WarningRecord): WarningAudioFile | null {
    if (!w.audio) return null;
    return { ...w.audio, file: this.deps.audio.pathFor(w.id, w.audio.mimeType === 'audio/mpeg' ? 'mp3' : 'wav') };
  }

  audioUrl(w: WarningRecord): string {
    const file = this.audioFile(w);
    if (!file) throw new Error(`warning ${w.id} has no audio`);
    return this.deps.audioServer.urlFor(w.id, file);
  }

  smsText(w: WarningRecord): string {
    return `${w.drill ? '【演练】' : ''}【源城区应急】${w.title}：${w.text}`;
  }

  private changed(...ids: string[]): void {
    this.deps.events.emit('warnings.changed', { ids });
  }

  private validate(input: WarningInput): ReturnType<typeof WarningInputSchema.parse> {
    const p = WarningInputSchema.parse(input);
    if (p.area.stationCodes.length === 0 && !p.area.drawn) throw new HallError('invalid_params', 'A warning needs an area: towns, villages or a drawn polygon');
    const unknown = p.area.stationCodes.filter((c) => this.deps.placeName(c) === c);
    if (unknown.length > 0) throw new HallError('invalid_params', `Unknown place code(s) in the area: ${unknown.join(', ')}`);
    if (p.scheduledAt && new Date(p.scheduledAt).getTime() <= this.deps.now().getTime()) throw new HallError('invalid_params', `The scheduled time ${p.scheduledAt} is not in the future`);
    if (p.channels.includes('sms') && !p.audiences.some((a) => a !== 'residents' && a !== 'radio-net')) {
      throw new HallError('invalid_params', 'SMS goes to people: choose at least one of 村居干部, 值班人员, 三防责任人 or 救援队员');
    }
    if (!p.audiences.includes('residents') && (p.channels.includes('speaker') || p.channels.includes('amplifier'))) {
      throw new HallError('invalid_params', 'Loudspeakers and amplifier zones reach residents: add the residents audience or drop those channels');
    }
    return p;
  }

  async create(input: WarningInput, by: Caller, extra: { msgType?: Warning['msgType']; references?: string | null } = {}): Promise<Warning> {
    const p = this.validate(input);
    const id = randomUUID();
    const audio = await this.deps.audio.speak(id, `${p.title}。${p.text}`);
    const at = this.nowIso();
    const scope = scopeOf(p.audiences, p.channels);
    const w: WarningRecord = {
      id,
      ebmId: '',
      msgType: extra.msgType ?? 'Alert',
      references: extra.references ?? null,
      type: p.type,
      level: p.level,
      title: p.title,
      text: p.text,
      area: p.area,
      audiences: [...new Set(p.audiences)],
      channels: [...new Set(p.channels)],
      repeat: p.repeat,
      volume: p.volume ?? null,
      scheduledAt: p.scheduledAt ?? null,
      escalation: p.escalation ?? null,
      templateId: p.templateId ?? null,
      sourceAlertId: p.sourceAlertId ?? null,
      drill: p.drill,
      scope,
      needsApproval: needsApproval(p.level, scope),
      status: 'draft',
      createdBy: by.username,
      createdAt: at,
      updatedAt: at,
      submittedBy: null,
      submittedAt: null,
      approvedBy: null,
      approvedAt: null,
      rejectedBy: null,
      rejectReason: null,
      breakGlass: null,
      releasedBy: null,
      releasedAt: null,
      finishedAt: null,
      cancelledBy: null,
      cancelReason: null,
      audio: { source: audio.source, durationMs: audio.durationMs, mimeType: audio.mimeType, bytes: audio.bytes },
    };
    this.deps.db.transaction(() => {
      w.ebmId = this.ebm.next(this.deps.now());
      this.deps.store.saveEbmState(this.ebm.state!);
      this.deps.store.insert(w);
      const what = w.msgType === 'Alert' ? '起草' : w.msgType === 'Update' ? '起草更新' : '撤销';
      this.deps.store.event(id, 'created', `${what}${TYPE_ZH[w.type] ?? w.type}${LEVEL_ZH[w.level]}预警「${w.title}」（EBM ${w.ebmId}）`, by.username);
    })();
    this.changed(id);
    return this.toWarning(w);
  }

  async update(id: string, changes: Partial<WarningInput>, by: Caller): Promise<Warning> {
    const w = this.require(id);
    if (w.status !== 'draft') {
      assertAllowed('update', w, by);
      const base: WarningInput = { type: w.type, level: w.level, title: w.title, text: w.text, area: w.area, audiences: w.audiences, channels: w.channels, repeat: w.repeat, drill: w.drill };
      if (w.volume !== null) base.volume = w.volume;
      if (w.escalation) base.escalation = w.escalation;
      const update = await this.create({ ...base, ...changes, ...(w.sourceAlertId ? { sourceAlertId: w.sourceAlertId } : {}) }, by, { msgType: 'Update', references: w.id });
      this.deps.store.event(w.id, 'updated', `起草了更新（${update.ebmId}）`, by.username);
      this.changed(w.id);
      return update;
    }
    assertAllowed('edit', w, by);
    const current: WarningInput = { type: w.type, level: w.level, title: w.title, text: w.text, area: w.area, audiences: w.audiences, channels: w.channels, repeat: w.repeat, drill: w.drill };
    if (w.volume !== null) current.volume = w.volume;
    if (w.scheduledAt) current.scheduledAt = w.scheduledAt;
    if (w.escalation) current.escalation = w.escalation;
    const p = this.validate({ ...current, ...changes });
    const textChanged = p.title !== w.title || p.text !== w.text;
    const scope = scopeOf(p.audiences, p.channels);
    const next: WarningRecord = {
      ...w,
      type: p.type,
      level: p.level,
      title: p.title,
      text: p.text,
      area: p.area,
      audiences: p.audiences,
      channels: p.channels,
      repeat: p.repeat,
      volume: p.volume ?? null,
      scheduledAt: p.scheduledAt ?? null,
      escalation: p.escalation ?? null,
      drill: p.drill,
      scope,
      needsApproval: needsApproval(p.level, scope),
      updatedAt: this.nowIso(),
    };
    if (textChanged && w.audio?.source !== 'upload') {
      const audio = await this.deps.audio.speak(w.id, `${p.title}。${p.text}`);
      next.audio = { source: audio.source, durationMs: audio.durationMs, mimeType: audio.mimeType, bytes: audio.bytes };
    }
    this.deps.db.transaction(() => {
      this.deps.store.save(next);
      this.deps.store.event(w.id, 'edited', '修改了草稿', by.username);
    })();
    this.changed(id);
    return this.toWarning(next);
  }

  private transition(w: WarningRecord, changes: Partial<WarningRecord>, kind: string, text: string, by: string | null): WarningRecord {
    const next = { ...w, ...changes, updatedAt: this.nowIso() };
    durable(this.deps.db, () => {
      this.deps.store.save(next);
      this.deps.store.event(w.id, kind, text, by);
    });
    this.changed(w.id);
    return next;
  }

  submit(id: string, by: Caller): Warning {
    const w = this.require(id);
    assertAllowed('submit', w, by);
    return this.toWarning(this.transition(w, { status: 'submitted', submittedBy: by.username, submittedAt: this.nowIso(), rejectReason: null, rejectedBy: null }, 'submitted', '提交审批', by.username));
  }

  approve(id: string, by: Caller): Warning {
    const w = this.require(id);
    assertAllowed('approve', w, by);
    const approved = this.transition(w, { status: 'approved', approvedBy: by.username, approvedAt: this.nowIso() }, 'approved', '批准发布', by.username);
    if (!approved.scheduledAt || new Date(approved.scheduledAt).getTime() <= this.deps.now().getTime()) return this.toWarning(this.startRelease(approved, by.username));
    return this.toWarning(approved);
  }

  reject(id: string, reason: string, by: Caller): Warning {
    const w = this.require(id);
    assertAllowed('reject', w, by);
    return this.toWarning(this.transition(w, { status: 'draft', rejectedBy: by.username, rejectReason: reason }, 'rejected', `驳回：${reason}`, by.username));
  }

  release(id: string, by: Caller, breakGlass?: { reason: string }): Warning {
    const w = this.require(id);
    if (breakGlass && w.needsApproval && w.status !== 'approved') {
      assertAllowed('breakGlass', w, by);
      const at = this.nowIso();
      const marked = this.transition(w, { breakGlass: { by: by.username, reason: breakGlass.reason, at } }, 'break-glass', `紧急发布（未经审批）：${breakGlass.reason}`, by.username);
      this.deps.log(`[warnings] BREAK-GLASS release of ${w.id} "${w.title}" by ${by.username}: ${breakGlass.reason}`);
      return this.toWarning(this.startRelease(marked, by.username));
    }
    assertAllowed('release', w, by);
    if (w.status === 'draft' && w.scheduledAt && new Date(w.scheduledAt).getTime() > this.deps.now().getTime()) {
      return this.toWarning(this.transition(w, { status: 'approved', approvedBy: by.username, approvedAt: this.nowIso() }, 'scheduled', `定时发布：${w.scheduledAt}`, by.username));
    }
    return this.toWarning(this.startRelease(w, by.username));
  }

  private startRelease(w: WarningRecord, by: string): WarningRecord {
    const deliveries = expandRelease(w, this.deps.inventory());
    if (deliveries.length === 0) {
      throw new HallError('conflict', `warnings.release ${w.id}: nothing to deliver — no terminal, zone, radio or contact in the area for the chosen audiences and channels`);
    }
    const next: WarningRecord = { ...w, status: 'releasing', releasedBy: by, releasedAt: this.nowIso(), updatedAt: this.nowIso() };
    durable(this.deps.db, () => {
      this.deps.store.save(next);
      this.deps.store.addDeliveries(w.id, deliveries);
      this.deps.store.event(w.id, 'released', `开始发布：${deliveries.length} 个发送目标`, by);
    });
    this.changed(w.id);
    // After the caller's transaction has committed.
    setImmediate(() => this.engine?.pump());
    return next;
  }

  async cancel(id: string, reason: string, by: Caller): Promise<Warning> {
    const w = this.require(id);
    assertAllowed('cancel', w, by);
    const wasOut = w.status === 'releasing' || isFinished(w.status);
    const cancelled = this.transition(w, { status: 'cancelled', cancelledBy: by.username, cancelReason: reason, finishedAt: w.finishedAt ?? this.nowIso() }, 'cancelled', `撤销：${reason}`, by.username);
    durable(this.deps.db, () => this.deps.store.cancelOpen(w.id, `cancelled: ${reason}`));
    if (wasOut) {
      await this.engine?.stopWarning(cancelled);
      // The Cancel message of the chain (CAP references), kept for export and the record.
      const base: WarningInput = { type: w.type, level: w.level, title: `撤销：${w.title}`, text: `${w.title}已撤销。${reason}`, area: w.area, audiences: w.audiences, channels: w.channels, drill: w.drill };
      const c = await this.create(base, by, { msgType: 'Cancel', references: w.id });
      this.transition(this.require(c.id), { status: 'completed', releasedBy: by.username, releasedAt: this.nowIso(), finishedAt: this.nowIso() }, 'completed', '撤销已记录，终端已停止播放', by.username);
      this.report(cancelled, by.username);
    }
    return this.toWarning(this.require(id));
  }

  uploadAudio(id: string, mimeType: string, data: Buffer, by: Caller): Warning {
    const w = this.require(id);
    assertAllowed('edit', w, by);
    let file: WarningAudioFile;
    try {
      file = this.deps.audio.store(w.id, mimeType, data);
    } catch (error) {
      throw new HallError('invalid_params', `warnings.audio.upload ${id}: ${(error as Error).message}`);
    }
    return this.toWarning(this.transition(w, { audio: { source: 'upload', durationMs: file.durationMs, mimeType: file.mimeType, bytes: file.bytes } }, 'audio', `上传录音（${Math.round(file.durationMs / 1000)} 秒）`, by.username));
  }

  audio(id: string): { source: 'tts' | 'upload' | 'tone'; mimeType: string; durationMs: number; dataBase64: string; url: string } {
    const w = this.require(id);
    const file = this.audioFile(w);
    if (!file || !w.audio) throw new HallError('not_found', `Warning ${id} has no audio`);
    return { source: w.audio.source, mimeType: file.mimeType, durationMs: file.durationMs, dataBase64: fs.readFileSync(file.file).toString('base64'), url: this.audioUrl(w) };
  }

  exportCap(id: string): { xml: string; filename: string } {
    const w = this.require(id);
    return warningToCap(w, w.references ? this.deps.store.get(w.references) : undefined, this.deps.placeName);
  }

  detail(id: string, caller: Caller): WarningDetail {
    const w = this.require(id);
    const rows = this.deps.store.deliveries(id);
    const towns = new Map<string, TownCoverage & { reached: Set<string>; targeted: Set<string> }>();
    for (const d of rows) {
      if (!d.townCode) continue;
      const t = towns.get(d.townCode) ?? { townCode: d.townCode, townName: this.deps.placeName(d.townCode), total: 0, confirmed: 0, failed: 0, villagesReached: 0, villagesTargeted: 0, reached: new Set(), targeted: new Set() };
      towns.set(d.townCode, t);
      t.total++;
      if (d.state === 'confirmed') t.confirmed++;
      if (d.state === 'failed') t.failed++;
      if ((d.channel === 'speaker' || d.channel === 'amplifier') && d.stationCode) {
        t.targeted.add(d.stationCode);
        if (d.state === 'confirmed') t.reached.add(d.stationCode);
      }
    }
    const coverage = [...towns.values()]
      .map(({ reached, targeted, ...t }) => ({ ...t, villagesReached: reached.size, villagesTargeted: targeted.size }))
      .sort((a, b) => a.townCode.localeCompare(b.townCode));
    return { ...this.toWarning(w), coverage, byChannel: this.deps.store.countsByChannel(id), timeline: this.deps.store.events(id), allowed: allowedFor(w, caller) };
  }

  // ---- the release's course ---------------------------------------------------------------

  /** The core is closing: no timer may touch the database after this. */
  stop(): void {
    this.stopped = true;
    this.pendingProgress.forEach((t) => clearTimeout(t));
    this.pendingProgress.clear();
  }

  /** A delivery moved: coalesce a progress event and see whether the release is over. */
  deliveryChanged(id: string): void {
    if (this.stopped || this.pendingProgress.has(id)) return;
    const t = setTimeout(() => {
      this.pendingProgress.delete(id);
      const w = this.deps.store.get(id);
      if (!w) return;
      this.deps.events.emit('warnings.progress', { id, status: w.status, counts: this.deps.store.counts(id) });
      this.checkFinished(w);
    }, 200);
    t.unref?.();
    this.pendingProgress.set(id, t);
  }

  private checkFinished(w: WarningRecord): void {
    if (w.status !== 'releasing') return;
    const counts = this.deps.store.counts(w.id);
    const status = finalStatus(counts, this.deps.store.waitingForConfirmation(w.id, this.deps.now().getTime()));
    if (!status) return;
    const zh = { completed: '发布完成', partial: '部分完成', failed: '发布失败' } as Record<string, string>;
    const done = this.transition(w, { status, finishedAt: this.nowIso() }, status, `${zh[status] ?? status}：确认 ${counts.confirmed}/${counts.total - counts.cancelled}，失败 ${counts.failed}`, null);
    this.deps.events.emit('warnings.progress', { id: w.id, status, counts });
    this.report(done, w.releasedBy ?? w.createdBy);
  }

  private report(w: WarningRecord, by: string): void {
    const counts = this.deps.store.counts(w.id);
    const summary = { ebmId: w.ebmId, msgType: w.msgType, title: w.title, level: w.level, type: w.type, status: w.status, releasedAt: w.releasedAt, finishedAt: w.finishedAt, counts, byChannel: this.deps.store.countsByChannel(w.id), breakGlass: w.breakGlass };
    this.deps.enqueueAction('broadcast.report', by, { releaseId: w.id, summary });
  }

  /** Every few seconds: scheduled releases that fell due, confirmation windows that ran out, escalations. */
  tick(): void {
    const now = this.deps.now().getTime();
    for (const w of this.deps.store.withStatus('approved')) {
      if (w.scheduledAt && new Date(w.scheduledAt).getTime() <= now) {
        try {
          this.startRelease(w, w.approvedBy ?? w.createdBy);
        } catch (error) {
          this.transition(w, { status: 'failed', finishedAt: this.nowIso() }, 'failed', `定时发布失败：${(error as Error).message}`, null);
        }
      }
    }
    for (const w of this.deps.store.withStatus('releasing')) {
      this.escalate(w, now);
      this.checkFinished(w);
    }
  }

  private escalate(w: WarningRecord, now: number): void {
    const e = w.escalation;
    if (!e || !w.releasedAt || now < new Date(w.releasedAt).getTime() + e.withinMinutes * 60_000) return;
    const events = this.deps.store.events(w.id);
    if (events.some((ev) => ev.kind === 'escalated' || ev.kind === 'escalation-checked')) return;
    const people = this.deps.store.deliveries(w.id).filter((d) => d.channel === 'sms' && !d.escalated);
    const confirmed = people.filter((d) => d.state === 'confirmed').length;
    const share = people.length === 0 ? 100 : (confirmed / people.length) * 100;
    if (share >= e.minConfirmedPercent) {
      this.deps.store.event(w.id, 'escalation-checked', `${e.withinMinutes} 分钟内确认 ${share.toFixed(0)}%，无需升级`, null);
      return;
    }
    const extra = expandEscalation(e.group, new Set(people.map((d) => d.target)), this.deps.inventory());
    durable(this.deps.db, () => {
      this.deps.store.addDeliveries(w.id, extra);
      this.deps.store.event(w.id, 'escalated', `${e.withinMinutes} 分钟内仅 ${share.toFixed(0)}% 确认（要求 ${e.minConfirmedPercent}%），升级通知「${e.group}」${extra.length} 人`, null);
    });
    this.changed(w.id);
    this.engine?.pump();
  }
}
