/**
 * Guards the method registry and the role matrix: every contract method × every role (and no
 * session) through a real core is forbidden/unauthorized exactly when shared/contract/methods.ts
 * says so; unknown methods, bad params, denied calls and their audit rows; audited changes and
 * their audit row commit or roll back together; every method is bound and its results conform.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import { HallError } from '../../electron/core/api/errors';
import { Registry } from '../../electron/core/api/registry';
import { summarizeParams } from '../../electron/core/audit/audit';
import { openStore, type Db } from '../../electron/core/db/database';
import { methods, ROLES, type MethodName, type Role } from '../../shared/contract';
import type { LinkAlert } from '../../shared/district-link/protocol';
import { DEFAULT_RULES } from '../../electron/core/alerts/rules';
import { attentionTone } from '../../electron/core/warnings/audio';
import { anonymousCtx, DEMO_PASSWORDS, quietConsoleError, signInAs, startCore, valueOf } from '../fixtures/core-helpers';
import type { Core } from '../../electron/core/core';

const METHOD_NAMES = Object.keys(methods) as MethodName[];

/** Valid params for each method, so allowed calls can be checked to succeed; {} for any new one. */
/** A mirrored alert, so alerts.get has something to return. */
const SAMPLE_ALERT: LinkAlert = {
  identifier: 'sample-alert',
  sender: 'district',
  sent: '2025-06-01T08:00:00+08:00',
  status: 'Exercise',
  msgType: 'Alert',
  scope: 'Public',
  info: [{ category: ['Met'], event: '暴雨', urgency: 'Expected', severity: 'Moderate', certainty: 'Likely', area: [{ areaDesc: '源城区' }] }],
  local: { level: 'blue', type: 'rainstorm' },
};

const SAMPLE_ALERT_2: LinkAlert = { ...SAMPLE_ALERT, identifier: 'sample-alert-2' };
/** Methods that succeed once only (closing a closed alert is a conflict): the matrix checks their refusals only. */
const ONCE_ONLY: ReadonlySet<MethodName> = new Set(['alerts.close', 'warnings.submit', 'warnings.approve', 'warnings.reject', 'warnings.release', 'warnings.cancel', 'incidents.decideProposal']);

/** Methods that drive a (demo: simulated) device, which now and then fails like a real one: ok or 'unavailable'. */
const NEEDS_A_DEVICE: ReadonlySet<MethodName> = new Set(['video.ptz', 'video.preset']);

/** Sample warnings by an operator (so an admin may approve them), one per workflow step the tests call. */
async function holdSampleWarnings(core: Core): Promise<void> {
  const author = { username: 'operator', role: 'operator' as const };
  const base = { type: 'rainstorm' as const, level: 'blue' as const, title: '样例预警', text: '样例预警正文，用于测试。', area: { stationCodes: ['441602001000'] }, audiences: ['duty' as const], channels: ['sms' as const] };
  const draft = await core.release.warnings.create(base, author);
  const toSubmit = await core.release.warnings.create({ ...base, level: 'orange' }, author);
  const toApprove = await core.release.warnings.create({ ...base, level: 'orange' }, author);
  const toReject = await core.release.warnings.create({ ...base, level: 'orange' }, author);
  const toRelease = await core.release.warnings.create(base, author);
  const toCancel = await core.release.warnings.create(base, author);
  core.release.warnings.submit(toApprove.id, author);
  core.release.warnings.submit(toReject.id, author);
  Object.assign(SAMPLE_PARAMS, {
    'warnings.get': { id: draft.id },
    'warnings.deliveries': { id: draft.id },
    'warnings.audio': { id: draft.id },
    'warnings.exportCap': { id: draft.id },
    'warnings.update': { id: draft.id, changes: { title: '样例预警（修改）' } },
    'warnings.audio.upload': { id: draft.id, mimeType: 'audio/wav', dataBase64: attentionTone(1, 8000).toString('base64') },
    'warnings.submit': { id: toSubmit.id },
    'warnings.approve': { id: toApprove.id },
    'warnings.reject': { id: toReject.id, reason: '区域不对，请修改' },
    'warnings.release': { id: toRelease.id },
    'warnings.cancel': { id: toCancel.id, reason: '样例撤销' },
  });
}

