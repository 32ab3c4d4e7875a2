/**
 * Wires warning release into a core: the devices (config entries, plus demo mode's simulators),
 * the contacts directory, the audio library and its HTTP server, the workflow service and the
 * delivery engine, their methods and timers.
 */
import path from 'node:path';
import type { Registry } from '../api/registry';
import type { HallConfig } from '../config/config';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import type { StationsRepo } from '../stations/stations-repo';
import type { AlertDesk } from '../alerts';
import { HallError } from '../api/errors';
import { DeviceRegistry } from '../devices/registry';
import { DISTRICT_PLATFORM_CODE } from '../devices/ip-speaker';
import { DemoDevices } from '../sim/devices/demo';
import { AudioLibrary, AudioServer } from './audio';
import { ContactsRepo } from './contacts';
import { demoContacts } from './demo-contacts';
import { DeliveryEngine } from './engine';
import type { Inventory } from './expand';
import { registerReleaseMethods } from './methods';
import { WarningService } from './service';
import { seedDemoWarnings } from './demo-seed';
import { WarningsStore } from './store';
import { WARNING_TEMPLATES, fillPlaceholders } from './templates';
import { ALERT_TYPES, type AlertType } from '../../../shared/contract/alerts';

export { WarningService } from './service';

export interface ReleaseDomain {
  warnings: WarningService;
  devices: DeviceRegistry;
  contacts: ContactsRepo;
  demoDevices: DemoDevices | null;
  stop(): Promise<void>;
}

export interface ReleaseDeps {
  db: Db;
  events: EventBus;
  config: HallConfig;
  stations: StationsRepo;
  alerts: AlertDesk;
  enqueueAction: (type: string, by: string, payload: Record<string, unknown>) => unknown;
  dataDir: string;
  demo: boolean;
  now: () => Date;
  log: (line: string) => void;
}

/** The plan's 7 towns/streets and their villages (demo villages in demo mode). */
function planPlaces(stations: StationsRepo) {
  const towns = stations.list({ level: 'town' }).filter((t) => !t.note);
  const townCodes = new Set(towns.map((t) => t.code));
  const villages = stations.list({ level: 'village' }).filter((v) => v.parentCode && townCodes.has(v.parentCode));
  return { towns, villages };
}

