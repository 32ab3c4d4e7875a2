/**
 * What operators record in the field for an incident: tasks for rescue teams and units,
 * evacuation per village (转移安置) and losses per town (灾情). Each write logs what changed and
 * reports upstream as a minor update (coalesced to one per 30 s per incident).
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { EvacuationStatus, EvacuationSummary, IncidentTask, LossSummary } from '../../../shared/contract';
import type { EvacuationInput, LossInput, TaskInput } from '../../../shared/contract/incidents';

type TaskStatus = IncidentTask['status'];
import { HallError } from '../api/errors';
import type { IncidentService } from './service';
import { townOfCode } from './scope';

export const EVACUATION_ZH: Record<EvacuationStatus, string> = {
  watch: '关注',
  prepare: '准备转移',
  evacuate: '立即转移',
  'shelter-in-place': '就地避险',
  lifted: '解除',
  drill: '演练',
};
export const TASK_STATUS_ZH: Record<TaskStatus, string> = { open: '待办', 'in-progress': '进行中', done: '已完成', cancelled: '已取消' };

export class Fieldwork {
  constructor(private readonly s: IncidentService) {}

  private nowMs(): number {
    return this.s.deps.now().getTime();
  }

  tasks(id: string): IncidentTask[] {
    this.s.require(id);
    return this.s.records.tasks(id, this.nowMs());
  }

  saveTask(incidentId: string, input: z.output<typeof TaskInput>, by: string): IncidentTask {
    this.s.requireOpen(incidentId, 'take tasks');
    if (input.stationCode && !this.s.deps.stations.get(input.stationCode)) {
      throw new HallError('invalid_params', `incidents.tasks.save: no station "${input.stationCode}"`, [{ path: 'task.stationCode', problem: 'unknown station' }]);
    }
    const at = this.s.nowIso();
    const existing = input.id ? this.s.records.task(incidentId, input.id, this.nowMs()) : undefined;
    if (input.id && !existing && this.s.records.taskExists(input.id)) throw new HallError('conflict', `Task "${input.id}" belongs to another incident`);
    const task: IncidentTask = {
      id: input.id ?? randomUUID(),
      incidentId,
      title: input.title,
      detail: input.detail,
      assignee: input.assignee,
      stationCode: input.stationCode,
      dueAt: input.dueAt ? new Date(input.dueAt).toISOString() : null,
      status: existing?.status ?? 'open',
      overdue: false,
      createdBy: existing?.createdBy ?? by,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    };
    this.s.records.upsertTask(task);
    const due = task.dueAt ? `，${new Date(task.dueAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}前完成` : '';
    this.s.note(incidentId, { kind: 'task', text: `${existing ? '修改' : '下达'}任务「${task.title}」给${task.assignee}${due}`, by, ref: task.id }, at);
    this.s.notifier.changed(incidentId, 'tasks');
    this.s.notifier.report(incidentId, by, false);
    return this.s.records.task(incidentId, task.id, this.nowMs())!;
  }

  setTaskStatus(incidentId: string, taskId: string, status: TaskStatus, by: string): IncidentTask {
    this.s.requireOpen(incidentId, 'change tasks');
    const task = this.s.records.task(incidentId, taskId, this.nowMs());
    if (!task) throw new HallError('not_found', `Incident "${incidentId}" has no task "${taskId}"`);
    if (task.status === status) return task;
    const at = this.s.nowIso();
    this.s.records.upsertTask({ ...task, status, updatedAt: at });
    this.s.note(incidentId, { kind: 'task', text: `任务「${task.title}」（${task.assignee}）${TASK_STATUS_ZH[status]}${task.overdue && status === 'done' ? '（逾期完成）' : ''}`, by, ref: taskId }, at);
    this.s.notifier.changed(incidentId, 'tasks');
    this.s.notifier.report(incidentId, by, false);
    return this.s.records.task(incidentId, taskId, this.nowMs())!;
  }

  evacuation(id: string): EvacuationSummary {
    this.s.require(id);
    return this.s.records.evacuation(id, (c) => this.s.deps.stations.get(c));
  }

  saveEvacuation(p: z.output<typeof EvacuationInput>, by: string): EvacuationSummary {
    this.s.requireOpen(p.incidentId, 'record evacuation');
    const village = this.s.deps.stations.get(p.stationCode);
    if (!village || village.level !== 'village') {
      throw new HallError('invalid_params', `incidents.evacuation.save: "${p.stationCode}" is not a known village`, [{ path: 'stationCode', problem: village ? `a ${village.level}, not a village` : 'unknown village' }]);
    }
    const townCode = village.parentCode ?? townOfCode(village.code) ?? village.code;
    const at = this.s.nowIso();
    const shelter = p.shelter.trim();
    this.s.records.saveEvacuation(p.incidentId, { stationCode: p.stationCode, townCode, toMove: p.toMove, moved: p.moved, shelter, status: p.status }, at, by);
    this.s.note(
      p.incidentId,
      {
        kind: 'evacuation',
        text: `${this.s.placeName(townCode)}${village.name}：${EVACUATION_ZH[p.status]}，应转移 ${p.toMove} 人，已转移 ${p.moved} 人${shelter ? `，安置于${shelter}` : ''}`,
        by,
        significant: p.status === 'evacuate' && p.moved === 0,
        ref: p.stationCode,
        state: `${p.status}:${p.toMove}:${p.moved}:${shelter}`,
      },
      at,
    );
    this.s.notifier.changed(p.incidentId, 'evacuation');
    this.s.notifier.report(p.incidentId, by, false);
    return this.evacuation(p.incidentId);
  }

  losses(id: string): LossSummary {
    this.s.require(id);
    return this.s.records.losses(id, (c) => this.s.placeName(c));
  }

  saveLosses(p: z.output<typeof LossInput>, by: string): LossSummary {
    this.s.requireOpen(p.incidentId, 'record losses');
    const town = this.s.deps.stations.get(p.townCode);
    if (!town || town.level !== 'town') throw new HallError('invalid_params', `incidents.losses.save: "${p.townCode}" is not a known town`, [{ path: 'townCode', problem: 'unknown town' }]);
    const { incidentId, townCode, note, ...fields } = p;
    const at = this.s.nowIso();
    this.s.records.addLoss(incidentId, { id: randomUUID(), townCode, at, by, note: note.trim(), fields });
    const parts = [
      fields.affectedPeople ? `受灾 ${fields.affectedPeople} 人` : '',
      fields.relocated ? `紧急转移 ${fields.relocated} 人` : '',
      fields.deaths || fields.missing || fields.injured ? `死亡 ${fields.deaths}、失踪 ${fields.missing}、受伤 ${fields.injured}` : '',
      fields.housesCollapsed || fields.housesDamaged ? `倒塌房屋 ${fields.housesCollapsed} 间、损坏 ${fields.housesDamaged} 间` : '',
      fields.cropAreaMu ? `农作物受灾 ${fields.cropAreaMu} 亩` : '',
      fields.directLoss ? `直接经济损失 ${fields.directLoss} 万元` : '',
    ].filter(Boolean);
    this.s.note(incidentId, { kind: 'loss', text: `${town.name}灾情：${parts.join('，') || '暂无损失'}${note.trim() ? `（${note.trim()}）` : ''}`, by, significant: fields.deaths + fields.missing > 0, ref: townCode }, at);
    this.s.notifier.changed(incidentId, 'losses');
    this.s.notifier.report(incidentId, by, false);
    return this.losses(incidentId);
  }
}
