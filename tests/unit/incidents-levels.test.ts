/**
 * Incidents in a real core (demo accounts, link off, a clock the test moves): the response level
 * and its history, the checklist each level loads (raising loads the higher level's items,
 * lowering keeps the history, items of other levels are superseded), proposals and the
 * commander's queue, closing, and incident.report in the outbox.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import type { Core } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import type { DecisionQueue, Incident, IncidentDetail, LevelProposal, Warning } from '../../shared/contract';
import { nextEvent, signInAs, startCore, valueOf } from '../fixtures/core-helpers';

const TOWN = '441602001000';
const T0 = Date.parse('2026-06-10T08:00:00+08:00');

async function room() {
  const clock = { ms: T0 };
  const { core } = await startCore({ demo: true, startDemoDistrict: null, now: () => new Date(clock.ms), config: parseConfig({ demo: true, simulator: { devices: false } }) });
  const operator = (await signInAs(core, 'operator')).ctx;
  const commander = (await signInAs(core, 'commander')).ctx;
  const call = async <T,>(ctx: CallContext, m: string, p: unknown) => valueOf<T>(await core.invoke(ctx, m, p));
  return { core, clock, operator, commander, call };
}

function outbox(core: Core, type = 'incident.report'): { by: string; payload: { incident: Incident & { kpis: unknown } } }[] {
  return (core.db.prepare(`SELECT by, payload FROM outbox WHERE type = ? ORDER BY at, rowid`).all(type) as { by: string; payload: string }[]).map((r) => ({ by: r.by, payload: JSON.parse(r.payload) as { incident: Incident & { kpis: unknown } } }));
}

describe('response levels and their checklists', () => {
  it('activating loads the level’s checklist with due times; raising loads the higher one, lowering keeps the history and supersedes', async () => {
    const { core, clock, operator, commander, call } = await room();
    const incident = await call<Incident>(operator, 'incidents.create', { title: '上城街道暴雨内涝', type: 'rainstorm', place: { stationCode: TOWN } });
    expect(incident).toMatchObject({ family: 'flood', level: null, status: 'active', activatedAt: null, place: { stationCode: TOWN } });

    const four = await call<IncidentDetail>(commander, 'incidents.setLevel', { id: incident.id, level: 'IV', reason: '启动Ⅳ级' });
    expect(four.level).toBe('IV');
    expect(four.checklist.length).toBeGreaterThanOrEqual(5);
    expect(four.checklist.every((c) => c.level === 'IV' && !c.superseded)).toBe(true);
    expect(four.checklist.some((c) => c.text.includes('区三防办24小时值班'))).toBe(true);
    const first = four.checklist.find((c) => c.dueMinutes === 30)!;
    expect(first.dueAt).toBe(new Date(T0 + 30 * 60_000).toISOString());
    expect(four.activatedAt).toBe(new Date(T0).toISOString());
    expect(four.kpis).toMatchObject({ checklistDone: 0, checklistTotal: four.checklist.length });

    const done = await call<IncidentDetail>(operator, 'incidents.checklist.update', { id: incident.id, itemId: first.id, done: true, assignee: '张值班', note: '已到岗' });
    expect(done.checklist.find((c) => c.id === first.id)).toMatchObject({ done: true, doneBy: 'operator', assignee: '张值班', note: '已到岗' });
    expect(done.kpis.checklistDone).toBe(1);

    clock.ms += 3 * 3_600_000;
    const two = await call<IncidentDetail>(commander, 'incidents.setLevel', { id: incident.id, level: 'II', reason: '雨量超过100毫米' });
    const current = two.checklist.filter((c) => !c.superseded);
    expect(current.every((c) => c.level === 'II')).toBe(true);
    expect(current.length).toBeGreaterThan(four.checklist.length);
    expect(current.some((c) => c.text.includes('停课'))).toBe(true);
    // The Ⅳ items stay, superseded, with what was done.
    expect(two.checklist.find((c) => c.id === first.id)).toMatchObject({ superseded: true, done: true });
    expect(two.kpis.checklistTotal).toBe(current.length);
    expect(two.kpis.checklistDone).toBe(0);
    expect(two.activatedAt).toBe(new Date(T0).toISOString());

    const back = await call<IncidentDetail>(commander, 'incidents.setLevel', { id: incident.id, level: 'IV', reason: '雨势减弱' });
    expect(back.levelHistory.map((h) => [h.from, h.to, h.by])).toEqual([
      [null, 'IV', 'commander'],
      ['IV', 'II', 'commander'],
      ['II', 'IV', 'commander'],
    ]);
    // Ⅳ's items come back as they were (not loaded twice); Ⅱ's are superseded.
    expect(back.checklist.filter((c) => c.level === 'IV')).toHaveLength(four.checklist.length);
    expect(back.checklist.filter((c) => !c.superseded).every((c) => c.level === 'IV')).toBe(true);
    expect(back.checklist.filter((c) => c.level === 'II').every((c) => c.superseded)).toBe(true);
    expect(back.kpis.checklistDone).toBe(1);

    const levels = valueOf<{ text: string; by: string; significant: boolean }[]>(await core.invoke(operator, 'incidents.timeline', { id: incident.id, kinds: ['level'] }));
    expect(levels.map((e) => e.text)).toEqual([expect.stringMatching(/^启动Ⅳ级/), expect.stringMatching(/^提升为Ⅱ级/), expect.stringMatching(/^降低为Ⅳ级/)]);
    expect(levels.every((e) => e.significant && e.by === 'commander')).toBe(true);
  });

  it('ships 4 levels for each family, Ⅰ the most demanding, and a forest fire loads its own', async () => {
    const { checklistFor } = await import('../../electron/core/incidents/checklists');
    for (const family of ['flood', 'forest-fire', 'hazmat', 'generic'] as const) {
      const sizes = (['IV', 'III', 'II', 'I'] as const).map((l) => checklistFor(family, l).length);
      expect(sizes.every((n, i) => i === 0 || n >= sizes[i - 1]!), family).toBe(true);
      expect(sizes[3]!).toBeGreaterThan(sizes[0]!);
    }
    const { operator, commander, call } = await room();
    const fire = await call<Incident>(operator, 'incidents.create', { title: '源南镇山火', type: 'forest-fire', level: 'III', place: { stationCode: '441602100000' } });
    const detail = await call<IncidentDetail>(commander, 'incidents.get', { id: fire.id });
    expect(detail).toMatchObject({ family: 'forest-fire', level: 'III' });
    expect(detail.checklist.some((c) => c.text.includes('火场'))).toBe(true);
  });

  it('operators may not set the level; they propose, and the commander’s queue holds proposals and submitted warnings', async () => {
    const { core, operator, commander, call } = await room();
    const incident = await call<Incident>(operator, 'incidents.create', { title: '新江街道内涝', type: 'waterlog', level: 'IV', place: { stationCode: '441602002000' } });
    expect(await core.invoke(operator, 'incidents.setLevel', { id: incident.id, level: 'III', reason: '试图直接调整' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await core.invoke(operator, 'decision.queue', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const changed = nextEvent(core.events, 'incidents.changed');
    const proposal = await call<LevelProposal>(operator, 'incidents.proposeLevel', { id: incident.id, level: 'III', reason: '积水超过50厘米' });
    expect(await changed).toMatchObject({ ids: [incident.id], parts: expect.arrayContaining(['proposals']) as string[] });
    expect(proposal).toMatchObject({ from: 'IV', to: 'III', state: 'pending', proposedBy: 'operator', incidentTitle: '新江街道内涝' });

    const draft = await core.release.warnings.create({ type: 'waterlog', level: 'orange', title: '内涝橙色预警', text: '新江街道低洼地带请立即转移。', area: { stationCodes: ['441602002000'] }, audiences: ['duty'], channels: ['sms'] }, { username: 'operator', role: 'operator' });
    core.release.warnings.submit(draft.id, { username: 'operator', role: 'operator' });
    const queue = await call<DecisionQueue>(commander, 'decision.queue', {});
    expect(queue.approvals.map((w: Warning) => [w.id, w.status])).toEqual([[draft.id, 'submitted']]);
    expect(queue.proposals.map((p) => p.id)).toEqual([proposal.id]);
    expect((await call<IncidentDetail>(commander, 'incidents.get', { id: incident.id })).kpis.pendingProposals).toBe(1);

    const accepted = await call<LevelProposal>(commander, 'incidents.decideProposal', { proposalId: proposal.id, accept: true, note: '同意' });
    expect(accepted).toMatchObject({ state: 'accepted', decidedBy: 'commander' });
    const after = await call<IncidentDetail>(commander, 'incidents.get', { id: incident.id });
    expect(after.level).toBe('III');
    expect(after.levelHistory.at(-1)).toMatchObject({ from: 'IV', to: 'III', by: 'commander', reason: expect.stringContaining('积水超过50厘米') as string });
    expect((await call<DecisionQueue>(commander, 'decision.queue', {})).proposals).toEqual([]);
    expect(await core.invoke(commander, 'incidents.decideProposal', { proposalId: proposal.id, accept: false })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('accepted') as string } });
  });

  it('reports upstream on create, level and status changes at once, and coalesces minor updates to one per 30 s', async () => {
    const { core, clock, operator, commander, call } = await room();
    const incident = await call<Incident>(operator, 'incidents.create', { title: '埔前镇暴雨', type: 'rainstorm', place: { stationCode: '441602101000' } });
    expect(outbox(core).map((a) => [a.by, a.payload.incident.id, a.payload.incident.level])).toEqual([['operator', incident.id, null]]);
    await call(commander, 'incidents.setLevel', { id: incident.id, level: 'III', reason: '启动' });
    expect(outbox(core).at(-1)!.payload.incident).toMatchObject({ level: 'III', status: 'active', family: 'flood', kpis: expect.any(Object) as object });

    // Minor updates within 30 s of the last report wait…
    for (const text of ['第一次', '第二次', '第三次']) await call(operator, 'incidents.update', { id: incident.id, changes: { summary: text } });
    expect(outbox(core)).toHaveLength(2);
    // …one after 30 s goes at once and carries the latest state.
    clock.ms += 31_000;
    await call(operator, 'incidents.update', { id: incident.id, changes: { summary: '第四次' } });
    expect(outbox(core)).toHaveLength(3);
    expect(outbox(core).at(-1)!.payload.incident.summary).toBe('第四次');

    // A status change always goes.
    const closing = await call<Incident>(commander, 'incidents.close', { id: incident.id, note: '雨停，进入收尾', final: false });
    expect(closing.status).toBe('closing');
    const closed = await call<Incident>(commander, 'incidents.close', { id: incident.id, note: '处置完毕' });
    expect(closed).toMatchObject({ status: 'closed', closedBy: 'commander', closeNote: '处置完毕' });
    expect(outbox(core).slice(-2).map((a) => a.payload.incident.status)).toEqual(['closing', 'closed']);
    expect(await core.invoke(commander, 'incidents.setLevel', { id: incident.id, level: 'II', reason: '已结束' })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('closed') as string } });
    const audit = core.db.prepare(`SELECT method, actor, outcome FROM audit WHERE method LIKE 'incidents.%' ORDER BY id`).all();
    expect(audit).toContainEqual({ method: 'incidents.close', actor: 'commander', outcome: 'ok' });
  });
});
