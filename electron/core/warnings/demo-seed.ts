/**
 * Demo mode's first start shows warning release alive: a 森林火险 drill (演练) to 埔前镇 goes
 * through the real workflow — drafted by the operator, approved by the commander, released to
 * the simulated terminals and the village cadres' phones — and a 暴雨橙色预警 for 源南镇 waits for
 * the commander's approval (it shows in the decision room's queue). Seeded once, never again.
 */
import type { WarningService } from './service';
import { WARNING_TEMPLATES, fillPlaceholders } from './templates';

const PUQIAN = '441602101000';
const YUANNAN = '441602100000';

export async function seedDemoWarnings(service: WarningService, now: () => Date, log: (line: string) => void): Promise<void> {
  if (service.list(undefined, 1).length > 0) return;
  const operator = { username: 'operator', role: 'operator' as const };
  const commander = { username: 'commander', role: 'commander' as const };
  const fire = WARNING_TEMPLATES.find((t) => t.id === 'forest-fire')!;
  const rain = WARNING_TEMPLATES.find((t) => t.id === 'rainstorm')!;
  const drill = await service.create(
    {
      type: fire.type,
      level: 'yellow',
      title: `【演练】${fillPlaceholders(fire.title, { areaName: '埔前镇', time: now(), level: 'yellow' })}`,
      text: fillPlaceholders(fire.text, { areaName: '埔前镇', time: now(), level: 'yellow' }),
      area: { stationCodes: [PUQIAN] },
      audiences: ['residents', 'cadre'],
      channels: ['speaker', 'sms'],
      repeat: 1,
      drill: true,
      templateId: fire.id,
    },
    operator,
  );
  service.submit(drill.id, operator);
  service.approve(drill.id, commander);
  const pending = await service.create(
    {
      type: rain.type,
      level: 'orange',
      title: fillPlaceholders(rain.title, { areaName: '源南镇', time: now(), level: 'orange' }),
      text: fillPlaceholders(rain.text, { areaName: '源南镇', time: now(), level: 'orange' }),
      area: { stationCodes: [YUANNAN] },
      audiences: ['residents', 'cadre', 'duty', 'flood-duty'],
      channels: ['speaker', 'sms'],
      repeat: 2,
      templateId: rain.id,
    },
    operator,
  );
  service.submit(pending.id, operator);
  log('[warnings] Demo: a 森林火险 drill is being released to 埔前镇; a 暴雨橙色预警 for 源南镇 waits for the commander');
}
