/** Alerts, CAP documents and a fake core for the alert desk's component tests. */
import { flushPromises, mount } from '@vue/test-utils';
import type { CapDocument, DeskAlert, DeskAlertDetail, Station } from '../../shared/contract';
import AlertDeskView from '../../renderer/src/views/AlertDeskView.vue';
import { fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';

export const NOW = Date.now();
export const TOWN_A = '441602001000';
export const TOWN_B = '441602101000';

export const STATIONS: Station[] = [
  { code: '441602', name: '源城区', level: 'district', lat: 23.74, lon: 114.69, online: true, demo: false },
  { code: TOWN_A, name: '上城街道', level: 'town', parentCode: '441602', lat: 23.73, lon: 114.7, online: true, demo: false },
  { code: TOWN_B, name: '埔前镇', level: 'town', parentCode: '441602', lat: 23.66, lon: 114.73, online: true, demo: false },
];

export function alert(n: number, over: Partial<DeskAlert> = {}): DeskAlert {
  const sent = new Date(NOW - n * 60_000).toISOString();
  return {
    id: `a-${n}`,
    source: 'link',
    identifier: `YC-${n}`,
    sender: 'district@yc',
    level: 'yellow',
    type: 'rainstorm',
    townCode: TOWN_A,
    stationCode: TOWN_A,
    sensorId: null,
    headline: `暴雨黄色预警 ${n}`,
    event: '暴雨',
    areaDesc: '上城街道',
    capStatus: 'Actual',
    msgType: 'Alert',
    firstSent: sent,
    sent,
    state: 'new',
    ackedBy: null,
    ackedAt: null,
    closedBy: null,
    closedAt: null,
    resolution: null,
    incidentId: null,
    ruleId: null,
    remindStage: 0,
    messages: 1,
    updatedAt: sent,
    ...over,
  };
}

export function capOf(a: DeskAlert): CapDocument {
  return {
    identifier: a.identifier,
    sender: a.sender,
    sent: a.sent,
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    info: [
      {
        category: ['Met'],
        event: a.event,
        urgency: 'Expected',
        severity: 'Moderate',
        certainty: 'Likely',
        headline: a.headline,
        description: '未来3小时将出现强降雨',
        instruction: '注意防御',
        area: [{ areaDesc: a.areaDesc, circle: ['23.73,114.7 3'] }],
      },
    ],
  };
}

export function detailOf(a: DeskAlert): DeskAlertDetail {
  return {
    alert: a,
    cap: capOf(a),
    chain: [{ identifier: a.identifier, sender: a.sender, sent: a.sent, msgType: 'Alert' }],
    timeline: [{ id: 1, at: a.sent, by: null, kind: 'raised', text: '区平台推送' }],
  };
}

/** A fake core holding `alerts`, answering the desk's methods over them (changes go through `db`). */
export function deskHandlers(initial: DeskAlert[], extra: Handlers = {}) {
  const db = new Map(initial.map((a) => [a.id, a]));
  const set = (a: DeskAlert) => (db.set(a.id, a), a);
  const handlers: Handlers = {
    'stations.list': () => ok(STATIONS),
    'cameras.list': () => ok([]),
    'sensors.list': () => ok([]),
    'alerts.counts': () => ok({ open: db.size, unacknowledged: [...db.values()].filter((a) => a.state === 'new').length, byLevel: { blue: 0, yellow: db.size, orange: 0, red: 0 } }),
    'alerts.filters.list': () => ok([]),
    'alerts.list': (p) => {
      const all = [...db.values()].filter((a) => (p.state ? (Array.isArray(p.state) ? p.state : [p.state]).includes(a.state) : !p.since || a.sent >= p.since));
      const start = p.cursor ? Number(p.cursor) : 0;
      const limit = p.limit ?? 100;
      const items = all.slice(start, start + limit);
      return ok({ items, nextCursor: start + limit < all.length ? String(start + limit) : null, total: all.length });
    },
    'alerts.get': ({ id }) => {
      const a = db.get(id);
      return a ? ok(detailOf(a)) : { ok: false, error: { code: 'not_found', message: `no alert ${id}` } };
    },
    'alerts.ack': ({ id }) => ok(set({ ...db.get(id)!, state: 'acknowledged', ackedBy: 'operator' })),
    'alerts.handle': ({ id }) => ok(set({ ...db.get(id)!, state: 'handling' })),
    'alerts.close': ({ id, resolution }) => ok(set({ ...db.get(id)!, state: 'closed', resolution })),
    'alerts.escalate': ({ id }) => ok({ alert: set({ ...db.get(id)!, state: 'escalated', incidentId: 'inc-1' }), incidentId: 'inc-1' }),
    ...extra,
  };
  return { db, handlers };
}

/** The virtualised list measures its box: give every element a screen-sized one under happy-dom. */
export function fakeLayout(): () => void {
  const proto = HTMLElement.prototype;
  const h = Object.getOwnPropertyDescriptor(proto, 'clientHeight');
  const w = Object.getOwnPropertyDescriptor(proto, 'clientWidth');
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => 900 });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => 600 });
  return () => {
    if (h) Object.defineProperty(proto, 'clientHeight', h);
    if (w) Object.defineProperty(proto, 'clientWidth', w);
  };
}

export async function mountDesk(handlers: Handlers, role: 'operator' | 'wall' = 'operator') {
  const hall = fakeHall(handlers);
  const router = await testRouter([{ path: '/alerts', component: AlertDeskView }], '/alerts');
  const wrapper = mount(AlertDeskView, {
    global: globalFor(hall, router, 'zh-CN', { session: { status: 'signedIn', user: { username: role, displayName: role, role } } }),
    attachTo: document.body,
  });
  await flushPromises();
  return { hall, router, wrapper };
}

export const rowIds = (wrapper: { findAll(s: string): { attributes(n: string): string | undefined }[] }) =>
  wrapper.findAll('[data-testid="alert-row"]').map((r) => r.attributes('data-id'));
