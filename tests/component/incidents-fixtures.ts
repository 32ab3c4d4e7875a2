/** Incidents, their parts and a fake core for the incidents room's and the decision room's component tests. */
import { flushPromises, mount } from '@vue/test-utils';
import type { Component } from 'vue';
import type {
  ChecklistItem,
  DecisionQueue,
  EvacuationRecord,
  EvacuationSummary,
  IncidentDetail,
  IncidentKpis,
  IncidentSummary,
  IncidentTask,
  LevelProposal,
  LossSummary,
  Role,
  TimelineEntry,
} from '../../shared/contract';
import { Blank, fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';
import { STATIONS, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, warning } from './warnings-fixtures';

export { TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2 };
export const NOW = Date.now();
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();
export const VILLAGE_B1 = '441602101001';

export const kpis = (over: Partial<IncidentKpis> = {}): IncidentKpis => ({
  durationMinutes: 125,
  openAlerts: 3,
  moved: 180,
  toMove: 420,
  overdueTasks: 1,
  openTasks: 4,
  confirmedDeliveries: 96,
  totalDeliveries: 120,
  checklistDone: 1,
  checklistTotal: 2,
  pendingProposals: 1,
  ...over,
});

export function item(n: number, over: Partial<ChecklistItem> = {}): ChecklistItem {
  return { id: `ck-${n}`, level: 'III', seq: n, text: `检查事项 ${n}`, owner: '区三防办', assignee: null, dueMinutes: 30, dueAt: ago(-30), done: false, doneBy: null, doneAt: null, note: null, superseded: false, ...over };
}

export function proposal(over: Partial<LevelProposal> = {}): LevelProposal {
  return { id: 'lp-1', incidentId: 'inc-1', incidentTitle: '上城街道内涝', from: 'III', to: 'II', reason: '雨势加大，多村进水', proposedBy: 'operator', proposedAt: ago(5), state: 'pending', decidedBy: null, decidedAt: null, ...over };
}

export function summary(n: number, over: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: `inc-${n}`,
    title: n === 1 ? '上城街道内涝' : `事件 ${n}`,
    type: 'flood',
    family: 'flood',
    level: 'III',
    status: 'active',
    place: { stationCode: TOWN_A, point: null, area: null, description: '' },
    occurredAt: ago(125),
    commander: 'commander',
    summary: '',
    sourceAlertId: null,
    cameraIds: ['cam-1', 'cam-2'],
    createdBy: 'operator',
    createdAt: ago(125),
    updatedAt: ago(1),
    activatedAt: ago(120),
    closedAt: null,
    closedBy: null,
    closeNote: null,
    kpis: kpis(),
    ...over,
  };
}

export function detail(s: IncidentSummary = summary(1), over: Partial<IncidentDetail> = {}): IncidentDetail {
  return { ...s, levelHistory: [{ at: ago(120), by: 'commander', from: null, to: 'III', reason: '启动Ⅲ级响应' }], checklist: [item(1, { done: true, doneBy: 'operator', doneAt: ago(10) }), item(2)], proposals: [proposal()], reports: [], ...over };
}

const rec = (code: string, name: string, town: string, toMove: number, moved: number, status: EvacuationRecord['status']): EvacuationRecord => ({
  stationCode: code,
  stationName: name,
  townCode: town,
  toMove,
  moved,
  shelter: '镇中心小学',
  status,
  updatedAt: ago(3),
  updatedBy: 'operator',
  lat: null,
  lon: null,
});

export function evacuation(moved = 180): EvacuationSummary {
  const records = [rec(VILLAGE_A1, '上城一村', TOWN_A, 200, moved - 60, 'evacuate'), rec(VILLAGE_A2, '上城二村', TOWN_A, 100, 40, 'prepare'), rec(VILLAGE_B1, '埔前一村', TOWN_B, 120, 20, 'watch')];
  const byTown = [
    { townCode: TOWN_A, townName: '上城街道', toMove: 300, moved: moved - 20, villages: 2 },
    { townCode: TOWN_B, townName: '埔前镇', toMove: 120, moved: 20, villages: 1 },
  ];
  return { records, byTown, totals: { toMove: 420, moved, villages: 3 } };
}

export function task(n: number, over: Partial<IncidentTask> = {}): IncidentTask {
  return { id: `t-${n}`, incidentId: 'inc-1', title: `任务 ${n}`, detail: '', assignee: '区消防救援大队', stationCode: null, dueAt: ago(-60), status: 'open', overdue: false, createdBy: 'operator', createdAt: ago(30), updatedAt: ago(30), ...over };
}

