/** Read methods over the upstream mirror: cameras, sensors, readings, alerts, notices. */
import type { Registry } from '../api/registry';
import { HallError } from '../api/errors';
import type { AlertsRepo } from './alerts';
import type { CamerasRepo } from './cameras';
import type { NoticesRepo } from './notices';
import { DAY_MS, type ReadingsRepo } from './readings';
import type { SensorsRepo } from './sensors';

export interface MirrorRepos {
  cameras: CamerasRepo;
  sensors: SensorsRepo;
  readings: ReadingsRepo;
  alerts: AlertsRepo;
  notices: NoticesRepo;
}

/** Up to two days a chart shows raw values; longer ranges, or ranges past the raw retention, hourly. */
export const RAW_RANGE_MAX_MS = 2 * DAY_MS;

export function registerMirrorMethods(registry: Registry, repos: MirrorRepos, settings: { rawRetentionDays: number }, now: () => Date): void {
  registry.register('cameras.list', (params) => repos.cameras.list(params));
  registry.register('sensors.list', (params) => repos.sensors.list(params));
  registry.register('readings.latest', (params) => repos.readings.latest(params.sensorIds));
  registry.register('readings.range', (params) => {
    const from = Date.parse(params.from);
    const to = Date.parse(params.to);
    if (to < from) throw new HallError('invalid_params', `readings.range: "to" (${params.to}) is before "from" (${params.from})`);
    const rawHorizon = now().getTime() - settings.rawRetentionDays * DAY_MS;
    const bucket = params.bucket ?? (to - from <= RAW_RANGE_MAX_MS && from >= rawHorizon ? 'raw' : 'hour');
    return repos.readings.range(params.sensorId, from, to, bucket);
  });
  registry.register('notices.list', (params) => repos.notices.list(params.limit));
}
