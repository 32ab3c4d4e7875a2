/** Warnings, contacts and devices, and a fake core for the warnings room's component tests. */
import { flushPromises, mount } from '@vue/test-utils';
import type { Component } from 'vue';
import type { DeliveryCounts, DeviceInfo, Role, Station, Warning, WarningDetail, WarningTemplate } from '../../shared/contract';
import WarningsView from '../../renderer/src/views/WarningsView.vue';
import { Blank, fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';

export const NOW = Date.now();
export const DISTRICT = '441602';
export const TOWN_A = '441602001000';
export const TOWN_B = '441602101000';
export const VILLAGE_A1 = '441602001001';
export const VILLAGE_A2 = '441602001002';

export const STATIONS: Station[] = [
  { code: DISTRICT, name: '源城区', level: 'district', lat: 23.74, lon: 114.69, online: true, demo: false },
  { code: TOWN_A, name: '上城街道', level: 'town', parentCode: DISTRICT, lat: 23.73, lon: 114.7, online: true, demo: false },
  { code: VILLAGE_A1, name: '上城一村', level: 'village', parentCode: TOWN_A, lat: 23.73, lon: 114.7, online: true, demo: true },
  { code: VILLAGE_A2, name: '上城二村', level: 'village', parentCode: TOWN_A, lat: 23.73, lon: 114.7, online: true, demo: true },
  { code: TOWN_B, name: '埔前镇', level: 'town', parentCode: DISTRICT, lat: 23.66, lon: 114.73, online: true, demo: false },
];

export const TEMPLATES: WarningTemplate[] = [
  {
    id: 'tpl-rain',
    name: '暴雨预警',
    type: 'rainstorm',
    level: 'orange',
    title: '{区域}暴雨{级别}预警',
    text: '{时间}起，{区域}将出现强降雨，现发布暴雨{级别}预警，请注意防御。',
    audiences: ['residents', 'cadre'],
    channels: ['speaker', 'sms'],
    repeat: 3,
  },
];

export const counts = (over: Partial<DeliveryCounts> = {}): DeliveryCounts => ({ total: 0, queued: 0, sending: 0, sent: 0, confirmed: 0, failed: 0, cancelled: 0, ...over });
export const NONE_ALLOWED: WarningDetail['allowed'] = { edit: false, submit: false, approve: false, reject: false, release: false, breakGlass: false, cancel: false, update: false };

export function warning(n: number, over: Partial<Warning> = {}): Warning {
  const at = new Date(NOW - n * 60_000).toISOString();
  return {
    id: `w-${n}`,
    ebmId: `1441602000000000000000000000000${String(n).padStart(4, '0')}`,
    msgType: 'Alert',
    references: null,
    type: 'rainstorm',
    level: 'yellow',
    title: `上城街道暴雨黄色预警 ${n}`,
    text: '未来3小时将出现强降雨，请注意防御。',
    area: { stationCodes: [TOWN_A] },
    audiences: ['duty'],
    channels: ['sms'],
    repeat: 2,
    volume: null,
    scheduledAt: null,
    escalation: null,
    templateId: null,
    sourceAlertId: null,
    drill: false,
    scope: 'internal',
    needsApproval: false,
    status: 'draft',
    createdBy: 'operator',
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
    audio: null,
    counts: counts(),
    ...over,
  };
}

export function detailOf(w: Warning, over: Partial<WarningDetail> = {}): WarningDetail {
  return { ...w, coverage: [], byChannel: {}, timeline: [{ at: w.createdAt, by: w.createdBy, kind: 'created', text: '创建草稿' }], allowed: NONE_ALLOWED, ...over };
}

/** A releasing red public warning, 150 of 200 done (120 confirmed, 30 failed): 75 %. */
export function releasing(over: Partial<WarningDetail> = {}): WarningDetail {
  const w = warning(1, {
    level: 'red',
    scope: 'public',
    needsApproval: true,
    status: 'releasing',
    audiences: ['residents'],
    channels: ['speaker', 'sms'],
    releasedBy: 'commander',
    releasedAt: new Date(NOW).toISOString(),
    counts: counts({ total: 200, confirmed: 120, failed: 30, sending: 50 }),
  });
  return detailOf(w, {
    byChannel: { speaker: counts({ total: 50, confirmed: 40, failed: 10 }), sms: counts({ total: 150, confirmed: 80, failed: 20, sending: 50 }) },
    coverage: [
      { townCode: TOWN_A, townName: '上城街道', total: 120, confirmed: 90, failed: 10, villagesReached: 2, villagesTargeted: 2 },
      { townCode: TOWN_B, townName: '埔前镇', total: 80, confirmed: 30, failed: 20, villagesReached: 1, villagesTargeted: 4 },
    ],
    ...over,
  });
}

/** A fake core holding warning details in `db` (change them there, then emit, as the core would). */
export function warningHandlers(initial: WarningDetail[], extra: Handlers = {}) {
  const db = new Map(initial.map((w) => [w.id, w]));
  const handlers: Handlers = {
    'stations.list': () => ok(STATIONS),
    'warnings.list': () => ok([...db.values()].map(({ coverage: _c, byChannel: _b, timeline: _t, allowed: _a, ...w }) => w)),
    'warnings.get': ({ id }) => (db.has(id) ? ok(db.get(id)!) : { ok: false, error: { code: 'not_found', message: `no warning ${id}` } }),
    'warnings.deliveries': () => ok([]),
    'warnings.templates.list': () => ok(TEMPLATES),
    ...extra,
  };
  return { db, handlers };
}

const ROUTES = [
  { path: '/warnings', name: 'warnings', component: Blank },
  { path: '/warnings/contacts', name: 'warnings-contacts', component: Blank },
  { path: '/warnings/devices', name: 'warnings-devices', component: Blank },
];

export async function mountRoom(view: Component, handlers: Handlers, role: Role = 'operator', session: Record<string, unknown> = {}) {
  const hall = fakeHall(handlers);
  const router = await testRouter(ROUTES, '/warnings');
  const wrapper = mount(view, {
    global: globalFor(hall, router, 'zh-CN', { session: { status: 'signedIn', user: { username: role, displayName: role, role }, ...session } }),
    attachTo: document.body,
  });
  await flushPromises();
  return { hall, router, wrapper };
}

export const mountWarnings = (handlers: Handlers, role: Role = 'operator') => mountRoom(WarningsView, handlers, role);

export function device(id: string, over: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    id,
    kind: 'ip-speaker',
    name: `大喇叭 ${id}`,
    transport: 'tcp://10.1.2.3:5000',
    stationCodes: [VILLAGE_A1],
    state: 'online',
    reason: null,
    lastGoodAt: new Date(NOW - 5 * 60_000).toISOString(),
    since: new Date(NOW - 3_600_000).toISOString(),
    simulated: true,
    lon: null,
    lat: null,
    ...over,
  };
}
