/**
 * The event log in a real core (link off, demo devices off, a clock the test moves): escalating
 * an alert opens a full incident through the incidents domain; alerts of its town, warnings made
 * from its alert or covering it, device health and the wall's scene are logged as they happen,
 * each state once; manual entries, marks and filters.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import { parseConfig } from '../../electron/core/config/config';
import type { DeviceInfo, IncidentDetail, TimelineEntry } from '../../shared/contract';
import type { LinkAlert } from '../../shared/district-link/protocol';
import { nextEvent, signInAs, startCore, valueOf } from '../fixtures/core-helpers';

const T0 = Date.parse('2026-06-10T08:00:00+08:00');
const VILLAGE = '441602001001';
const OTHER_TOWN_VILLAGE = '441602100001';

function linkAlert(identifier: string, level: LinkAlert['local']['level'], stationCode: string, minute = 0): LinkAlert {
  const sent = new Date(T0 + minute * 60_000 + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
  return {
    identifier,
    sender: 'platform@demo',
    sent,
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    info: [{ category: ['Met'], event: '暴雨', urgency: 'Immediate', severity: 'Severe', certainty: 'Likely', headline: `暴雨预警 ${identifier}`, area: [{ areaDesc: '上城街道' }] }],
    local: { level, type: 'rainstorm', stationCode },
  };
}

async function room() {
  const clock = { ms: T0 };
  const { core } = await startCore({ demo: true, startDemoDistrict: null, now: () => new Date(clock.ms), config: parseConfig({ demo: true, simulator: { devices: false } }) });
  const operator = (await signInAs(core, 'operator')).ctx;
  const commander = (await signInAs(core, 'commander')).ctx;
  const call = async <T,>(ctx: CallContext, m: string, p: unknown) => valueOf<T>(await core.invoke(ctx, m, p));
  const mirror = async (...alerts: LinkAlert[]) => {
    const changed = nextEvent(core.events, 'alerts.changed');
    for (const a of alerts) core.link.store.alerts.upsertFromLink(a.identifier, a, new Date(clock.ms).toISOString());
    core.alerts.sync();
    await changed;
  };
  const log = (id: string, kinds?: string[]) => call<TimelineEntry[]>(operator, 'incidents.timeline', { id, ...(kinds ? { kinds } : {}) });
  return { core, clock, operator, commander, call, mirror, log };
}

describe('escalation and the event log', () => {
  it('escalating an alert opens a full incident: place, family, the alert linked and logged, a level proposal, a report upstream', async () => {
    const { core, clock, operator, commander, call, mirror, log } = await room();
    await mirror(linkAlert('a-1', 'orange', VILLAGE));
    clock.ms += 5 * 60_000;
    const escalated = nextEvent(core.events, 'alerts.changed');
    const { incidentId } = await call<{ incidentId: string }>(operator, 'alerts.escalate', { id: 'a-1', note: '多处积水，需区级响应' });
    await escalated;

    const incident = await call<IncidentDetail>(commander, 'incidents.get', { id: incidentId });
    expect(incident).toMatchObject({
      title: '暴雨预警 a-1',
      type: 'rainstorm',
      family: 'flood',
      level: null,
      status: 'active',
      sourceAlertId: 'a-1',
      place: { stationCode: VILLAGE },
      occurredAt: new Date(T0).toISOString(),
      createdBy: 'operator',
      summary: '多处积水，需区级响应',
    });
    expect(incident.proposals).toEqual([expect.objectContaining({ to: 'II', state: 'pending', proposedBy: 'operator' })]);
    expect(incident.kpis.openAlerts).toBe(0); // the source alert is escalated, no longer open

    const entries = await log(incidentId);
    expect(entries.map((e) => [e.kind, e.text])).toEqual([
      ['status', expect.stringContaining('事件创建：暴雨预警 a-1') as string],
      ['alert', '橙色告警「暴雨预警 a-1」新告警'],
      ['manual', '升级说明：多处积水，需区级响应'],
      ['level', expect.stringContaining('建议启动Ⅱ级（重大）响应') as string],
      ['alert', '橙色告警「暴雨预警 a-1」已升级为事件'],
    ]);
    expect(entries[1]).toMatchObject({ significant: true, ref: 'a-1' });
    expect(entries.at(-1)!.by).toBe('operator');

    const reports = core.db.prepare(`SELECT by, payload FROM outbox WHERE type = 'incident.report'`).all() as { by: string; payload: string }[];
    expect(reports).toHaveLength(1);
    expect((JSON.parse(reports[0]!.payload) as { incident: unknown }).incident).toMatchObject({ id: incidentId, sourceAlertId: 'a-1', stationCode: VILLAGE, status: 'active' });
    const alert = core.alerts.store.get('a-1')!;
    expect(alert).toMatchObject({ state: 'escalated', incident_id: incidentId });
    // Escalating again answers with the same incident.
    expect(await call<{ incidentId: string }>(operator, 'alerts.escalate', { id: 'a-1' })).toMatchObject({ incidentId });

    // Alerts of its town since it began are logged, each state once; other towns' are not.
    clock.ms += 5 * 60_000;
    await mirror(linkAlert('a-2', 'yellow', '441602001002', 10), linkAlert('b-1', 'red', OTHER_TOWN_VILLAGE, 10));
    await call(operator, 'alerts.ack', { id: 'a-2', note: '已通知村委' });
    await nextEvent(core.events, 'alerts.changed');
    core.events.emit('alerts.changed', { ids: ['a-2', 'b-1'], reset: false });
    const alerts = await log(incidentId, ['alert']);
    expect(alerts.filter((e) => e.ref === 'a-2').map((e) => [e.text, e.by])).toEqual([
      ['黄色告警「暴雨预警 a-2」新告警', null],
      ['黄色告警「暴雨预警 a-2」已确认', 'operator'],
    ]);
    expect(alerts.some((e) => e.ref === 'b-1')).toBe(false);
    expect((await call<IncidentDetail>(commander, 'incidents.get', { id: incidentId })).kpis.openAlerts).toBe(1);
  });

  it('logs warnings made from its alert or covering its town, device health changes in its town, and wall scenes, each state once', async () => {
    const { core, operator, commander, call, mirror, log } = await room();
    await mirror(linkAlert('a-1', 'yellow', VILLAGE));
    const { incidentId } = await call<{ incidentId: string }>(operator, 'alerts.escalate', { id: 'a-1' });
    const author = { username: 'operator', role: 'operator' as const };
    const base = { type: 'rainstorm' as const, level: 'orange' as const, text: '请危险区域群众立即转移。', audiences: ['duty' as const], channels: ['sms' as const] };
    const fromAlert = await core.release.warnings.create({ ...base, title: '上城暴雨预警', area: { stationCodes: ['441602100000'] }, sourceAlertId: 'a-1' }, author);
    const covering = await core.release.warnings.create({ ...base, title: '全区暴雨预警', area: { stationCodes: ['441602'] } }, author);
    const elsewhere = await core.release.warnings.create({ ...base, title: '源南镇预警', area: { stationCodes: ['441602100000'] } }, author);
    core.release.warnings.submit(fromAlert.id, author);
    core.events.emit('warnings.changed', { ids: [fromAlert.id, covering.id, elsewhere.id] });
    const warnings = await log(incidentId, ['warning']);
    expect(warnings.map((e) => [e.ref, e.text, e.by])).toEqual([
      [fromAlert.id, '橙色预警「上城暴雨预警」已拟稿', 'operator'],
      [covering.id, '橙色预警「全区暴雨预警」已拟稿', 'operator'],
      [fromAlert.id, '橙色预警「上城暴雨预警」已提交审批', 'operator'],
    ]);

    const device = (state: DeviceInfo['state'], stationCodes = [VILLAGE]): DeviceInfo => ({
      id: 'spk-1', kind: 'ip-speaker', name: '上城一村大喇叭', transport: 'tcp://10.0.0.1:5000', stationCodes, state, reason: state === 'online' ? null : '连接超时', lastGoodAt: null, since: new Date(T0).toISOString(), simulated: true, lon: null, lat: null,
    });
    for (const state of ['online', 'offline', 'offline', 'online'] as const) core.events.emit('devices.changed', { devices: [device(state), { ...device(state, [OTHER_TOWN_VILLAGE]), id: 'spk-2' }] });
    expect((await log(incidentId, ['device'])).map((e) => e.text)).toEqual(['设备「上城一村大喇叭」离线：连接超时', '设备「上城一村大喇叭」恢复在线']);

    const wall = await call<{ sceneId: string }>(operator, 'incidents.wall', { id: incidentId });
    expect(wall).toEqual({ sceneId: 'flood-iv' });
    expect(core.wall.state().sceneId).toBe('flood-iv');
    await call(commander, 'incidents.setLevel', { id: incidentId, level: 'I', reason: '特大暴雨' });
    expect(await call<{ sceneId: string }>(operator, 'incidents.wall', { id: incidentId })).toEqual({ sceneId: 'emergency' });
    await call(operator, 'wall.scenes.apply', { id: 'daily' });
    expect((await log(incidentId, ['wall'])).map((e) => [e.text, e.by])).toEqual([
      ['大屏切换到「三防Ⅳ级响应」场景', 'operator'],
      ['大屏切换到「应急接管」场景', 'operator'],
      ['大屏切换到「日常值守」场景（人工切换）', 'operator'],
    ]);
  });

  it('takes manual entries, marks by the commander, and filters by kind, mark and text', async () => {
    const { core, operator, commander, call, log } = await room();
    const incident = await call<{ id: string }>(operator, 'incidents.create', { title: '危化品泄漏', type: 'hazmat', place: { stationCode: '441602004000', point: { lat: 23.74, lon: 114.67 } } });
    const entry = await call<TimelineEntry>(operator, 'incidents.log', { id: incident.id, text: '现场测得氨气浓度 30 ppm' });
    expect(entry).toMatchObject({ kind: 'manual', by: 'operator', significant: false });
    await call(operator, 'incidents.log', { id: incident.id, text: '下风向 500 米人员已疏散', significant: true });
    expect(await core.invoke(operator, 'incidents.mark', { id: incident.id, entryId: entry.id, significant: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call<TimelineEntry>(commander, 'incidents.mark', { id: incident.id, entryId: entry.id, significant: true })).toMatchObject({ id: entry.id, significant: true });
    expect(await core.invoke(commander, 'incidents.mark', { id: incident.id, entryId: 999999, significant: true })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const marked = await call<TimelineEntry[]>(operator, 'incidents.timeline', { id: incident.id, significantOnly: true });
    expect(marked.map((e) => e.text)).toEqual([expect.stringContaining('事件创建') as string, '现场测得氨气浓度 30 ppm', '下风向 500 米人员已疏散']);
    expect((await call<TimelineEntry[]>(operator, 'incidents.timeline', { id: incident.id, q: '氨气' })).map((e) => e.id)).toEqual([entry.id]);
    expect((await call<TimelineEntry[]>(operator, 'incidents.timeline', { id: incident.id, q: '100%' }))).toEqual([]);
    expect((await log(incident.id, ['manual'])).map((e) => e.kind)).toEqual(['manual', 'manual']);
  });
});
