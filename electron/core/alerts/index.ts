/** Wires the alert desk into a core: the desk over the link's mirror, its methods, reminders. */
import type { Registry } from '../api/registry';
import type { HallConfig } from '../config/config';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { LinkService } from '../link/link-service';
import type { StationsRepo } from '../stations/stations-repo';
import { AlertDesk, type AlertDeskDeps } from './desk';
import { registerAlertMethods } from './methods';

export { AlertDesk } from './desk';

export function setUpAlertDesk(
  registry: Registry,
  deps: {
    db: Db;
    events: EventBus;
    link: LinkService;
    stations: StationsRepo;
    config: HallConfig;
    now: () => Date;
    log: (line: string) => void;
    openIncident?: AlertDeskDeps['openIncident'];
  },
): AlertDesk {
  const desk = new AlertDesk({
    db: deps.db,
    events: deps.events,
    messages: deps.link.store.alerts,
    sensors: deps.link.store.sensors,
    stations: deps.stations,
    enqueueAction: (type, by, payload) => deps.link.enqueueAction(type, by, payload),
    config: deps.config.alerts,
    now: deps.now,
    log: deps.log,
    ...(deps.openIncident ? { openIncident: deps.openIncident } : {}),
  });
  registerAlertMethods(registry, desk, deps.db);
  deps.link.onApplied((summary) => desk.afterLinkBatch(summary.latestReadings));
  // Messages stored before a crash (or before this version) and not yet attached.
  desk.sync();
  return desk;
}