export async function setUpRelease(registry: Registry, deps: ReleaseDeps): Promise<ReleaseDomain> {
  const { db, events, config, stations, now, log } = deps;
  const placeName = (code: string) => stations.get(code)?.name ?? code;
  const contacts = new ContactsRepo(db, (code) => stations.get(code)?.name, now);

  let demoDevices: DemoDevices | null = null;
  let entries = config.devices;
  if (deps.demo) {
    const { towns, villages } = planPlaces(stations);
    if (config.simulator.devices) demoDevices = new DemoDevices({
      places: [...towns.map((t) => ({ code: t.code, name: t.name, level: 'town' as const })), ...villages.map((v) => ({ code: v.code, name: v.name, level: 'village' as const }))],
      terminalSpeed: config.simulator.terminalSpeed,
      smsReportMs: config.simulator.smsReportMs,
      troubleMinutes: config.simulator.deviceTroubleMinutes,
      log,
    });
    if (demoDevices) entries = [...entries, ...(await demoDevices.start())];
    if (contacts.count() === 0) {
      const district = stations.list({ level: 'district' });
      for (const c of demoContacts([...district.map((d) => ({ code: d.code, name: d.name, level: 'district' as const })), ...towns.map((t) => ({ code: t.code, name: t.name, level: 'town' as const })), ...villages.map((v) => ({ code: v.code, name: v.name, level: 'village' as const }))])) {
        contacts.save(c, true);
      }
    }
  }
  const devices = new DeviceRegistry(entries, {
    events,
    place: (code) => stations.get(code),
    log,
    now,
    simulated: new Set(demoDevices?.entries.map((e) => e.id) ?? []),
    sourceCode: DISTRICT_PLATFORM_CODE,
  });

  const inventory = (): Inventory => {
    const all = stations.list();
    return {
      places: all.map((s) => ({ code: s.code, name: s.name, level: s.level, parentCode: s.parentCode, lat: s.lat, lon: s.lon })),
      speakers: devices.all().flatMap((d) => (d.kind === 'ip-speaker' ? [{ id: d.id, name: d.name, resourceCode: d.resourceCode, stationCode: d.stationCode }] : [])),
      zones: devices.all().flatMap((d) => (d.kind === 'amplifier-zones' ? d.zones.map((z) => ({ deviceId: d.id, deviceName: d.name, stationCode: z.stationCode, name: z.name })) : [])),
      radios: devices.all().flatMap((d) => (d.kind === 'radio' ? [{ id: d.id, name: d.name }] : [])),
      contacts: contacts.list(),
    };
  };

  const store = new WarningsStore(db, now);
  const audio = new AudioLibrary(path.join(deps.dataDir, 'warning-audio'), log);
  const audioServer = new AudioServer({ host: config.warnings.audioHost, port: config.warnings.audioPort, publicUrl: config.warnings.audioPublicUrl, log });
  await audioServer.start();
  const service = new WarningService({ db, events, store, audio, audioServer, inventory, placeName, platformCode: DISTRICT_PLATFORM_CODE, enqueueAction: deps.enqueueAction, now, log });
  const engine = new DeliveryEngine(
    db,
    store,
    devices,
    {
      warning: (id) => store.get(id),
      warningByEbm: (ebmId) => store.byEbm(ebmId),
      audioUrl: (w) => service.audioUrl(w),
      smsText: (w) => service.smsText(w),
      changed: (id) => service.deliveryChanged(id),
      log,
    },
    {
      attempts: config.warnings.attempts,
      retryMinMs: config.warnings.retryMinSeconds * 1000,
      retryMaxMs: config.warnings.retryMaxSeconds * 1000,
      smsConfirmMs: config.warnings.smsConfirmMinutes * 60_000,
      playSlackMs: config.warnings.playSlackSeconds * 1000,
    },
    now,
  );
  service.engine = engine;

  const fromAlert = (alertId: string) => {
    const { alert, cap } = deps.alerts.detail(alertId);
    const type: AlertType = (ALERT_TYPES as readonly string[]).includes(alert.type) ? (alert.type as AlertType) : 'other';
    const template = WARNING_TEMPLATES.find((t) => t.type === type);
    const codes = [alert.stationCode ?? alert.townCode].filter((c): c is string => !!c);
    const areaName = codes.map(placeName).join('、') || alert.areaDesc;
    const fill = { areaName, time: now(), level: alert.level };
    const info = cap.info[0];
    return {
      type,
      level: alert.level,
      title: (template ? fillPlaceholders(template.title, fill) : alert.headline).slice(0, 60),
      text: (template ? fillPlaceholders(template.text, fill) : (info?.description ?? alert.headline)).slice(0, 1000),
      area: { stationCodes: codes, ...(codes.length === 0 && info?.area[0] ? { drawn: info.area[0] } : {}) },
      audiences: template?.audiences ?? ['residents', 'cadre', 'duty'],
      channels: template?.channels ?? ['speaker', 'sms'],
      repeat: template?.repeat ?? 2,
      drill: false,
      sourceAlertId: alert.id,
      ...(template ? { templateId: template.id } : {}),
    };
  };

  registerReleaseMethods(registry, {
    db,
    devices,
    contacts,
    warnings: service,
    simulate: demoDevices ? (id, mode) => demoDevices.simulate(id, mode) : undefined,
    fromAlert: (id) => {
      try {
        return fromAlert(id);
      } catch (error) {
        if (error instanceof HallError) throw error;
        throw new HallError('not_found', `warnings.fromAlert: ${(error as Error).message}`);
      }
    },
  });

  engine.start();
  let stopped = false;
  if (demoDevices && config.simulator.seedWarnings) {
    // Once the simulated devices have had a moment to come online.
    const seed = setTimeout(() => {
      if (!stopped) seedDemoWarnings(service, now, log).catch((error: unknown) => log(`[warnings] Demo seed failed: ${(error as Error).message}`));
    }, 3_000);
    seed.unref();
  }
  const tick = setInterval(() => {
    try {
      service.tick();
    } catch (error) {
      log(`[warnings] The release timer failed: ${(error as Error).message}`);
    }
  }, 2_000);
  tick.unref();
  return {
    warnings: service,
    devices,
    contacts,
    demoDevices,
    async stop() {
      stopped = true;
      clearInterval(tick);
      engine.stop();
      service.stop();
      await Promise.allSettled([devices.close(), audioServer.stop(), demoDevices?.close()]);
    },
  };
}
