/**
 * The situation report (情况报告): its data (summary, map, highlights, evacuation and losses), the
 * PDF printed by headless Chromium and read back with pdftotext, kept under
 * dataDir/reports/<incidentId>/ and listed with the incident; an injected printer (Electron's
 * printToPDF) is used instead when given; a missing Chromium is named.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import type { CoreOptions } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import { districtBoundaryWgs84 } from '../../electron/core/map/district-geometry';
import { reportData, reportHtml } from '../../electron/core/incidents/report';
import { chromiumPrinter } from '../../electron/core/incidents/pdf';
import type { Incident, IncidentDetail } from '../../shared/contract';
import { signInAs, startCore, valueOf } from '../fixtures/core-helpers';

const T0 = Date.parse('2026-06-10T08:00:00+08:00');
const SHANGCHENG = '441602001000';
const YUANNAN = '441602100000';

async function incidentWithRecords(options: Partial<CoreOptions> = {}) {
  const clock = { ms: T0 };
  const { core, dataDir } = await startCore({ demo: true, startDemoDistrict: null, now: () => new Date(clock.ms), config: parseConfig({ demo: true, simulator: { devices: false } }), ...options });
  const operator = (await signInAs(core, 'operator')).ctx;
  const commander = (await signInAs(core, 'commander')).ctx;
  const call = async <T,>(ctx: CallContext, m: string, p: unknown) => valueOf<T>(await core.invoke(ctx, m, p));
  const incident = await call<Incident>(operator, 'incidents.create', { title: '源城区“龙舟水”强降雨', type: 'rainstorm', level: 'III', commander: '李指挥', place: { stationCode: SHANGCHENG } });
  const village = (town: string) => (core.db.prepare(`SELECT code FROM stations WHERE level = 'village' AND parent_code = ? ORDER BY code LIMIT 1`).get(town) as { code: string }).code;
  await call(operator, 'incidents.evacuation.save', { incidentId: incident.id, stationCode: village(SHANGCHENG), toMove: 1234, moved: 987, shelter: '上城小学', status: 'evacuate' });
  await call(operator, 'incidents.evacuation.save', { incidentId: incident.id, stationCode: village(YUANNAN), toMove: 566, moved: 0, status: 'prepare' });
  await call(operator, 'incidents.losses.save', { incidentId: incident.id, townCode: YUANNAN, affectedPeople: 4321, directLoss: 88.5 });
  await call(operator, 'incidents.log', { id: incident.id, text: '区三防办召开防御会商会', significant: true });
  clock.ms += 90 * 60_000;
  return { core, dataDir, clock, operator, commander, call, incident, village };
}

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('the situation report', () => {
  it('gathers the summary, the map’s points, the highlights and the tables', async () => {
    const { core, incident, village } = await incidentWithRecords();
    const data = reportData(core.incidents.service, incident.id, 'operator', districtBoundaryWgs84());
    expect(data.incident).toMatchObject({ title: incident.title, level: 'III', commander: '李指挥', kpis: { durationMinutes: 90, moved: 987, toMove: 1800 } });
    expect(data.placeText).toBe('上城街道');
    expect(data.highlights.map((e) => e.text)).toEqual([expect.stringContaining('事件创建') as string, expect.stringContaining('启动Ⅲ级') as string, '区三防办召开防御会商会']);
    expect(data.evacuation.totals).toEqual({ toMove: 1800, moved: 987, villages: 2 });
    expect(data.losses.totals).toMatchObject({ affectedPeople: 4321, directLoss: 88.5 });
    expect(data.map.incident).toMatchObject({ label: '上城街道', lat: expect.any(Number) as number });
    expect(data.map.villages.map((v) => v.status).sort()).toEqual(['evacuate', 'prepare']);
    expect(data.map.towns.length).toBeGreaterThanOrEqual(7);
    const html = reportHtml(data);
    expect(html).toContain('<svg');
    expect(html).toContain('<title>源城区“龙舟水”强降雨 情况报告</title>');
    expect(html).not.toMatch(/<script/i);
    expect(village(SHANGCHENG)).toMatch(/^441602001\d{3}$/);
  });

  it('prints a PDF with Chromium that holds the title and the evacuation totals, keeps it with the incident and logs it', async () => {
    const { core, dataDir, operator, call, incident } = await incidentWithRecords();
    const file = await call<{ id: string; path: string; filename: string; bytes: number; dataBase64: string }>(operator, 'incidents.report', { id: incident.id });
    expect(file.path).toBe(path.join(dataDir, 'reports', incident.id, file.filename));
    expect(file.filename).toMatch(/^situation-report-INC-\d{8}-[0-9a-f]{8}-\d{8}T\d{6}Z\.pdf$/);
    const bytes = fs.readFileSync(file.path);
    expect(bytes.length).toBe(file.bytes);
    expect(Buffer.from(file.dataBase64, 'base64').equals(bytes)).toBe(true);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const text = pdfText(file.path);
    expect(text).toContain('源城区“龙舟水”强降雨');
    expect(text).toContain('转移安置情况');
    expect(text).toMatch(/合计\s+2 个村（居）\s+1800\s+987/);
    expect(text).toContain('4321');
    expect(text).toContain('区三防办召开防御会商会');

    const detail = await call<IncidentDetail>(operator, 'incidents.get', { id: incident.id });
    expect(detail.reports).toEqual([{ id: file.id, at: new Date(T0 + 90 * 60_000).toISOString(), by: 'operator', filename: file.filename, bytes: file.bytes }]);
    const logged = valueOf<{ kind: string; ref: string }[]>(await core.invoke(operator, 'incidents.timeline', { id: incident.id, kinds: ['report'] }));
    expect(logged).toEqual([expect.objectContaining({ kind: 'report', ref: file.id })]);
    expect(core.db.prepare(`SELECT outcome FROM audit WHERE method = 'incidents.report'`).all()).toEqual([{ outcome: 'ok' }]);
  });

  it('uses the printer the host passes (Electron’s printToPDF) and reports a failing one as unavailable', async () => {
    const seen: string[] = [];
    let fail = false;
    const printPdf = (html: string) => {
      seen.push(html);
      return fail ? Promise.reject(new Error('printToPDF failed: renderer gone')) : Promise.resolve(Buffer.from('%PDF-1.4 fake'));
    };
    const { core, operator, call, incident } = await incidentWithRecords({ printPdf });
    const file = await call<{ bytes: number; dataBase64: string }>(operator, 'incidents.report', { id: incident.id });
    expect(Buffer.from(file.dataBase64, 'base64').toString()).toBe('%PDF-1.4 fake');
    expect(seen[0]).toContain('源城区突发事件情况报告');
    fail = true;
    expect(await core.invoke(operator, 'incidents.report', { id: incident.id })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('renderer gone') as string } });
    expect(valueOf<IncidentDetail>(await core.invoke(operator, 'incidents.get', { id: incident.id })).reports).toHaveLength(1);
    expect(await core.invoke(operator, 'incidents.report', { id: 'INC-none' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('names what is missing when there is no Chromium', async () => {
    await expect(chromiumPrinter(null)('<p>x</p>')).rejects.toThrow(/needs Chromium.*HALL_CHROMIUM/);
  });
});
