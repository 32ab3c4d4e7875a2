/**
 * The event log follows the bus for every incident still running (active or closing): alerts in
 * its town since it began and its source alert, warnings made from its alert or covering its
 * place, health changes of devices in its town, and the wall's scene. Each entry records the
 * state it saw, so the same state is logged once however often the bus repeats it.
 */
import type { DeviceInfo, Incident, Warning, WallState } from '../../../shared/contract';
import { LEVEL_ZH as COLOUR_ZH } from '../../../shared/alerts/levels';
import type { IncidentService } from './service';
import { alertInScope, deviceInScope, warningInScope } from './scope';

const WARNING_ZH: Record<Warning['status'], string> = {
  draft: '已拟稿',
  submitted: '已提交审批',
  approved: '已批准',
  releasing: '开始发布',
  completed: '发布完成',
  partial: '部分完成',
  failed: '发布失败',
  cancelled: '已撤销',
};
const DEVICE_ZH: Record<DeviceInfo['state'], string> = { online: '恢复在线', offline: '离线', fault: '故障' };
const WALL_SOURCE_ZH: Record<WallState['source'], string> = { takeover: '告警接管', override: '人工切换', schedule: '按计划', default: '默认' };

export function watchBus(s: IncidentService): () => void {
  const { events, log } = s.deps;
  const safely =
    <T>(what: string, fn: (payload: T) => void) =>
    (payload: T) => {
      try {
        fn(payload);
      } catch (error) {
        log(`[incidents] could not log ${what}: ${(error as Error).message}`);
      }
    };
  const live = (): Incident[] => s.store.live();

  const onAlerts = safely<{ ids: string[]; reset: boolean }>('alerts', ({ ids }) => {
    const incidents = live();
    if (incidents.length === 0) return;
    const scopes = incidents.map((i) => s.scope(i));
    for (const id of ids) {
      const row = s.deps.desk.store.get(id);
      if (!row) continue;
      for (const scope of scopes) if (alertInScope(scope, row)) s.logAlert(scope.incidentId, id, null);
    }
  });

  const logWarning = (id: string) => {
    const incidents = live();
    if (incidents.length === 0) return;
    const stored = s.deps.warnings.require(id);
    const record = s.deps.warnings.toWarning(stored);
    for (const i of incidents) {
      if (!warningInScope(s.scope(i), record)) continue;
      if (record.sourceAlertId !== i.sourceAlertId && Date.parse(record.createdAt) < Date.parse(i.occurredAt)) continue;
      const c = record.counts;
      const finished = ['completed', 'partial', 'failed'].includes(record.status);
      const who = record.status === 'draft' ? record.createdBy : record.status === 'submitted' ? record.submittedBy : record.status === 'releasing' ? record.releasedBy : null;
      s.note(i.id, {
        kind: 'warning',
        text: `${COLOUR_ZH[record.level]}预警「${record.title}」${WARNING_ZH[record.status]}${finished || record.status === 'releasing' ? `（送达确认 ${c.confirmed}/${c.total - c.cancelled}，失败 ${c.failed}）` : ''}`,
        by: who ?? null,
        significant: record.status === 'releasing' || finished,
        ref: record.id,
        state: record.status,
      });
    }
  };
  const onWarnings = safely<{ ids: string[] }>('warnings', ({ ids }) => ids.forEach(logWarning));
  const onProgress = safely<{ id: string }>('warning progress', ({ id }) => logWarning(id));

  const onDevices = safely<{ devices: DeviceInfo[] }>('devices', ({ devices }) => {
    const incidents = live();
    for (const i of incidents) {
      const scope = s.scope(i);
      for (const d of devices) {
        if (!deviceInScope(scope, d.stationCodes)) continue;
        // A device first seen healthy is not news; its recovery after a fault is.
        if (d.state === 'online' && !s.timeline.seen(i.id, 'device', d.id)) continue;
        s.note(i.id, { kind: 'device', text: `设备「${d.name}」${DEVICE_ZH[d.state]}${d.reason && d.state !== 'online' ? `：${d.reason}` : ''}`, ref: d.id, state: d.state });
      }
    }
  });

  const onWall = safely<WallState>('wall', (w) => {
    const by = w.source === 'override' ? (w.override?.by ?? null) : null;
    for (const i of live()) s.note(i.id, { kind: 'wall', text: `大屏切换到「${w.sceneName}」场景（${WALL_SOURCE_ZH[w.source]}）`, by, ref: 'wall', state: w.sceneId });
  });

  const offs = [
    events.on('alerts.changed', onAlerts),
    events.on('warnings.changed', onWarnings),
    events.on('warnings.progress', onProgress),
    events.on('devices.changed', onDevices),
    events.on('wall.changed', onWall),
  ];
  return () => offs.forEach((off) => off());
}