/** A sample incident (flood, Ⅲ, with a task, an evacuated village and a proposal), and a second one to move to closing. */
function holdSampleIncidents(core: Core): void {
  const { service, fieldwork } = core.incidents;
  const place = { stationCode: '441602001000', point: null, area: null, description: '' };
  const incident = service.create({ title: '样例暴雨事件', type: 'rainstorm', level: 'III', place, summary: '' }, 'operator');
  const toClose = service.create({ title: '样例收尾事件', type: 'accident', place, summary: '' }, 'operator');
  const task = fieldwork.saveTask(incident.id, { title: '样例巡查任务', detail: '', assignee: '区应急救援队', stationCode: null, dueAt: null }, 'operator');
  const proposal = service.proposeLevel(incident.id, 'II', '雨量持续增大', 'operator');
  const village = core.db.prepare(`SELECT code FROM stations WHERE level = 'village' AND parent_code = '441602001000' ORDER BY code LIMIT 1`).get() as { code: string };
  const item = service.detail(incident.id).checklist[0]!;
  const entry = service.timeline.list(incident.id)[0]!;
  Object.assign(SAMPLE_PARAMS, {
    'incidents.get': { id: incident.id },
    'incidents.update': { id: incident.id, changes: { summary: '样例事件概要', commander: 'commander' } },
    'incidents.setLevel': { id: incident.id, level: 'III', reason: '雨情持续' },
    'incidents.proposeLevel': { id: incident.id, level: 'II', reason: '建议提升响应' },
    'incidents.decideProposal': { proposalId: proposal.id, accept: false, note: '暂不提升' },
    'incidents.close': { id: toClose.id, note: '现场处置基本结束', final: false },
    'incidents.timeline': { id: incident.id, kinds: ['level', 'status'], q: '响应' },
    'incidents.log': { id: incident.id, text: '样例人工记录' },
    'incidents.mark': { id: incident.id, entryId: entry.id, significant: true },
    'incidents.checklist.update': { id: incident.id, itemId: item.id, done: true, assignee: '值班员' },
    'incidents.tasks.list': { id: incident.id },
    'incidents.tasks.save': { incidentId: incident.id, task: { id: task.id, title: '样例巡查任务（改）', assignee: '区应急救援队', dueAt: '2030-01-01T08:00:00+08:00' } },
    'incidents.tasks.setStatus': { incidentId: incident.id, taskId: task.id, status: 'in-progress' },
    'incidents.evacuation.list': { id: incident.id },
    'incidents.evacuation.save': { incidentId: incident.id, stationCode: village.code, toMove: 30, moved: 12, shelter: '样例小学', status: 'evacuate' },
    'incidents.losses.list': { id: incident.id },
    'incidents.losses.save': { incidentId: incident.id, townCode: '441602001000', affectedPeople: 40, directLoss: 12.5 },
    'incidents.report': { id: incident.id },
    'incidents.wall': { id: incident.id },
  });
}

function holdSamples(core: Core): void {
  for (const a of [SAMPLE_ALERT, SAMPLE_ALERT_2]) core.link.store.alerts.upsertFromLink(a.identifier, a, new Date().toISOString());
  core.alerts.sync();
  core.link.store.cameras.upsert(
    'sample-cam',
    { name: '样例摄像机', stationCode: '441602001000', lat: 23.74, lon: 114.7, online: true, ptz: true, streams: { hls: 'http://hall.local/video/sample-cam/index.m3u8' } },
    new Date().toISOString(),
  );
}

const SAMPLE_CAP_XML = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>sample-import-1</identifier><sender>city@heyuan</sender><sent>2025-06-01T08:00:00+08:00</sent>
  <status>Exercise</status><msgType>Alert</msgType><scope>Public</scope>
  <info><category>Met</category><event>暴雨</event><urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty>
    <headline>河源市暴雨黄色预警</headline><area><areaDesc>源城区</areaDesc></area></info>
