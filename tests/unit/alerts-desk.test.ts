/**
 * The alert desk in a real core (demo accounts, link off, a clock the test moves): the
 * lifecycle with its timeline, audit and upstream actions; CAP chains (Update raises the level,
 * Cancel cancels, a re-sent chain keeps the desk's state); local rules with hysteresis and
 * de-duplication; reminders of unacknowledged orange/red alerts; CAP import/export; list filters.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import type { Core } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import { ruleLevel, DEFAULT_RULES } from '../../electron/core/alerts/rules';
import type { AlertsListResult, DeskAlert, DeskAlertDetail, EventOf } from '../../shared/contract';
import type { LinkAlert, LinkSensor } from '../../shared/district-link/protocol';
import { nextEvent, signInAs, startCore, tempDir, valueOf } from '../fixtures/core-helpers';

const CAP_SCHEMA = '/work/shared/vectors/cap/schema/cap12.xsd';
const VILLAGE = '441602001001';
const T0 = Date.parse('2026-06-10T08:00:00+08:00');

interface Desk {
  core: Core;
  clock: { ms: number };
  operator: CallContext;
  commander: CallContext;
  call<T>(ctx: CallContext, method: string, params: unknown): Promise<T>;
}

async function desk(alerts: Record<string, number> = {}): Promise<Desk> {
  const clock = { ms: T0 };
  const { core } = await startCore({
    demo: true,
    startDemoDistrict: null,
    now: () => new Date(clock.ms),
    config: parseConfig({ demo: true, alerts: { reminderCheckSeconds: 600, ...alerts } }),
  });
  const operator = (await signInAs(core, 'operator')).ctx;
  const commander = (await signInAs(core, 'commander')).ctx;
  return { core, clock, operator, commander, call: async <T,>(ctx: CallContext, m: string, p: unknown) => valueOf<T>(await core.invoke(ctx, m, p)) };
}

function linkAlert(identifier: string, level: LinkAlert['local']['level'], msgType: LinkAlert['msgType'] = 'Alert', refs: string[] = [], minute = 0): LinkAlert {
  const sent = new Date(T0 + minute * 60_000 + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
  return {
    identifier,
    sender: 'platform@demo',
    sent,
    status: 'Actual',
    msgType,
    scope: 'Public',
    ...(refs.length ? { references: refs.map((r) => `platform@demo,${r},${sent}`).join(' ') } : {}),
    info: [{ category: ['Met'], event: '暴雨', urgency: 'Expected', severity: 'Moderate', certainty: 'Likely', headline: `暴雨${level}预警 ${identifier}`, area: [{ areaDesc: '上城街道' }] }],
    local: { level, type: 'rainstorm', stationCode: VILLAGE },
  };
}

function mirror(d: Desk, ...alerts: LinkAlert[]): void {
  for (const a of alerts) d.core.link.store.alerts.upsertFromLink(a.identifier, a, new Date(d.clock.ms).toISOString());
  d.core.alerts.afterLinkBatch([]);
}

function outbox(core: Core): { type: string; payload: Record<string, unknown> }[] {
  return (core.db.prepare('SELECT type, payload FROM outbox ORDER BY rowid').all() as { type: string; payload: string }[]).map((r) => ({ type: r.type, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

describe('the desk lifecycle', () => {
  it('acknowledge → handle → close, each in the timeline with who, audited, and ack/close sent upstream once', async () => {
    const d = await desk();
    mirror(d, linkAlert('a-1', 'orange'));
    const listed = await d.call<AlertsListResult>(d.operator, 'alerts.list', {});
    expect(listed.items.map((a) => [a.id, a.state, a.level, a.townCode])).toEqual([['a-1', 'new', 'orange', '441602001000']]);

    const changed = nextEvent(d.core.events, 'alerts.changed');
    const acked = await d.call<DeskAlert>(d.operator, 'alerts.ack', { id: 'a-1', note: '已电话核实' });
    expect(acked).toMatchObject({ state: 'acknowledged', ackedBy: 'operator' });
    expect((await changed).ids).toEqual(['a-1']);
    // A second press answers with the state; nothing is sent twice.
    expect(await d.call<DeskAlert>(d.commander, 'alerts.ack', { id: 'a-1' })).toMatchObject({ state: 'acknowledged', ackedBy: 'operator' });
    expect(await d.call<DeskAlert>(d.operator, 'alerts.handle', { id: 'a-1' })).toMatchObject({ state: 'handling' });
    const refused = await d.core.invoke(d.operator, 'alerts.close', { id: 'a-1', resolution: '' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_params', details: [{ path: 'resolution' }] } });
    d.clock.ms += 60_000;
    expect(await d.call<DeskAlert>(d.commander, 'alerts.close', { id: 'a-1', resolution: '积水已排除' })).toMatchObject({ state: 'closed', closedBy: 'commander', resolution: '积水已排除' });
    expect(await d.core.invoke(d.operator, 'alerts.close', { id: 'a-1', resolution: '再次关闭' })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const detail = await d.call<DeskAlertDetail>(d.operator, 'alerts.get', { id: 'a-1' });
    expect(detail.timeline.map((e) => [e.kind, e.by])).toEqual([
      ['raised', null],
      ['acknowledged', 'operator'],
      ['upstream', 'operator'],
      ['handling', 'operator'],
      ['closed', 'commander'],
      ['upstream', 'commander'],
    ]);
    expect(outbox(d.core)).toEqual([
      { type: 'alert.ack', payload: { alertId: 'a-1', note: '已电话核实' } },
      { type: 'alert.close', payload: { alertId: 'a-1', resolution: '积水已排除' } },
    ]);
    const audit = d.core.db.prepare(`SELECT method, actor, outcome FROM audit WHERE method LIKE 'alerts.%' ORDER BY id`).all();
    expect(audit).toEqual([
      { method: 'alerts.ack', actor: 'operator', outcome: 'ok' },
      { method: 'alerts.ack', actor: 'commander', outcome: 'ok' },
      { method: 'alerts.handle', actor: 'operator', outcome: 'ok' },
      { method: 'alerts.close', actor: 'commander', outcome: 'ok' },
      { method: 'alerts.close', actor: 'operator', outcome: 'failed' },
    ]);
  });

  it('escalates to an incident once, reported upstream; a manual alert does not go upstream on ack', async () => {
    const d = await desk();
    const manual = await d.call<DeskAlert>(d.operator, 'alerts.create', { level: 'red', type: 'geohazard', headline: '某村后山出现裂缝', stationCode: VILLAGE });
    expect(manual).toMatchObject({ source: 'manual', state: 'new', level: 'red', type: 'geohazard', townCode: '441602001000', stationCode: VILLAGE });
    await d.call(d.operator, 'alerts.ack', { id: manual.id });
    const first = await d.call<{ alert: DeskAlert; incidentId: string }>(d.operator, 'alerts.escalate', { id: manual.id, note: '启动地灾预案' });
    const again = await d.call<{ alert: DeskAlert; incidentId: string }>(d.commander, 'alerts.escalate', { id: manual.id });
    expect(first.alert).toMatchObject({ state: 'escalated', incidentId: first.incidentId });
    expect(again.incidentId).toBe(first.incidentId);
    expect(d.core.db.prepare('SELECT title, type, status, source_alert_id FROM incidents').all()).toEqual([
      { title: '某村后山出现裂缝', type: 'geohazard', status: 'active', source_alert_id: manual.id },
    ]);
    expect(outbox(d.core).map((a) => a.type)).toEqual(['incident.report']);
  });
});

describe('CAP chains on the desk', () => {
  it('an Update changes the alert (a rise rings again), a Cancel cancels it, one desk alert throughout', async () => {
    const d = await desk();
    mirror(d, linkAlert('c-1', 'yellow'));
    await d.call(d.operator, 'alerts.ack', { id: 'c-1' });
    mirror(d, linkAlert('c-2', 'orange', 'Update', ['c-1'], 5));
    let [row] = (await d.call<AlertsListResult>(d.operator, 'alerts.list', {})).items;
    expect(row).toMatchObject({ id: 'c-1', level: 'orange', state: 'new', messages: 2, msgType: 'Update' });
    mirror(d, linkAlert('c-3', 'orange', 'Cancel', ['c-1', 'c-2'], 9));
    [row] = (await d.call<AlertsListResult>(d.operator, 'alerts.list', {})).items;
    expect(row).toMatchObject({ id: 'c-1', state: 'cancelled', messages: 3 });
    const detail = await d.call<DeskAlertDetail>(d.operator, 'alerts.get', { id: 'c-1' });
    expect(detail.chain.map((m) => m.msgType)).toEqual(['Alert', 'Update', 'Cancel']);
    expect(detail.timeline.map((e) => e.kind)).toEqual(['raised', 'acknowledged', 'upstream', 'updated', 'cancelled']);
  });

  it('a link snapshot that re-sends the messages keeps who acknowledged what, with no duplicates', async () => {
    const d = await desk();
    mirror(d, linkAlert('s-1', 'red'), linkAlert('s-2', 'blue', 'Alert', [], 1));
    await d.call(d.operator, 'alerts.ack', { id: 's-1' });
    d.core.link.store.alerts.deleteAllFromLink();
    mirror(d, linkAlert('s-1', 'red'), linkAlert('s-2', 'blue', 'Alert', [], 1));
    const items = (await d.call<AlertsListResult>(d.operator, 'alerts.list', {})).items;
    expect(items.map((a) => [a.id, a.state]).sort()).toEqual([
      ['s-1', 'acknowledged'],
      ['s-2', 'new'],
    ]);
  });

  it('imports CAP: an invalid document names every problem; Update and Cancel act on the alert they reference; export validates', async () => {
    const d = await desk();
    const bad = await d.core.invoke(d.operator, 'alerts.importCap', { xml: '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a b</identifier></alert>' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_cap' } });
    if (!bad.ok) expect((bad.error.details as unknown[]).length).toBeGreaterThan(1);

    const cap = (id: string, msgType: string, refs: string, headline: string) => `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>${id}</identifier><sender>qxt@heyuan</sender><sent>2026-06-10T08:0${id.slice(-1)}:00+08:00</sent>
<status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>${refs ? `<references>${refs}</references>` : ''}
<info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
<headline>${headline}</headline><area><areaDesc>上城街道</areaDesc><geocode><valueName>division-code</valueName><value>${VILLAGE}</value></geocode></area></info></alert>`;
    const created = await d.call<{ alert: DeskAlert; effect: string }>(d.operator, 'alerts.importCap', { xml: cap('hy-1', 'Alert', '', '河源市气象台发布暴雨黄色预警') });
    expect(created.effect).toBe('created');
    expect(created.alert).toMatchObject({ source: 'cap', level: 'yellow', type: 'rainstorm', townCode: '441602001000', identifier: 'hy-1' });
    const updated = await d.call<{ alert: DeskAlert; effect: string }>(d.operator, 'alerts.importCap', {
      xml: cap('hy-2', 'Update', 'qxt@heyuan,hy-1,2026-06-10T08:01:00+08:00', '河源市气象台升级暴雨橙色预警'),
    });
    expect(updated).toMatchObject({ effect: 'updated', alert: { id: created.alert.id, level: 'orange', messages: 2 } });
    const again = await d.call<{ effect: string }>(d.operator, 'alerts.importCap', { xml: cap('hy-2', 'Update', 'qxt@heyuan,hy-1,2026-06-10T08:01:00+08:00', 'x') });
    expect(again.effect).toBe('unchanged');
    const cancelled = await d.call<{ alert: DeskAlert; effect: string }>(d.operator, 'alerts.importCap', {
      xml: cap('hy-3', 'Cancel', 'qxt@heyuan,hy-1,2026-06-10T08:01:00+08:00 qxt@heyuan,hy-2,2026-06-10T08:02:00+08:00', '河源市气象台解除暴雨预警'),
    });
    expect(cancelled).toMatchObject({ effect: 'cancelled', alert: { id: created.alert.id, state: 'cancelled' } });

    // Every alert the console holds exports as schema-valid CAP 1.2 with its Chinese intact.
    mirror(d, linkAlert('l-1', 'red'));
    await d.call(d.operator, 'alerts.create', { level: 'blue', type: 'other', headline: '人工录入：测试', area: { areaDesc: '演示区域', polygon: ['23.7,114.6 23.8,114.6 23.8,114.7 23.7,114.6'] } });
    const dir = tempDir('cap-export-');
    const all = (await d.call<AlertsListResult>(d.operator, 'alerts.list', {})).items;
    expect(all.length).toBe(3);
    for (const a of all) {
      const { xml } = await d.call<{ xml: string }>(d.operator, 'alerts.exportCap', { id: a.id });
      const file = path.join(dir, `${a.id}.xml`);
      fs.writeFileSync(file, xml);
      execFileSync('xmllint', ['--noout', '--schema', CAP_SCHEMA, file], { stdio: 'pipe' });
      expect(xml).toContain(a.headline);
    }
  });
});

describe('local rules', () => {
  const SENSOR: LinkSensor = { name: '样例积水点', stationCode: VILLAGE, type: 'waterlog', lat: 23.74, lon: 114.7, unit: 'cm', thresholds: { warn: 15, danger: 30 } };

  function feed(d: Desk, sensorId: string, values: number[], stepMs = 60_000): void {
    for (const value of values) {
      d.clock.ms += stepMs;
      const at = new Date(d.clock.ms).toISOString();
      d.core.link.store.readings.record(sensorId, d.clock.ms, value);
      d.core.alerts.afterLinkBatch([{ sensorId, value, at }]);
      d.core.alerts.flushRules(); // the rules pass the timer would run within a second
    }
  }

  it('hysteresis: a level is left only hysteresis below its threshold', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'waterlog-depth')!; // 10/15/30/50 cm, 2 cm
    const levels: (string | null)[] = [];
    let level: ReturnType<typeof ruleLevel> = null;
    for (const v of [5, 11, 9.5, 10.5, 16, 14.5, 13, 31, 29, 27, 7]) levels.push((level = ruleLevel(rule, v, level)));
    expect(levels).toEqual([null, 'blue', 'blue', 'blue', 'yellow', 'yellow', 'yellow', 'orange', 'orange', 'yellow', null]);
  });

  it('a flapping sensor raises one alert and updates it; clearing cancels it; exactly these messages', async () => {
    const d = await desk();
    d.core.link.store.sensors.upsert('wl-1', SENSOR, new Date(T0).toISOString());
    feed(d, 'wl-1', [5, 11, 9.5, 10.5, 11, 9.9, 10.2, 16, 14.5, 13, 15.5, 31, 29, 27, 7, 6]);
    const items = (await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).items;
    expect(items).toHaveLength(1);
    const detail = await d.call<DeskAlertDetail>(d.operator, 'alerts.get', { id: items[0]!.id });
    expect(detail.alert).toMatchObject({ ruleId: 'waterlog-depth', sensorId: 'wl-1', state: 'cancelled', type: 'waterlog' });
    expect(detail.chain.map((m) => m.msgType)).toEqual(['Alert', 'Update', 'Update', 'Update', 'Cancel']);
    // A new episode after clearing is a new alert.
    feed(d, 'wl-1', [12]);
    expect((await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).total).toBe(2);
  });

  it('stays quiet while the platform has an open alert for the sensor; a closed episode does not re-fire until it clears', async () => {
    const d = await desk();
    d.core.link.store.sensors.upsert('wl-2', SENSOR, new Date(T0).toISOString());
    mirror(d, { ...linkAlert('p-1', 'yellow'), local: { level: 'yellow', type: 'waterlog', stationCode: VILLAGE, sensorId: 'wl-2' } });
    feed(d, 'wl-2', [16, 17]);
    expect((await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).total).toBe(0);

    d.core.link.store.sensors.upsert('wl-3', SENSOR, new Date(T0).toISOString());
    feed(d, 'wl-3', [16]);
    const [raised] = (await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).items;
    await d.call(d.operator, 'alerts.close', { id: raised!.id, resolution: '已派人排水' });
    feed(d, 'wl-3', [16, 17, 12]);
    expect((await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).total).toBe(1);
    feed(d, 'wl-3', [35]); // a rise above the closed episode's level is news
    expect((await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).total).toBe(2);
  });

  it('a platform alert for the same sensor takes over the open rule alert', async () => {
    const d = await desk();
    d.core.link.store.sensors.upsert('wl-4', SENSOR, new Date(T0).toISOString());
    feed(d, 'wl-4', [16]);
    const [rule] = (await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).items;
    expect(rule).toMatchObject({ state: 'new', level: 'yellow' });
    mirror(d, { ...linkAlert('p-4', 'yellow'), local: { level: 'yellow', type: 'waterlog', stationCode: VILLAGE, sensorId: 'wl-4' } });
    const after = await d.call<DeskAlertDetail>(d.operator, 'alerts.get', { id: rule!.id });
    expect(after.alert).toMatchObject({ state: 'closed', closedBy: null });
    expect(after.alert.resolution).toContain('p-4');
    expect(after.alert.closedAt).not.toBeNull();
    feed(d, 'wl-4', [20, 35]); // the platform covers the sensor now: the rule stays quiet
    expect((await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).total).toBe(1);
  });

  it('a link batch’s readings are judged by the next rules pass, within a second, without anyone asking', async () => {
    const d = await desk();
    d.core.link.store.sensors.upsert('wl-5', SENSOR, new Date(T0).toISOString());
    d.core.link.store.readings.record('wl-5', d.clock.ms, 31);
    d.core.alerts.afterLinkBatch([{ sensorId: 'wl-5', value: 31, at: new Date(d.clock.ms).toISOString() }]);
    expect((await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).total).toBe(0);
    await expect.poll(async () => (await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).items.map((a) => a.level), { timeout: 3_000 }).toEqual(['orange']);
  });

  it('rain over 3 hours adds the gauge hourly amounts', async () => {
    const d = await desk();
    const gauge: LinkSensor = { ...SENSOR, name: '样例雨量站', type: 'rain', unit: 'mm', thresholds: { warn: 30, danger: 50 } };
    d.core.link.store.sensors.upsert('rain-1', gauge, new Date(T0).toISOString());
    feed(d, 'rain-1', [18, 18], 3_600_000); // 36 mm in 2 h: the 3 h rule's yellow is 30
    const items = (await d.call<AlertsListResult>(d.operator, 'alerts.list', { source: 'rule' })).items;
    expect(items.map((a) => [a.ruleId, a.level])).toEqual([['rain-3h', 'yellow']]);
  });

  it('an admin edits a rule; an operator may not', async () => {
    const d = await desk();
    const admin = (await signInAs(d.core, 'admin')).ctx;
    const rule = { ...DEFAULT_RULES.find((r) => r.id === 'waterlog-depth')!, thresholds: { yellow: 20, red: 60 } };
    expect(await d.core.invoke(d.operator, 'alerts.rules.save', { rule })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await d.core.invoke(admin, 'alerts.rules.save', { rule: { ...rule, thresholds: { yellow: 30, red: 20 } } })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    await d.call(admin, 'alerts.rules.save', { rule });
    const rules = await d.call<typeof DEFAULT_RULES>(d.operator, 'alerts.rules.list', {});
    expect(rules.find((r) => r.id === 'waterlog-depth')!.thresholds).toEqual({ yellow: 20, red: 60 });
  });
});

describe('reminders', () => {
  it('an unacknowledged red alert reminds the desk, then notifies the commanders; acknowledged ones stay quiet', async () => {
    const d = await desk({ remindAfterMinutes: 5, notifyCommandersAfterMinutes: 15 });
    const red = await d.call<DeskAlert>(d.operator, 'alerts.create', { level: 'red', type: 'flood', headline: '堤防管涌' });
    const acked = await d.call<DeskAlert>(d.operator, 'alerts.create', { level: 'orange', type: 'flood', headline: '河道超警' });
    await d.call(d.operator, 'alerts.create', { level: 'yellow', type: 'flood', headline: '黄色不提醒' });
    await d.call(d.operator, 'alerts.ack', { id: acked.id });
    const seen: EventOf<'alerts.reminder'>[] = [];
    d.core.events.on('alerts.reminder', (e) => seen.push(e));
    d.clock.ms += 4 * 60_000;
    d.core.alerts.remind();
    expect(seen).toEqual([]);
    d.clock.ms += 2 * 60_000;
    d.core.alerts.remind();
    d.core.alerts.remind();
    expect(seen).toEqual([{ id: red.id, stage: 1, level: 'red', headline: '堤防管涌', minutes: 6 }]);
    d.clock.ms += 10 * 60_000;
    d.core.alerts.remind();
    expect(seen.map((e) => e.stage)).toEqual([1, 2]);
    const detail = await d.call<DeskAlertDetail>(d.operator, 'alerts.get', { id: red.id });
    expect(detail.alert.remindStage).toBe(2);
    expect(detail.timeline.map((e) => e.kind)).toContain('commanders-notified');
  });
});

describe('alerts.list', () => {
  it('filters by level, town, source, state, text and time, and pages with a cursor without gaps or repeats', async () => {
    const d = await desk();
    const levels = ['blue', 'yellow', 'orange', 'red'] as const;
    for (let i = 0; i < 30; i++) {
      d.clock.ms += 60_000;
      await d.call(d.operator, 'alerts.create', { level: levels[i % 4], type: i % 2 ? 'flood' : 'waterlog', headline: `第${i}号 ${i % 3 ? '积水' : '水位'}`, ...(i % 5 === 0 ? { stationCode: VILLAGE } : {}) });
    }
    const list = (p: object) => d.call<AlertsListResult>(d.operator, 'alerts.list', p);
    expect((await list({ level: 'red' })).total).toBe(7);
    expect((await list({ level: ['red', 'blue'], type: 'waterlog' })).total).toBe(8);
    expect((await list({ town: '441602001000' })).total).toBe(6);
    expect((await list({ q: '水位' })).total).toBe(10);
    expect((await list({ q: '%' })).total).toBe(0);
    expect((await list({ since: new Date(T0 + 20 * 60_000).toISOString() })).total).toBe(11);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: AlertsListResult = await list({ limit: 7, ...(cursor ? { cursor } : {}) });
      pages.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toHaveLength(30);
    expect(new Set(pages).size).toBe(30);
    expect(await d.core.invoke(d.operator, 'alerts.list', { cursor: 'garbage' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});
