/**
 * What operators record for an incident, in a real core with a clock the test moves: tasks with
 * due times (overdue ones stand out and come first), evacuation per village with totals per
 * town (drills stay out), and loss reports per town where the latest report of each town counts.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import { parseConfig } from '../../electron/core/config/config';
import type { EvacuationSummary, Incident, IncidentDetail, IncidentTask, LossSummary, TimelineEntry } from '../../shared/contract';
import { signInAs, startCore, valueOf } from '../fixtures/core-helpers';

const T0 = Date.parse('2026-06-10T08:00:00+08:00');
const SHANGCHENG = '441602001000';
const YUANNAN = '441602100000';

async function room() {
  const clock = { ms: T0 };
  const { core } = await startCore({ demo: true, startDemoDistrict: null, now: () => new Date(clock.ms), config: parseConfig({ demo: true, simulator: { devices: false } }) });
  const operator = (await signInAs(core, 'operator')).ctx;
  const call = async <T,>(ctx: CallContext, m: string, p: unknown) => valueOf<T>(await core.invoke(ctx, m, p));
  const villages = (town: string) => (core.db.prepare(`SELECT code, name FROM stations WHERE level = 'village' AND parent_code = ? ORDER BY code`).all(town) as { code: string; name: string }[]).map((v) => v.code);
  const incident = await call<Incident>(operator, 'incidents.create', { title: '区域性暴雨', type: 'rainstorm', level: 'III', place: { stationCode: '441602' } });
  return { core, clock, operator, call, villages, incident };
}

describe('tasks', () => {
  it('marks open tasks past their due time overdue, lists them first, and counts them in the KPIs', async () => {
    const { clock, operator, call, incident } = await room();
    const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
    const soon = await call<IncidentTask>(operator, 'incidents.tasks.save', { incidentId: incident.id, task: { title: '巡查水库', assignee: '区水务局', dueAt: at(30) } });
    const later = await call<IncidentTask>(operator, 'incidents.tasks.save', { incidentId: incident.id, task: { title: '转移群众', assignee: '源南镇', stationCode: YUANNAN, dueAt: at(120) } });
    const finished = await call<IncidentTask>(operator, 'incidents.tasks.save', { incidentId: incident.id, task: { title: '发布预警', assignee: '区三防办', dueAt: at(10) } });
    await call(operator, 'incidents.tasks.setStatus', { incidentId: incident.id, taskId: finished.id, status: 'done' });
    expect(soon).toMatchObject({ status: 'open', overdue: false, createdBy: 'operator' });

    clock.ms = T0 + 60 * 60_000;
    const tasks = await call<IncidentTask[]>(operator, 'incidents.tasks.list', { id: incident.id });
    expect(tasks.map((t) => [t.title, t.overdue])).toEqual([
      ['巡查水库', true],
      ['转移群众', false],
      ['发布预警', false],
    ]);
    const detail = await call<IncidentDetail>(operator, 'incidents.get', { id: incident.id });
    expect(detail.kpis).toMatchObject({ overdueTasks: 1, openTasks: 2 });

    // Moving it on keeps it overdue; finishing it ends that.
    expect(await call<IncidentTask>(operator, 'incidents.tasks.setStatus', { incidentId: incident.id, taskId: soon.id, status: 'in-progress' })).toMatchObject({ overdue: true });
    expect(await call<IncidentTask>(operator, 'incidents.tasks.setStatus', { incidentId: incident.id, taskId: soon.id, status: 'done' })).toMatchObject({ overdue: false, status: 'done' });
    // Changing a task keeps who made it and its status.
    const edited = await call<IncidentTask>(operator, 'incidents.tasks.save', { incidentId: incident.id, task: { id: later.id, title: '转移群众（扩大范围）', assignee: '源南镇', dueAt: at(30) } });
    expect(edited).toMatchObject({ id: later.id, title: '转移群众（扩大范围）', overdue: true, createdAt: later.createdAt });
    const log = await call<TimelineEntry[]>(operator, 'incidents.timeline', { id: incident.id, kinds: ['task'] });
    expect(log.map((e) => e.text)).toContain('任务「巡查水库」（区水务局）已完成（逾期完成）');
  });
});

describe('evacuation', () => {
  it('totals people to move and moved per town and overall, one record per village, drills left out', async () => {
    const { call, operator, villages, incident } = await room();
    const [a1, a2] = villages(SHANGCHENG);
    const [b1, b2] = villages(YUANNAN);
    const save = (stationCode: string, toMove: number, moved: number, status: string, shelter = '') =>
      call<EvacuationSummary>(operator, 'incidents.evacuation.save', { incidentId: incident.id, stationCode, toMove, moved, shelter, status });
    await save(a1!, 120, 30, 'evacuate', '上城小学');
    await save(a2!, 40, 0, 'prepare');
    await save(b1!, 200, 150, 'evacuate', '源南镇政府礼堂');
    await save(b2!, 999, 999, 'drill');
    // A later save of the same village replaces its record.
    const summary = await save(a1!, 120, 110, 'evacuate', '上城小学');

    expect(summary.records).toHaveLength(4);
    expect(summary.records.find((r) => r.stationCode === a1)).toMatchObject({ toMove: 120, moved: 110, shelter: '上城小学', status: 'evacuate', townCode: SHANGCHENG, updatedBy: 'operator', lat: expect.any(Number) as number });
    expect(summary.byTown).toEqual([
      { townCode: SHANGCHENG, townName: '上城街道', toMove: 160, moved: 110, villages: 2 },
      { townCode: YUANNAN, townName: '源南镇', toMove: 200, moved: 150, villages: 1 },
    ]);
    expect(summary.totals).toEqual({ toMove: 360, moved: 260, villages: 3 });
    expect((await call<IncidentDetail>(operator, 'incidents.get', { id: incident.id })).kpis).toMatchObject({ toMove: 360, moved: 260 });

    // Saving the same numbers again logs nothing new.
    const before = (await call<TimelineEntry[]>(operator, 'incidents.timeline', { id: incident.id, kinds: ['evacuation'] })).length;
    await save(b1!, 200, 150, 'evacuate', '源南镇政府礼堂');
    expect(await call<TimelineEntry[]>(operator, 'incidents.timeline', { id: incident.id, kinds: ['evacuation'] })).toHaveLength(before);
  });

  it('refuses a place that is not a village, naming it', async () => {
    const { core, operator, incident } = await room();
    const result = await core.invoke(operator, 'incidents.evacuation.save', { incidentId: incident.id, stationCode: SHANGCHENG, toMove: 1, moved: 0, status: 'watch' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_params', message: expect.stringContaining(SHANGCHENG) as string } });
  });
});

describe('losses', () => {
  it('keeps every report and totals the latest of each town', async () => {
    const { clock, call, operator, incident } = await room();
    const save = (townCode: string, fields: Record<string, number>, note = '') => call<LossSummary>(operator, 'incidents.losses.save', { incidentId: incident.id, townCode, note, ...fields });
    await save(SHANGCHENG, { affectedPeople: 100, housesDamaged: 3, directLoss: 10.5 });
    clock.ms += 3_600_000;
    await save(YUANNAN, { affectedPeople: 50, cropAreaMu: 120.5, directLoss: 20 });
    clock.ms += 3_600_000;
    // The town's newer report replaces its figures in the totals (it is a statement as of now, not an increment).
    const summary = await save(SHANGCHENG, { affectedPeople: 180, housesDamaged: 5, housesCollapsed: 1, directLoss: 30.25, injured: 2 }, '核实后更新');

    expect(summary.reports.map((r) => [r.townName, r.affectedPeople])).toEqual([
      ['上城街道', 180],
      ['源南镇', 50],
      ['上城街道', 100],
    ]);
    expect(summary.byTown.map((r) => [r.townCode, r.affectedPeople, r.note])).toEqual([
      [SHANGCHENG, 180, '核实后更新'],
      [YUANNAN, 50, ''],
    ]);
    expect(summary.totals).toMatchObject({ affectedPeople: 230, housesDamaged: 5, housesCollapsed: 1, cropAreaMu: 120.5, directLoss: 50.25, injured: 2, deaths: 0 });
    expect(summary.byTown[0]!.at).toBe(new Date(T0 + 2 * 3_600_000).toISOString());
  });

  it('refuses a code that is not a town', async () => {
    const { core, operator, incident } = await room();
    expect(await core.invoke(operator, 'incidents.losses.save', { incidentId: incident.id, townCode: '441602999000', affectedPeople: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringContaining('441602999000') as string },
    });
  });
});
