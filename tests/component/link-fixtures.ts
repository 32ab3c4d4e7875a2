/**
 * Shared material for the district-link component tests: a link status builder, a small
 * district with link-sourced stations, and the console shell mounted on a fake client with a
 * signed-in session of a chosen role.
 */
import { h } from 'vue';
import { RouterView } from 'vue-router';
import { flushPromises, mount } from '@vue/test-utils';
import type { ActionRecord, LinkStatus, QuarantineItem, Role, Station } from '../../shared/contract';
import { routes } from '../../renderer/src/router';
import type { Locale } from '../../renderer/src/i18n';
import { fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';

export function linkStatus(over: Partial<LinkStatus> = {}): LinkStatus {
  return {
    state: 'online',
    since: '2025-06-01T06:00:00.000Z',
    url: 'http://platform.example:7700',
    serverId: 'district-sim-1',
    epoch: 'ep-2025-06',
    cursor: 1200,
    headSeq: 1200,
    lag: 0,
    pendingActions: 0,
    failedActions: 0,
    quarantined: 0,
    // 14:03:20 in Asia/Shanghai.
    lastAppliedAt: '2025-06-01T06:03:20.000Z',
    ...over,
  };
}

const base = { demo: false, online: true, lat: 23.7, lon: 114.7 };
export const STATIONS: Station[] = [
  { ...base, code: '441602', name: '源城区', level: 'district', source: 'builtin' },
  { ...base, code: '441602001000', name: '上城街道', level: 'town', parentCode: '441602', source: 'link', lastContact: '2025-06-01T06:10:00.000Z' },
  {
    ...base,
    code: '441602001001',
    name: '演示社区01',
    level: 'village',
    parentCode: '441602001000',
    demo: true,
    source: 'link',
    lastContact: '2025-06-01T06:14:50.000Z',
    dutyPerson: { name: '李明', phone: '13800138001' },
  },
  { ...base, code: '441602001002', name: '演示社区02', level: 'village', parentCode: '441602001000', demo: true, source: 'link', lastContact: '2025-06-01T06:09:00.000Z' },
];

export const QUARANTINE: QuarantineItem[] = [
  {
    id: 7,
    receivedAt: '2025-06-01T06:05:00.000Z',
    epoch: 'ep-2025-06',
    seq: 1187,
    kind: 'sensor',
    itemId: 'S-RAIN-0042',
    reason: 'data.lat: expected number, received string',
    raw: '{"seq":1187,"kind":"sensor","op":"upsert","id":"S-RAIN-0042","data":{"lat":"north"}}',
  },
  { id: 6, receivedAt: '2025-06-01T06:04:00.000Z', epoch: 'ep-2025-06', seq: null, kind: null, itemId: null, reason: 'not an object', raw: '"garbage"' },
];

const action = (over: Partial<ActionRecord>): ActionRecord => ({
  id: '6f1c2a8e-0000-4000-8000-000000000001',
  type: 'alert.ack',
  at: '2025-06-01T06:01:00.000Z',
  by: 'operator',
  payload: { alertId: 'A-1' },
  state: 'pending',
  attempts: 0,
  nextAttemptAt: null,
  lastError: null,
  result: null,
  ackedAt: null,
  ...over,
});

export const ACTIONS: ActionRecord[] = [
  action({ id: 'a-pending', state: 'pending', attempts: 3, nextAttemptAt: '2025-06-01T06:20:00.000Z', lastError: 'timeout after 10 s' }),
  action({ id: 'a-failed', type: 'incident.report', state: 'failed', attempts: 1, lastError: 'invalid_payload: missing stationCode' }),
  action({ id: 'a-acked', state: 'acked', attempts: 1, ackedAt: '2025-06-01T06:02:00.000Z', result: { ok: true } }),
];

export const signedIn = (role: Role) => ({
  session: { status: 'signedIn', user: { username: role, displayName: `${role} user`, role }, expiresAt: '2099-01-01T00:00:00.000Z' },
});

/** The console shell on /overview, as a signed-in user of `role`, with the given handlers. */
export async function mountShell(handlers: Handlers = {}, options: { role?: Role; locale?: Locale } = {}) {
  const hall = fakeHall({
    'system.about': () => ok({ name: '源城区应急指挥中心', version: '0.1.0', demo: true }),
    'stations.list': () => ok(STATIONS),
    'link.status': () => ok(linkStatus()),
    'link.quarantine.list': () => ok(QUARANTINE),
    'link.actions.list': (p) => ok(p.state ? ACTIONS.filter((a) => a.state === p.state) : ACTIONS),
    ...handlers,
  });
  const router = await testRouter(routes, '/overview');
  const wrapper = mount({ render: () => h(RouterView) }, {
    global: globalFor(hall, router, options.locale ?? 'zh-CN', signedIn(options.role ?? 'operator')),
    attachTo: document.body,
  });
  await flushPromises();
  return {
    hall,
    wrapper,
    indicator: () => wrapper.get('[data-testid="link-indicator"]'),
    banner: () => wrapper.find('[data-testid="data-as-of-banner"]'),
    /** Calls of one method so far, as their params. */
    calls: (method: string): unknown[] => hall.invoke.mock.calls.filter((c) => c[0] === method).map((c) => c[1] as unknown),
  };
}
