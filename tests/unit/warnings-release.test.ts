/**
 * Warning release through the core's methods, driving demo mode's simulators with the real
 * drivers over loopback TCP: an operator drafts a 暴雨橙色预警 for two towns, a commander
 * approves, exactly those towns' terminals play and succeed, the modem receives UCS-2
 * concatenated PDUs for those towns' duty persons, and the release completes with coverage and a
 * broadcast.report upstream. Also: a terminal told to fail, break-glass, cancel, update, contacts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import type { CallContext } from '../../electron/core/api/context';
import type { Contact, Delivery, Warning, WarningDetail } from '../../shared/contract/warnings';

const T1 = '441602001000'; // 上城街道
const T2 = '441602100000'; // 源南镇
const sameTown = (code: string | null, town: string) => code !== null && code.slice(0, 9) === town.slice(0, 9);

const XSD = '/work/shared/vectors/cap/schema/cap12.xsd';

/** The exported CAP passes the OASIS schema (libxml2), as the desk's exports do. */
function schemaValid(xml: string): void {
  const file = path.join(dir, `cap-${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(file, xml);
  execFileSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { stdio: 'pipe' });
}

const ctx = (username: string, role: 'operator' | 'commander' | 'admin'): CallContext => ({ user: { username, displayName: username, role, sessionId: username }, origin: 'test' });
const operator = ctx('operator', 'operator');
const commander = ctx('commander', 'commander');

let core: Core;
let dir: string;

async function call<T>(who: CallContext, method: string, params: unknown): Promise<T> {
  const r = await core.invoke(who, method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const draft = {
  type: 'rainstorm',
  level: 'orange',
  title: '源城区暴雨橙色预警',
  text: '源城区三防指挥部发布暴雨橙色预警：预计未来3小时上城街道、源南镇将出现50毫米以上强降雨。请立即停止户外作业，低洼地带居民做好转移准备，远离河道和边坡。',
  area: { stationCodes: [T1, T2] },
  audiences: ['residents', 'duty'],
  channels: ['speaker', 'sms'],
  repeat: 1,
};

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-release-'));
  core = await createCore({
    dataDir: dir,
    demo: true,
    config: parseConfig({ simulator: { terminalSpeed: 40, smsReportMs: 100, deviceTroubleMinutes: 0, seedWarnings: false }, warnings: { retryMinSeconds: 0.1, retryMaxSeconds: 0.3, attempts: 2 } }),
    startDemoDistrict: null,
    log: () => undefined,
  });
  await until('all devices online', async () => (await call<{ state: string }[]>(operator, 'devices.list', {})).every((d) => d.state === 'online'));
});

afterEach(async () => {
  await core.closeAsync();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('warning release end to end (core + simulators)', () => {
  it('drafts, needs a commander who is not the author, releases to exactly two towns and completes with coverage', async () => {
    const w = await call<Warning>(operator, 'warnings.create', draft);
    expect(w.ebmId).toMatch(/^\d{35}$/);
    expect(w).toMatchObject({ status: 'draft', needsApproval: true, scope: 'public' });
    expect(w.audio?.durationMs).toBeGreaterThan(1000);
    await expect(call(operator, 'warnings.release', { id: w.id })).rejects.toThrow(/approval first/);
    await call(operator, 'warnings.submit', { id: w.id });
    await expect(call(operator, 'warnings.approve', { id: w.id })).rejects.toThrow(/forbidden/);
    await call(commander, 'warnings.approve', { id: w.id });

    const done = await until('the release to finish', async () => {
      const d = await call<WarningDetail>(operator, 'warnings.get', { id: w.id });
      return ['completed', 'partial', 'failed'].includes(d.status) ? d : undefined;
    }, 60_000);
    expect(done.status).toBe('completed');
    expect(done.counts.confirmed).toBe(done.counts.total);

    const sims = core.release.demoDevices!.sims;
    const played = sims.fleet!.terminals.filter((t) => t.broadcasts.some((b) => b.ebmId === w.ebmId));
    const expected = sims.fleet!.terminals.filter((t) => sameTown(t.stationCode, T1) || sameTown(t.stationCode, T2));
    expect(played.map((t) => t.stationCode).sort()).toEqual(expected.map((t) => t.stationCode).sort());
    for (const t of played) {
      const b = t.broadcasts.find((x) => x.ebmId === w.ebmId)!;
      expect(b.states).toEqual(expect.arrayContaining(['playing', 'succeeded']));
      expect(b.audioBytes).toBe(w.audio!.bytes);
    }

    // The modem got UCS-2 concatenated PDUs for exactly the two towns' duty persons.
    const duty = (await call<Contact[]>(operator, 'contacts.list', { role: 'duty' })).filter((c) => sameTown(c.stationCode, T1) || sameTown(c.stationCode, T2));
    const submits = sims.modem!.submits;
    const recipients = [...new Set(submits.map((s) => s.decoded.number))].sort();
    expect(recipients).toEqual(duty.map((c) => c.phone).sort());
    for (const s of submits) {
      expect(s.decoded.coding).toBe('ucs2');
      expect(s.decoded.requestStatusReport).toBe(true);
      expect(s.decoded.concat?.parts).toBeGreaterThan(1);
    }
    const first = submits.filter((s) => s.decoded.number === duty[0]!.phone).sort((a, b) => a.decoded.concat!.part - b.decoded.concat!.part);
    expect(first.map((s) => s.decoded.text).join('')).toBe(`【源城区应急】${draft.title}：${draft.text}`);

    expect(done.coverage.map((c) => c.townCode)).toEqual([T1, T2]);
    for (const c of done.coverage) expect(c.villagesReached).toBe(c.villagesTargeted);
    expect(done.timeline.map((e) => e.kind)).toEqual(['created', 'submitted', 'approved', 'released', 'completed']);
    const outbox = core.db.prepare(`SELECT payload FROM outbox WHERE type = 'broadcast.report'`).all() as { payload: string }[];
    expect(outbox.map((r) => (JSON.parse(r.payload) as { releaseId: string }).releaseId)).toEqual([w.id]);
    const cap = await call<{ xml: string }>(operator, 'warnings.exportCap', { id: w.id });
    expect(cap.xml).toContain(`<identifier>YC-EBM-${w.ebmId}</identifier>`);
    schemaValid(cap.xml);
  });

  it('a terminal told to fail shows as failed with its reason; the release is partial', async () => {
    const village = `${T1.slice(0, 9)}003`;
    await call(operator, 'devices.simulate', { id: `speaker-${village}`, mode: 'refuse' });
    const w = await call<Warning>(operator, 'warnings.create', { ...draft, level: 'blue', audiences: ['residents'], channels: ['speaker'], area: { stationCodes: [T1] } });
    expect(w.needsApproval).toBe(true); // public
    await call(operator, 'warnings.release', { id: w.id, breakGlass: { reason: '山洪已到，来不及等待审批' } });
    const done = await until('the release to finish', async () => {
      const d = await call<WarningDetail>(operator, 'warnings.get', { id: w.id });
      return ['completed', 'partial', 'failed'].includes(d.status) ? d : undefined;
    }, 60_000);
    expect(done.status).toBe('partial');
    expect(done.breakGlass).toMatchObject({ by: 'operator', reason: '山洪已到，来不及等待审批' });
    const failed = (await call<Delivery[]>(operator, 'warnings.deliveries', { id: w.id })).filter((d) => d.state === 'failed');
    expect(failed.map((d) => d.stationCode)).toEqual([village]);
    expect(failed[0]!.attempts).toBe(2);
    expect(failed[0]!.lastError).toMatch(/result 13|bad.request/i);
    const audit = core.db.prepare(`SELECT outcome, summary FROM audit WHERE method = 'warnings.release'`).all() as { outcome: string; summary: string }[];
    expect(audit.some((a) => a.outcome === 'ok' && a.summary.includes('来不及等待审批'))).toBe(true);
  });

  it('an internal blue warning is released by the operator directly; update and cancel keep references', async () => {
    const w = await call<Warning>(operator, 'warnings.create', { ...draft, level: 'blue', audiences: ['duty'], channels: ['sms'], area: { stationCodes: [T2] } });
    expect(w).toMatchObject({ needsApproval: false, scope: 'internal' });
    await call(operator, 'warnings.release', { id: w.id });
    await until('completion', async () => (await call<Warning>(operator, 'warnings.get', { id: w.id })).status === 'completed', 30_000);
    const update = await call<Warning>(operator, 'warnings.update', { id: w.id, changes: { text: `${draft.text}（更新：雨势减弱）` } });
    expect(update).toMatchObject({ msgType: 'Update', references: w.id, status: 'draft' });
    const cancelled = await call<Warning>(operator, 'warnings.cancel', { id: w.id, reason: '降雨结束，解除预警' });
    expect(cancelled.status).toBe('cancelled');
    const list = await call<Warning[]>(operator, 'warnings.list', {});
    const cancel = list.find((x) => x.msgType === 'Cancel')!;
    expect(cancel.references).toBe(w.id);
    const cap = await call<{ xml: string }>(operator, 'warnings.exportCap', { id: cancel.id });
    expect(cap.xml).toContain('<msgType>Cancel</msgType>');
    expect(cap.xml).toContain(`YC-EBM-${w.ebmId}`);
    schemaValid(cap.xml);
  });

  it('refuses bad input with messages that name the problem', async () => {
    await expect(call(operator, 'warnings.create', { ...draft, area: { stationCodes: [] } })).rejects.toThrow(/needs an area/);
    await expect(call(operator, 'warnings.create', { ...draft, audiences: ['residents'], channels: ['sms'] })).rejects.toThrow(/SMS goes to people/);
    await expect(call(operator, 'warnings.create', { ...draft, area: { stationCodes: ['441602999000'] } })).rejects.toThrow(/Unknown place code.*441602999000/);
  });

  it('contacts import from CSV and XLSX round-trips; bad rows are listed and the rest kept', async () => {
    const csv = '\ufeff姓名,手机,区划代码,角色,分组\n王小明,13800762001,441602001000,值班人员,镇街值班\n李坏,123,441602001000,值班人员,\n赵六,13800762002,441602001000,村长,\n';
    const r = await call<{ added: number; problems: { row: number; message: string }[] }>(operator, 'contacts.import', { format: 'csv', dataBase64: Buffer.from(csv).toString('base64') });
    expect(r.added).toBe(1);
    expect(r.problems.map((p) => p.row)).toEqual([3, 4]);
    expect(r.problems[0]!.message).toMatch(/phone/);
    expect(r.problems[1]!.message).toMatch(/unknown role 村长/);
    const xlsx = await call<{ dataBase64: string; filename: string }>(operator, 'contacts.export', { format: 'xlsx' });
    expect(xlsx.filename).toMatch(/\.xlsx$/);
    const before = (await call<Contact[]>(operator, 'contacts.list', {})).length;
    const again = await call<{ added: number; updated: number; problems: unknown[] }>(operator, 'contacts.import', { format: 'xlsx', dataBase64: xlsx.dataBase64 });
    expect(again).toMatchObject({ added: 0, updated: before, problems: [] });
    const csvOut = await call<{ dataBase64: string }>(operator, 'contacts.export', { format: 'csv' });
    expect(Buffer.from(csvOut.dataBase64, 'base64').toString('utf8')).toContain('王小明,13800762001,441602001000,上城街道,值班人员,镇街值班');
  });
});
