/**
 * Wires incidents and the decision room into a core: the service, the field records, the event
 * log that follows the bus, the methods, and the situation report's printer.
 */
import type { EvacuationRecord, Incident } from '../../../shared/contract';
import type { Registry } from '../api/registry';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { StationsRepo } from '../stations/stations-repo';
import type { AlertDesk } from '../alerts/desk';
import type { WarningService } from '../warnings/service';
import type { WallService } from '../wall/service';
import { districtBoundaryWgs84 } from '../map/district-geometry';
import { IncidentService } from './service';
import { Fieldwork } from './fieldwork';
import { registerIncidentMethods } from './methods';
import { chromiumPrinter, type PdfPrinter } from './pdf';
import { watchBus } from './watch';

export { IncidentService } from './service';
export { Fieldwork } from './fieldwork';
export type { PdfPrinter } from './pdf';

export interface IncidentsDomain {
  service: IncidentService;
  fieldwork: Fieldwork;
  /** The incidents in progress (active and closing), active first then newest: what the map draws. */
  live(): Incident[];
  /** The village evacuation records of the incidents in progress, each with its incident. */
  liveEvacuation(): { incidentId: string; incidentTitle: string; record: EvacuationRecord }[];
  stop(): void;
}

export interface IncidentsSetUpDeps {
  db: Db;
  events: EventBus;
  stations: StationsRepo;
  desk: AlertDesk;
  warnings: WarningService;
  wall: WallService;
  enqueueAction: (type: string, by: string, payload: Record<string, unknown>) => unknown;
  dataDir: string;
  /** Prints the report's HTML to PDF (Electron: webContents.printToPDF); default: headless Chromium. */
  printPdf?: PdfPrinter | undefined;
  now: () => Date;
  log: (line: string) => void;
}

export function setUpIncidents(registry: Registry, deps: IncidentsSetUpDeps): IncidentsDomain {
  const service = new IncidentService(deps);
  const fieldwork = new Fieldwork(service);
  registerIncidentMethods(registry, {
    db: deps.db,
    service,
    fieldwork,
    dataDir: deps.dataDir,
    printPdf: deps.printPdf ?? chromiumPrinter(),
    boundary: districtBoundaryWgs84,
  });
  const unwatch = watchBus(service);
  const live = () => service.store.live();
  return {
    service,
    fieldwork,
    live,
    liveEvacuation: () =>
      live().flatMap((i) => service.records.evacuation(i.id, (code) => deps.stations.get(code)).records.map((record) => ({ incidentId: i.id, incidentTitle: i.title, record }))),
    stop: () => {
      unwatch();
      service.notifier.stop();
    },
  };
}
