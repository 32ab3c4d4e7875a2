import type { Registry } from '../api/registry';
import { HallError } from '../api/errors';
import type { StationsRepo } from './stations-repo';

export function registerStationMethods(registry: Registry, stations: StationsRepo): void {
  registry.register('stations.list', (params) => stations.list(params));
  registry.register('stations.get', (params) => {
    const station = stations.get(params.code);
    if (!station) throw new HallError('not_found', `No station with code ${params.code}`);
    return station;
  });
}