</alert>`;

const SAMPLE_PARAMS: Partial<Record<MethodName, unknown>> = {
  'auth.login': { username: DEMO_PASSWORDS.operator.username, password: DEMO_PASSWORDS.operator.password },
  'auth.logout': {},
  'auth.me': {},
  'auth.issueWallToken': { screenId: 'wall-1' },
  'stations.list': { level: 'town' },
  'stations.get': { code: '441602' },
  'system.about': {},
  'system.info': {},
  'system.backup': {},
  'readings.range': { sensorId: 'rain-001', from: '2025-06-01T00:00:00+08:00', to: '2025-06-02T00:00:00+08:00' },
  'alerts.get': { id: SAMPLE_ALERT.identifier },
  'alerts.list': { level: ['blue', 'red'], q: '暴雨' },
  'alerts.exportCap': { id: SAMPLE_ALERT.identifier },
  // A second acknowledgement or handle of the same alert answers with its state (idempotent).
  'alerts.ack': { id: SAMPLE_ALERT.identifier, note: '已知悉' },
  'alerts.handle': { id: SAMPLE_ALERT.identifier },
  'alerts.close': { id: SAMPLE_ALERT_2.identifier, resolution: '已核实，误报' },
  // Escalating again answers with the incident the first call made, so every staff role succeeds.
  'alerts.escalate': { id: SAMPLE_ALERT.identifier },
  'alerts.create': { level: 'yellow', type: 'waterlog', headline: '样例积水告警' },
  'alerts.importCap': { xml: SAMPLE_CAP_XML },
  'alerts.rules.save': { rule: DEFAULT_RULES[0] },
  'alerts.filters.save': { name: '红色', filter: { level: 'red' } },
  'alerts.filters.delete': { id: 987654 },
  'wall.layouts.save': { layout: { id: 'two-up', name: '左右分屏', rows: 1, cols: 2, regions: [{ id: 'a', row: 0, col: 0 }, { id: 'b', row: 0, col: 1 }] } },
  // Deleting a saved layout that is not there succeeds (idempotent).
  'wall.layouts.delete': { id: 'no-such-layout' },
  'wall.scenes.save': { scene: { id: 'sample-scene', name: '样例场景', screens: { 'wall-1': { layoutId: 'full', content: { main: { kind: 'map' } } } } } },
  'wall.scenes.apply': { id: 'flood-iv' },
  'wall.scenes.delete': { id: 'no-such-scene' },
  'wall.schedule.save': { defaultSceneId: 'daily', entries: [{ sceneId: 'flood-iv', days: [], from: '22:00', to: '06:00' }] },
  'wall.setRegion': { screenId: 'wall-1', regionId: 'main', content: { kind: 'clock' } },
  'video.play': { cameraId: 'sample-cam' },
  'video.ptz': { cameraId: 'sample-cam', action: 'left', speed: 20 },
  'video.preset': { cameraId: 'sample-cam', op: 'goto', n: 1 },
  'map.features': { layer: 'alerts', bbox: [114.5, 23.5, 114.9, 23.9] },
  'map.views.save': { name: '样例视图', center: [114.7, 23.74], zoom: 12.5 },
  // Deleting a view that is not there succeeds (idempotent), so every staff role can run it.
  'map.views.delete': { id: '00000000-0000-4000-8000-000000000000' },
  'devices.get': { id: 'demo-modem' },
  'devices.test': { id: 'demo-radio' },
  'devices.simulate': { id: 'demo-radio', mode: 'normal' },
  'contacts.list': { role: 'duty' },
  'contacts.save': { id: 'sample-contact', name: '样例联系人', phone: '13800762999', stationCode: '441602001000', roles: ['duty'] },
  'contacts.delete': { id: 'no-such-contact' },
  'contacts.import': { format: 'csv', dataBase64: Buffer.from('姓名,手机,区划代码,角色\n样例二,13800762998,441602001000,值班人员\n').toString('base64') },
  'contacts.export': { format: 'xlsx' },
  'warnings.fromAlert': { alertId: SAMPLE_ALERT.identifier },
  'warnings.create': { type: 'typhoon', level: 'yellow', title: '样例台风预警', text: '样例台风预警正文。', area: { stationCodes: ['441602'] }, audiences: ['duty'], channels: ['sms'] },
  // The workflow steps' ids are filled in by holdSampleWarnings.
  'incidents.create': { title: '样例山火事件', type: 'forest-fire', level: 'IV', place: { stationCode: '441602100000' } },
  'incidents.list': { status: ['active', 'closing'] },
  'decision.queue': {},
  // The other incidents.* ids are filled in by holdSampleIncidents.
};

/** The matrix as written in the contract, read here without going through roleMayCall. */
function expectedRefusal(name: MethodName, role: Role | null): 'unauthorized' | 'forbidden' | null {
  const allowed = methods[name].roles;
  if (allowed === 'public') return null;
  if (role === null) return 'unauthorized';
  return allowed.includes(role) ? null : 'forbidden';
}

interface AuditRow {
  actor: string | null;
  role: string | null;
  origin: string;
  method: string;
  outcome: string;
  summary: string;
}

function auditRows(db: Db, method?: string): AuditRow[] {
  const rows = db.prepare('SELECT actor, role, origin, method, outcome, summary FROM audit ORDER BY id').all() as AuditRow[];
  return method ? rows.filter((r) => r.method === method) : rows;
}

describe('the role matrix over every contract method', () => {
  it('lists every role for every method (the test below covers them all)', () => {
    expect(METHOD_NAMES.length).toBeGreaterThan(0);
    for (const name of METHOD_NAMES) {
      const roles = methods[name].roles;
      if (roles !== 'public') for (const role of roles) expect(ROLES).toContain(role);
    }
  });

  it.each(METHOD_NAMES)('%s is refused exactly when the matrix says so', async (name) => {
    const { core } = await startCore({ demo: true });
    holdSamples(core);
    if (name.startsWith('warnings.')) await holdSampleWarnings(core);
    if (name.startsWith('incidents.')) holdSampleIncidents(core);
    const callers: [Role | null, CallContext][] = [[null, anonymousCtx]];
    for (const role of ROLES) callers.push([role, (await signInAs(core, role)).ctx]);

    for (const [role, ctx] of callers) {
      const result = await core.invoke(ctx, name, SAMPLE_PARAMS[name] ?? {});
      const refusal = expectedRefusal(name, role);
      const who = `${name} as ${role ?? 'no session'}`;
      if (refusal) {
        expect(result, who).toMatchObject({ ok: false, error: { code: refusal } });
      } else {
        const code = result.ok ? null : result.error.code;
        expect(code, who).not.toBe('forbidden');
        expect(code, who).not.toBe('unauthorized');
        if (name in SAMPLE_PARAMS && !ONCE_ONLY.has(name) && !NEEDS_A_DEVICE.has(name)) expect(result.ok, `${who}: ${JSON.stringify(result)}`).toBe(true);
      }
    }
  });
});

describe('the registry in a real core', () => {
  it('answers not_found for unknown methods, including names inherited from Object', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'admin');
    for (const name of ['stations.delete', 'nope', '', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const result = await core.invoke(ctx, name, {});
      expect(result, name).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(await core.invoke(anonymousCtx, 'stations.delete', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('answers invalid_params with details naming each offending path', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'operator');

    const badCode = await core.invoke(ctx, 'stations.get', { code: 'abc' });
    expect(badCode).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    if (badCode.ok) return;
    expect(badCode.error.message).toContain('stations.get');
    expect(badCode.error.details).toEqual([{ path: 'code', problem: 'a 6- or 12-digit division code' }]);

    const two = await core.invoke(ctx, 'stations.list', { level: 'county', q: 5 });
    expect(two.ok).toBe(false);
    if (two.ok) return;
    const details = two.error.details as { path: string; problem: string }[];
    expect(details.map((d) => d.path).sort()).toEqual(['level', 'q']);
    for (const d of details) expect(d.problem.length).toBeGreaterThan(0);

    const extra = await core.invoke(ctx, 'stations.list', { sql: 'DROP TABLE stations' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(JSON.stringify(extra)).toContain('sql');

    const missing = await core.invoke(anonymousCtx, 'auth.login', { username: 'admin' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid_params', details: [{ path: 'password' }] } });

    const notAnObject = await core.invoke(ctx, 'stations.get', 'ABC');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'invalid_params', details: [{ path: '(params)' }] } });
  });

  it('treats missing params of a method without params as {}', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'operator');
    expect((await core.invoke(ctx, 'system.info', undefined)).ok).toBe(true);
    expect((await core.invoke(ctx, 'system.info', null)).ok).toBe(true);
  });

  it('refuses a wall user every audited method it may not call, with a denied audit row', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'wall');
    const audited = METHOD_NAMES.filter((m) => methods[m].audited && expectedRefusal(m, 'wall') === 'forbidden');
    expect(audited).toEqual(expect.arrayContaining(['auth.issueWallToken', 'system.backup']));
    for (const name of audited) {
      const result = await core.invoke(ctx, name, SAMPLE_PARAMS[name] ?? {});
      expect(result, name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(auditRows(core.db, name), name).toEqual([
        expect.objectContaining({ actor: 'wall', role: 'wall', origin: 'test', outcome: 'denied' }),
      ]);
    }
  });

  it('writes no audit row for reads and for calls without a session', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'operator');
    const before = auditRows(core.db).length;
    await core.invoke(ctx, 'stations.list', {});
    await core.invoke(ctx, 'auth.me', {});
    await core.invoke(anonymousCtx, 'system.backup', {});
    expect(auditRows(core.db)).toHaveLength(before);
  });

  it('audits a state change with its actor and masks secrets in the summary', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'admin');
    valueOf(await core.invoke({ ...ctx, origin: 'http 127.0.0.1' }, 'auth.issueWallToken', { screenId: 'wall-7' }));
    expect(auditRows(core.db, 'auth.issueWallToken')).toEqual([
      { actor: 'admin', role: 'admin', origin: 'http 127.0.0.1', method: 'auth.issueWallToken', outcome: 'ok', summary: '{"screenId":"wall-7"}' },
    ]);
    const logins = auditRows(core.db, 'auth.login');
    expect(logins.at(-1)?.outcome).toBe('ok');
    expect(logins.at(-1)?.summary).toBe('{"username":"admin","password":"***"}');
  });

  it('masks secrets in the summary of a denied call too', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'wall');
    await core.invoke(ctx, 'system.backup', { token: 'stolen-token-value', password: 'p4ss' });
    const [row] = auditRows(core.db, 'system.backup');
    expect(row?.outcome).toBe('denied');
    expect(row?.summary).not.toContain('stolen-token-value');
    expect(row?.summary).not.toContain('p4ss');
  });

  it('never throws, even for refused params JSON cannot hold (IPC can send a BigInt or a cycle)', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'wall');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const params of [{ n: 10n }, cyclic]) {
      await expect(core.invoke(ctx, 'system.backup', params)).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(auditRows(core.db, 'system.backup').map((r) => r.outcome)).toEqual(['denied', 'denied']);
  });

  it('binds a handler to every contract method and nothing else', async () => {
    const { core } = await startCore({ demo: true });
    expect(core.registry.unbound()).toEqual([]);
    expect([...core.registry.registered()].sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('returns results that conform to each method’s result schema (as admin)', async () => {
    const { core, dataDir } = await startCore({ demo: true });
    holdSamples(core);
    await holdSampleWarnings(core);
    holdSampleIncidents(core);
    const { ctx } = await signInAs(core, 'admin');
    // auth.logout last: it ends the session the others use.
    const order = [...METHOD_NAMES.filter((m) => m !== 'auth.logout'), 'auth.logout' as const];
    for (const name of order) {
      const result = await core.invoke(ctx, name, SAMPLE_PARAMS[name] ?? {});
      if (NEEDS_A_DEVICE.has(name)) {
        if (!result.ok) expect(`${result.error.code}: ${result.error.message}`, name).toMatch(/^unavailable: .*模拟故障/);
        else expect(result.value, name).toEqual({ via: 'pelco-d' });
        continue;
      }
      expect(result.ok, `${name}: ${JSON.stringify(result)}`).toBe(true);
      if (!result.ok) continue;
      expect(methods[name].result.safeParse(result.value).success, name).toBe(true);
    }
    const info = valueOf<{ dataDir: string; demo: boolean }>(await core.invoke((await signInAs(core, 'operator')).ctx, 'system.info', {}));
    expect(info).toMatchObject({ dataDir, demo: true });
  });
});

describe('a bare Registry: audit rows and changes commit or roll back together', () => {
  const admin: CallContext = { user: { username: 'zhao', displayName: '赵', role: 'admin', sessionId: 's-1' }, origin: 'test' };

  function bare() {
    const { db } = openStore(':memory:');
    db.exec('CREATE TABLE drills (screen TEXT NOT NULL) STRICT');
    const registry = new Registry({ db, now: () => new Date('2025-01-02T03:04:05.000Z') });
    const drills = () => (db.prepare('SELECT screen FROM drills').all() as { screen: string }[]).map((r) => r.screen);
    return { db, registry, drills };
  }

  it('commits the change and an ok audit row with actor and time', async () => {
    const { db, registry, drills } = bare();
    registry.register('auth.issueWallToken', (params) => {
      db.prepare('INSERT INTO drills (screen) VALUES (?)').run(params.screenId);
      return { token: 't', expiresAt: '2030-01-01T00:00:00.000Z' };
    });
    expect(await registry.invoke(admin, 'auth.issueWallToken', { screenId: 'wall-1' })).toMatchObject({ ok: true });
    expect(drills()).toEqual(['wall-1']);
    expect(db.prepare('SELECT at, actor, role, outcome FROM audit').all()).toEqual([
      { at: '2025-01-02T03:04:05.000Z', actor: 'zhao', role: 'admin', outcome: 'ok' },
    ]);
    db.close();
  });

  it('rolls back a write when the handler throws after it, and audits the failure', async () => {
    const logged = quietConsoleError();
    const { db, registry, drills } = bare();
    registry.register('auth.issueWallToken', (params) => {
      db.prepare('INSERT INTO drills (screen) VALUES (?)').run(params.screenId);
      throw new Error('screen controller unplugged');
    });
    const result = await registry.invoke(admin, 'auth.issueWallToken', { screenId: 'wall-1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(drills()).toEqual([]);
    const rows = auditRows(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'zhao', outcome: 'failed', method: 'auth.issueWallToken' });
    expect(rows[0]?.summary).toContain('screen controller unplugged');
    expect(logged).toHaveBeenCalledWith('[registry] auth.issueWallToken failed', expect.any(Error));
    db.close();
  });

  it('passes a HallError through with its code, audited as failed (or denied for forbidden)', async () => {
    const { db, registry, drills } = bare();
    registry.register('auth.issueWallToken', (params) => {
      db.prepare('INSERT INTO drills (screen) VALUES (?)').run(params.screenId);
      if (params.screenId === 'taken') throw new HallError('conflict', 'screen taken', { screenId: params.screenId });
      throw new HallError('forbidden', 'not on this console');
    });
    expect(await registry.invoke(admin, 'auth.issueWallToken', { screenId: 'taken' })).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'screen taken', details: { screenId: 'taken' } },
    });
    expect(await registry.invoke(admin, 'auth.issueWallToken', { screenId: 'other' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(drills()).toEqual([]);
    expect(auditRows(db).map((r) => r.outcome)).toEqual(['failed', 'denied']);
    db.close();
  });

  it('rolls back the change when its audit row cannot be written', async () => {
    const logged = quietConsoleError();
    const { db, registry, drills } = bare();
    db.exec(`CREATE TRIGGER audit_full BEFORE INSERT ON audit WHEN NEW.outcome = 'ok' BEGIN SELECT RAISE(ABORT, 'audit disk full'); END`);
    registry.register('auth.issueWallToken', (params) => {
      db.prepare('INSERT INTO drills (screen) VALUES (?)').run(params.screenId);
      return { token: 't', expiresAt: '2030-01-01T00:00:00.000Z' };
    });
    const result = await registry.invoke(admin, 'auth.issueWallToken', { screenId: 'wall-1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(drills()).toEqual([]);
    expect(auditRows(db).map((r) => r.outcome)).toEqual(['failed']);
    expect(logged).toHaveBeenCalled();
    db.close();
  });

  it('async handlers write through tools.transaction: atomic with the audit row, rolled back on a throw', async () => {
    const logged = quietConsoleError();
    const { db, registry, drills } = bare();
    let failNext = false;
    registry.registerAsync('auth.issueWallToken', async (params, _ctx, tools) => {
      await Promise.resolve();
      return tools.transaction(() => {
        db.prepare('INSERT INTO drills (screen) VALUES (?)').run(params.screenId);
        if (failNext) throw new Error('write refused');
        return { token: 't', expiresAt: '2030-01-01T00:00:00.000Z' };
      });
    });
    expect((await registry.invoke(admin, 'auth.issueWallToken', { screenId: 'wall-1' })).ok).toBe(true);
    failNext = true;
    expect(await registry.invoke(admin, 'auth.issueWallToken', { screenId: 'wall-2' })).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(drills()).toEqual(['wall-1']);
    expect(auditRows(db).map((r) => r.outcome)).toEqual(['ok', 'failed']);
    expect(logged).toHaveBeenCalledTimes(1);
    db.close();
  });

  it('audits an async handler that does not use tools.transaction exactly once', async () => {
    const { db, registry } = bare();
    registry.registerAsync('system.backup', async () => ({ path: await Promise.resolve('/backups/x.sqlite') }));
    expect(await registry.invoke(admin, 'system.backup', {})).toEqual({ ok: true, value: { path: '/backups/x.sqlite' } });
    expect(auditRows(db).map((r) => [r.method, r.outcome])).toEqual([['system.backup', 'ok']]);
    db.close();
  });

  it('reports a result that breaks its schema as internal, never passing it on', async () => {
    const logged = quietConsoleError();
    const { db, registry } = bare();
    registry.register('system.info', () => ({ version: 1 }) as never);
    const result = await registry.invoke(admin, 'system.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: 'system.info produced an invalid result' } });
    expect(logged).toHaveBeenCalledWith('[registry] system.info returned a value that breaks its result schema', expect.any(Array));
    db.close();
  });

  it('answers not_found for a contract method without a handler, and lists it as unbound', async () => {
    const { db, registry } = bare();
    registry.register('system.info', () => ({ version: '1', demo: false, dataDir: '/d', startedAt: 'now' }));
    expect(registry.unbound()).not.toContain('system.info');
    expect(registry.unbound()).toContain('stations.list');
    expect(await registry.invoke(admin, 'stations.list', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    db.close();
  });

  it('refuses to bind a method twice', () => {
    const { db, registry } = bare();
    registry.register('auth.me', () => ({ user: { username: 'a', displayName: 'a', role: 'admin' }, expiresAt: 'x' }));
    expect(() => registry.register('auth.me', () => ({ user: { username: 'a', displayName: 'a', role: 'admin' }, expiresAt: 'x' }))).toThrow(
      'Method auth.me is registered twice',
    );
    db.close();
  });
});

describe('summarizeParams', () => {
  it('masks every secret-looking key, nested and in arrays, and keeps the rest', () => {
    const summary = summarizeParams({
      username: 'li',
      password: 'hunter2',
      newPassword: 'hunter3',
      token: 'tok-123',
      device: { apiKey: 'k-9', pin: '0000', host: '10.0.0.5' },
      list: [{ secret: 's-1', name: 'n' }],
    });
    for (const secret of ['hunter2', 'hunter3', 'tok-123', 'k-9', '0000', 's-1']) expect(summary).not.toContain(secret);
    expect(JSON.parse(summary)).toEqual({
      username: 'li',
      password: '***',
      newPassword: '***',
      token: '***',
      device: { apiKey: '***', pin: '***', host: '10.0.0.5' },
      list: [{ secret: '***', name: 'n' }],
    });
  });

  it('caps long summaries at 500 characters and summarizes missing params as {}', () => {
    expect(summarizeParams({ note: 'x'.repeat(2000) })).toHaveLength(500);
    expect(summarizeParams(undefined)).toBe('{}');
  });
});
