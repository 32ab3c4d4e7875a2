/** Wires the map into a core: the layers over the stations and the upstream mirror, the views, the methods. */
import type { AlertRecord, Incident, MapFeature } from '../../../shared/contract';
import type { Registry } from '../api/registry';
import type { HallConfig } from '../config/config';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { MirrorRepos } from '../mirror/methods';
import type { StationsRepo } from '../stations/stations-repo';
import { districtBBox, districtBoundaryWgs84 } from './district-geometry';
import { defineLayers, type IncidentEvacuation } from './layers';
import { registerMapMethods } from './methods';
import { MapViewsRepo } from './views-repo';

/** At most this many distinct undrawable-area problems are logged (a bad feed must not flood the log). */
const MAX_LOGGED_PROBLEMS = 200;

export function setUpMap(
  registry: Registry,
  deps: {
    db: Db;
    events: EventBus;
    config: HallConfig;
    stations: StationsRepo;
    mirror: MirrorRepos;
    /** The alerts to draw: the desk's open alerts with their latest CAP message. */
    openAlerts: () => AlertRecord[];
    now: () => Date;
    log: (line: string) => void;
  },
): {
  provideDevices(build: () => MapFeature[]): void;
  /** The incidents in progress (active and closing), once the incidents domain is set up. */
  provideIncidents(read: () => Incident[]): void;
  /** Their village evacuation records, once the incidents domain is set up. */
  provideEvacuation(read: () => IncidentEvacuation[]): void;
} {
  const logged = new Set<string>();
  let devices: (() => MapFeature[]) | null = null;
  let incidents: (() => Incident[]) | null = null;
  let evacuation: (() => IncidentEvacuation[]) | null = null;
  const layers = defineLayers({
    stations: () => deps.stations.list(),
    cameras: () => deps.mirror.cameras.list(),
    sensors: () => deps.mirror.sensors.list(),
    latestReadings: () => deps.mirror.readings.latest(),
    alerts: deps.openAlerts,
    districtBoundary: districtBoundaryWgs84,
    devices: () => devices?.() ?? [],
    incidents: () => incidents?.() ?? [],
    evacuation: () => evacuation?.() ?? [],
    now: deps.now,
    onProblem: (problem) => {
      if (logged.has(problem) || logged.size >= MAX_LOGGED_PROBLEMS) return;
      logged.add(problem);
      deps.log(`[map] cannot draw ${problem}`);
    },
  });
  registerMapMethods(registry, {
    config: deps.config,
    layers,
    views: new MapViewsRepo(deps.db),
    stations: () => deps.stations.list(),
    districtBBox,
    now: deps.now,
    viewsChanged: (views) => deps.events.emit('map.views.changed', { views }),
  });
  return {
    provideDevices(build) {
      devices = build;
    },
    provideIncidents(read) {
      incidents = read;
    },
    provideEvacuation(read) {
      evacuation = read;
    },
  };
}