export const timeline = (): TimelineEntry[] => [
  { id: 1, at: ago(120), kind: 'level', text: '启动Ⅲ级响应', by: 'commander', significant: true, ref: null },
  { id: 2, at: ago(60), kind: 'manual', text: '上城一村水位上涨', by: 'operator', significant: false, ref: null },
  { id: 3, at: ago(20), kind: 'evacuation', text: '上城一村开始转移', by: 'operator', significant: true, ref: null },
];

export const emptyLosses = (): LossSummary => ({
  reports: [],
  byTown: [],
  totals: { affectedPeople: 0, relocated: 0, housesCollapsed: 0, housesDamaged: 0, cropAreaMu: 0, directLoss: 0, lossAgri: 0, lossIndustryTransport: 0, lossWaterFacilities: 0, lossOther: 0, deaths: 0, missing: 0, injured: 0 },
});

export const queue = (): DecisionQueue => ({ approvals: [warning(7, { level: 'orange', status: 'submitted', title: '上城街道暴雨橙色预警', submittedBy: 'operator', submittedAt: ago(2) })], proposals: [proposal()] });

/** A fake core holding the incident's parts (change them, then emit `incidents.changed`, as the core would). */
export function incidentHandlers(extra: Handlers = {}) {
  const db = {
    detail: detail(),
    evacuation: evacuation(),
    tasks: [task(1, { dueAt: ago(15), overdue: true }), task(2), task(3, { status: 'done', dueAt: ago(90) })],
    timeline: timeline(),
    queue: queue(),
  };
  const { levelHistory: _h, checklist: _c, proposals: _p, reports: _r, ...row } = db.detail;
  const handlers: Handlers = {
    'stations.list': () => ok(STATIONS),
    'incidents.list': () => ok([row, summary(2, { status: 'closed', level: 'IV', kpis: kpis({ overdueTasks: 0 }) })]),
    'incidents.get': () => ok(db.detail),
    'incidents.timeline': () => ok(db.timeline),
    'incidents.tasks.list': () => ok(db.tasks),
    'incidents.evacuation.list': () => ok(db.evacuation),
    'incidents.losses.list': () => ok(emptyLosses()),
    'incidents.checklist.update': ({ itemId, done }) => ok({ ...db.detail, checklist: db.detail.checklist.map((i) => (i.id === itemId ? { ...i, done: done ?? i.done } : i)) }),
    'incidents.setLevel': ({ level }) => ok({ ...db.detail, level }),
    'incidents.proposeLevel': ({ level, reason }) => ok(proposal({ id: 'lp-2', to: level, reason })),
    'incidents.decideProposal': ({ proposalId, accept }) => ok(proposal({ id: proposalId, state: accept ? 'accepted' : 'declined', decidedBy: 'commander', decidedAt: new Date().toISOString() })),
    'incidents.report': ({ id }) => ok({ id: 'rep-1', path: `/data/reports/${id}.pdf`, filename: '上城街道内涝-情况报告.pdf', bytes: 9, dataBase64: btoa('%PDF-1.7\n') }),
    'incidents.wall': () => ok({ sceneId: 'scene-inc-1' }),
    'decision.queue': () => ok(db.queue),
    'video.cameras.list': () => ok([]),
    'alerts.list': () => ok({ items: [], nextCursor: null, total: 0 }),
    'warnings.approve': ({ id }) => ok(warning(7, { id, status: 'approved' })),
    ...extra,
  };
  return { db, handlers };
}

const ROUTES = [
  { path: '/incidents', name: 'incidents', component: Blank },
  { path: '/decision', name: 'decision', component: Blank },
  { path: '/', name: 'overview', component: Blank },
];

export async function mountView(view: Component, handlers: Handlers, role: Role, stubs: Record<string, boolean> = {}) {
  const hall = fakeHall(handlers);
  const router = await testRouter(ROUTES, '/incidents');
  const global = globalFor(hall, router, 'zh-CN', { session: { status: 'signedIn', user: { username: role, displayName: role, role } } });
  const wrapper = mount(view, { global: { ...global, stubs }, attachTo: document.body });
  await flushPromises();
  return { hall, router, wrapper };
}

export const calls = (invoke: { mock: { calls: unknown[][] } }, method: string) => invoke.mock.calls.filter((c) => c[0] === method).map((c) => c[1]);
