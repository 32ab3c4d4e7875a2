/**
 * Demo mode's first start shows an incident being run, through the real services: 源南镇's
 * riverside villages under a 三防 Ⅳ response — the checklist partly done, a task overdue, three
 * villages moving people, a first loss report, a significant log entry — and an operator's
 * proposal to raise it to Ⅲ waiting for the commander. Seeded once (when there is no incident).
 */
import type { IncidentService } from './service';
import type { Fieldwork } from './fieldwork';

const YUANNAN = '441602100000';

export function seedDemoIncident(service: IncidentService, fieldwork: Fieldwork, villages: readonly string[], now: () => Date, log: (line: string) => void): void {
  if (service.list().length > 0) return;
  const minutesAgo = (m: number) => new Date(now().getTime() - m * 60_000).toISOString();
  const incident = service.create(
    {
      title: '源南镇沿河村居内涝险情',
      type: 'flood',
      place: { stationCode: YUANNAN, point: null, area: null, description: '东江支流沿河低洼村居' },
      occurredAt: minutesAgo(95),
      commander: 'commander',
      summary: '持续强降雨，东江支流水位上涨，沿河低洼村居出现积水，部分房屋进水。',
    },
    'operator',
  );
  service.setLevel(incident.id, 'IV', '沿河村居积水，启动三防Ⅳ级应急响应', 'commander');
  const items = service.detail(incident.id).checklist.filter((i) => !i.superseded);
  for (const item of items.slice(0, 3)) service.updateChecklist(incident.id, item.id, { done: true }, 'operator');
  fieldwork.saveTask(
    incident.id,
    { title: '巡查沿河堤防并回报水位', detail: '每小时回报一次水位和堤防情况', assignee: '源南镇应急救援队', stationCode: YUANNAN, dueAt: minutesAgo(20) },
    'operator',
  );
  fieldwork.saveTask(
    incident.id,
    { title: '转移点物资保障', detail: '棉被、饮用水、方便食品各100份', assignee: '区应急管理局物资科', stationCode: YUANNAN, dueAt: new Date(now().getTime() + 90 * 60_000).toISOString() },
    'operator',
  );
  const plan: [number, number, 'evacuate' | 'prepare' | 'watch'][] = [
    [86, 64, 'evacuate'],
    [40, 0, 'prepare'],
    [0, 0, 'watch'],
  ];
  villages.slice(0, plan.length).forEach((code, i) => {
    const [toMove, moved, status] = plan[i]!;
    fieldwork.saveEvacuation({ incidentId: incident.id, stationCode: code, toMove, moved, shelter: toMove > 0 ? '源南镇中心小学' : '', status }, 'operator');
  });
  fieldwork.saveLosses(
    {
      incidentId: incident.id,
      townCode: YUANNAN,
      affectedPeople: 320,
      relocated: 64,
      housesCollapsed: 0,
      housesDamaged: 6,
      cropAreaMu: 150,
      directLoss: 38.5,
      lossAgri: 30,
      lossIndustryTransport: 0,
      lossWaterFacilities: 5.5,
      lossOther: 3,
      deaths: 0,
      missing: 0,
      injured: 0,
      note: '初报',
    },
    'operator',
  );
  service.log(incident.id, '镇村干部已到岗，沿河两个村启动转移，转移点设在源南镇中心小学。', true, 'operator');
  service.proposeLevel(incident.id, 'III', '上游降雨持续，预计水位继续上涨，建议提升至Ⅲ级响应', 'operator');
  log('[incidents] Demo: an incident in 源南镇 is being run (Ⅳ response, evacuation under way); a proposal to raise it waits for the commander');
}
