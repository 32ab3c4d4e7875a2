/**
 * The situation report (情况报告): one A4 HTML document — the incident's summary (level, status,
 * duration, commander), a map snapshot, the significant log entries, the evacuation table by
 * town and village and the loss table by town with totals — printed to PDF, kept under
 * dataDir/reports/<incidentId>/ with the HTML it came from, and logged with the incident.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { EvacuationSummary, IncidentDetail, IncidentReportFile as IncidentReportFileSchema, LossSummary, MapGeometry, TimelineEntry } from '../../../shared/contract';
import { TYPE_ZH } from '../../../shared/alerts/levels';
import type { IncidentService } from './service';
import type { PdfPrinter } from './pdf';
import { FAMILY_ZH, LEVEL_ZH } from './checklists';
import { EVACUATION_ZH } from './fieldwork';
import { escapeHtml as h, shanghai } from './html';
import { mapSnapshotSvg, ZONE_COLORS, type MapSnapshotInput } from './map-svg';
import { alertInScope, capRing, incidentPoint } from './scope';

type IncidentReportFile = z.infer<typeof IncidentReportFileSchema>;

export interface ReportData {
  incident: IncidentDetail;
  placeText: string;
  highlights: TimelineEntry[];
  evacuation: EvacuationSummary;
  losses: LossSummary;
  map: MapSnapshotInput;
  madeAt: string;
  madeBy: string;
}

const STATUS_ZH = { active: '处置中', closing: '收尾中', closed: '已结束' } as const;

export function reportData(s: IncidentService, id: string, by: string, boundary: MapGeometry): ReportData {
  const incident = s.detail(id);
  const { stations, desk } = s.deps;
  const scope = s.scope(incident);
  const point = incidentPoint(incident, stations);
  const evacuation = s.records.evacuation(id, (c) => stations.get(c));
  const significant = s.timeline.list(id, { significantOnly: true });
  const placeText = incident.place.description || (incident.place.stationCode ? s.placeName(incident.place.stationCode) : incident.place.area?.areaDesc) || '源城区';
  const alerts = incident.status === 'closed' ? [] : desk.store.open().filter((a) => alertInScope(scope, a));
  return {
    incident,
    placeText,
    // With nothing marked yet, the latest entries stand in for the highlights.
    highlights: significant.length ? significant : s.timeline.list(id).slice(-10),
    evacuation,
    losses: s.records.losses(id, (c) => s.placeName(c)),
    map: {
      boundary,
      towns: stations.list({ level: 'town' }).map((t) => ({ name: t.name, lat: t.lat, lon: t.lon })),
      incident: point ? { ...point, label: placeText } : null,
      area: (incident.place.area?.polygon ?? []).map(capRing),
      villages: evacuation.records.filter((r) => r.lat !== null && r.lon !== null).map((r) => ({ name: r.stationName, lat: r.lat!, lon: r.lon!, status: r.status })),
      alerts: alerts.flatMap((a) => {
        const st = a.station_code ? stations.get(a.station_code) : a.town_code ? stations.get(a.town_code) : undefined;
        return st ? [{ lat: st.lat, lon: st.lon, level: a.level }] : [];
      }),
    },
    madeAt: s.nowIso(),
    madeBy: by,
  };
}

function durationText(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const hh = Math.floor((minutes % 1440) / 60);
  const mm = minutes % 60;
  return `${d ? `${d}天` : ''}${d || hh ? `${hh}小时` : ''}${mm}分钟`;
}

const CSS = `
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt; color: #111; }
h1 { text-align: center; font-size: 20pt; margin: 0 0 4px; color: #b91c1c; }
.sub { text-align: center; color: #444; margin-bottom: 10px; }
h2 { font-size: 13pt; border-left: 4px solid #b91c1c; padding-left: 6px; margin: 14px 0 6px; }
table { width: 100%; border-collapse: collapse; margin-bottom: 6px; }
th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; }
td.n, th.n { text-align: right; }
tr.total td { font-weight: bold; background: #fef2f2; }
.kv td:nth-child(odd) { width: 16%; background: #f8fafc; font-weight: bold; }
.map { text-align: center; page-break-inside: avoid; }
.legend span { display: inline-block; margin-right: 10px; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 3px; }
`;

export function reportHtml(d: ReportData): string {
  const i = d.incident;
  const k = i.kpis;
  const level = i.level ? `${LEVEL_ZH[i.level]}应急响应` : '未启动响应';
  const kv = [
    ['事件名称', i.title, '事件编号', i.id],
    ['事件类型', `${TYPE_ZH[i.type] ?? i.type}（${FAMILY_ZH[i.family]}）`, '事发地点', d.placeText],
    ['发生时间', shanghai(i.occurredAt), '响应级别', level],
    ['事件状态', STATUS_ZH[i.status], '持续时间', durationText(k.durationMinutes)],
    ['指挥长', i.commander ?? '—', '未关闭告警', String(k.openAlerts)],
    ['转移人数', `已转移 ${k.moved} 人 / 应转移 ${k.toMove} 人`, '任务', `进行中 ${k.openTasks}，逾期 ${k.overdueTasks}`],
    ['预警送达', `确认 ${k.confirmedDeliveries} / ${k.totalDeliveries}`, '响应清单', `完成 ${k.checklistDone} / ${k.checklistTotal}`],
  ];
  const levels = i.levelHistory.map((c) => `<tr><td>${h(shanghai(c.at))}</td><td>${c.from ? h(LEVEL_ZH[c.from]) : '—'} → ${c.to ? h(LEVEL_ZH[c.to]) : '—'}</td><td>${h(c.reason)}</td><td>${h(c.by)}</td></tr>`);
  const highlights = d.highlights.map((e) => `<tr><td>${h(shanghai(e.at))}</td><td>${h(e.text)}</td><td>${h(e.by ?? '系统')}</td></tr>`);
  const evac = d.evacuation.byTown.flatMap((t) => [
    ...d.evacuation.records
      .filter((r) => r.townCode === t.townCode && r.status !== 'drill')
      .map((r) => `<tr><td>${h(t.townName)}</td><td>${h(r.stationName)}</td><td>${h(EVACUATION_ZH[r.status])}</td><td class="n">${r.toMove}</td><td class="n">${r.moved}</td><td>${h(r.shelter || '—')}</td></tr>`),
    `<tr class="total"><td>${h(t.townName)}小计</td><td>${t.villages} 个村（居）</td><td></td><td class="n">${t.toMove}</td><td class="n">${t.moved}</td><td></td></tr>`,
  ]);
  const et = d.evacuation.totals;
  const lossCols: [keyof LossSummary['totals'], string][] = [
    ['affectedPeople', '受灾人口(人)'], ['relocated', '紧急转移(人)'], ['deaths', '死亡(人)'], ['missing', '失踪(人)'], ['injured', '受伤(人)'],
    ['housesCollapsed', '倒塌房屋(间)'], ['housesDamaged', '损坏房屋(间)'], ['cropAreaMu', '农作物受灾(亩)'], ['directLoss', '直接经济损失(万元)'],
  ];
  const lossRows = d.losses.byTown.map((r) => `<tr><td>${h(r.townName)}</td>${lossCols.map(([key]) => `<td class="n">${r[key]}</td>`).join('')}<td>${h(shanghai(r.at))}</td></tr>`);
  const legend = (Object.keys(ZONE_COLORS) as (keyof typeof ZONE_COLORS)[]).map((z) => `<span><i class="dot" style="background:${ZONE_COLORS[z]}"></i>${EVACUATION_ZH[z]}</span>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${h(i.title)} 情况报告</title><style>${CSS}</style></head><body>
<h1>源城区突发事件情况报告</h1>
<div class="sub">${h(i.title)}&#12288;|&#12288;报告时间：${h(shanghai(d.madeAt))}&#12288;|&#12288;报告人：${h(d.madeBy)}</div>
<h2>一、事件概况</h2>
<table class="kv">${kv.map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`).join('')}</table>
${i.summary ? `<p>${h(i.summary)}</p>` : ''}
${levels.length ? `<table><tr><th>时间</th><th>级别调整</th><th>理由</th><th>决定人</th></tr>${levels.join('')}</table>` : ''}
<h2>二、态势图</h2>
<div class="map">${mapSnapshotSvg(d.map)}<div class="legend">★ 事发地点&#12288;▲ 未关闭告警&#12288;${legend}</div></div>
<h2>三、重要事件记录</h2>
${highlights.length ? `<table><tr><th style="width:22%">时间</th><th>内容</th><th style="width:14%">记录人</th></tr>${highlights.join('')}</table>` : '<p>暂无记录。</p>'}
<h2>四、转移安置情况</h2>
<table><tr><th>镇街</th><th>村（居）</th><th>状态</th><th class="n">应转移(人)</th><th class="n">已转移(人)</th><th>安置点</th></tr>
${evac.join('')}
<tr class="total"><td>合计</td><td>${et.villages} 个村（居）</td><td></td><td class="n">${et.toMove}</td><td class="n">${et.moved}</td><td></td></tr></table>
<h2>五、灾情统计</h2>
<table><tr><th>镇街</th>${lossCols.map(([, label]) => `<th class="n">${label}</th>`).join('')}<th>统计时间</th></tr>
${lossRows.join('')}
<tr class="total"><td>合计</td>${lossCols.map(([key]) => `<td class="n">${d.losses.totals[key]}</td>`).join('')}<td></td></tr></table>
</body></html>`;
}

/** Makes the report's PDF and keeps it; `record` writes its row and log entry (in the caller's transaction). */
export async function makeReport(
  s: IncidentService,
  opts: { dataDir: string; printPdf: PdfPrinter; boundary: () => MapGeometry },
  id: string,
  by: string,
  record: (write: () => void) => void,
): Promise<IncidentReportFile> {
  const data = reportData(s, id, by, opts.boundary());
  const html = reportHtml(data);
  const pdf = await opts.printPdf(html);
  const dir = path.join(opts.dataDir, 'reports', id.replace(/[^\w.-]+/g, '_'));
  fs.mkdirSync(dir, { recursive: true });
  const stamp = data.madeAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const filename = `situation-report-${id}-${stamp}.pdf`.replace(/[^\w.-]+/g, '_');
  const file = path.join(dir, filename);
  fs.writeFileSync(file, pdf);
  fs.writeFileSync(file.replace(/\.pdf$/, '.html'), html);
  const reportId = randomUUID();
  record(() => {
    s.store.addReport(id, { id: reportId, at: data.madeAt, by, filename, path: file, bytes: pdf.length });
    s.note(id, { kind: 'report', text: `生成情况报告 ${filename}`, by, significant: false, ref: reportId }, data.madeAt);
    s.notifier.changed(id, 'reports');
  });
  return { id: reportId, path: file, filename, bytes: pdf.length, dataBase64: pdf.toString('base64') };
}
