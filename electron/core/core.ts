/**
 * The console core: opens the store, binds every method of the contract, seeds the built-in
 * places (and the demo), and exposes what a host needs — `invoke`, `authenticate`, events.
 * Hosts: electron/main (IPC) and electron/web-host (HTTP + socket.io). Never imports electron.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openStore, type Db, type IntegrityReport, type OpenedStore } from './db/database';
import { Registry } from './api/registry';
import type { CallContext } from './api/context';
import { EventBus } from './events/bus';
import { AuthService, DEMO_ACCOUNTS, type Session } from './auth/auth-service';
import { registerAuthMethods } from './auth/methods';
import { StationsRepo } from './stations/stations-repo';
import { registerStationMethods } from './stations/methods';
import { demoVillages, referencePlaces } from './stations/places-seed';
import { registerSystemMethods, type SystemFacts } from './system/methods';
import { parseConfig, videoSettings, type HallConfig } from './config/config';
import { consoleVersion } from './version';
import { startDemoStations } from './sim/demo-stations';
import { LinkService, type DemoDistrict } from './link/link-service';
import { registerLinkMethods } from './link/methods';
import { registerMirrorMethods } from './mirror/methods';
import { demoDistrictIn } from './link/demo-district';
import { setUpMap } from './map';
import { setUpAlertDesk, type AlertDesk } from './alerts';
import { setUpVideo } from './video';
import { setUpWall, type WallService } from './wall';
import { setUpRelease, type ReleaseDomain } from './warnings';
import { setUpIncidents, type IncidentsDomain, type PdfPrinter } from './incidents';
import { seedDemoIncident } from './incidents/demo-seed';
import type { Result } from '../../shared/contract';

export interface CoreOptions {
  dataDir: string;
  /** Overrides config.demo (the --demo flag). */
  demo?: boolean;
  config?: HallConfig;
  /** For first start outside demo mode; defaults to process.env.HALL_ADMIN_PASSWORD. */
  adminPassword?: string | undefined;
  now?: () => Date;
  log?: (line: string) => void;
  /**
   * Demo mode without an upstream: how the district simulator is started (default: in-process on
   * a free loopback port). Tests pass their own; null keeps the link disabled.
   */
  startDemoDistrict?: (() => Promise<DemoDistrict>) | null;
  /**
   * Prints a situation report's HTML to PDF. The Electron main passes one built on
   * webContents.printToPDF; absent, headless Chromium prints it (HALL_CHROMIUM or /usr/bin/chromium).
   */
  printPdf?: PdfPrinter;
}

export interface Core {
  readonly db: Db;
  readonly events: EventBus;
  readonly registry: Registry;
  readonly auth: AuthService;
  readonly facts: SystemFacts;
  readonly config: HallConfig;
  readonly integrity: IntegrityReport;
  /** The district link: status, the mirror, and `enqueueAction` for domains that report upstream. */
  readonly link: LinkService;
  /** The alert desk (its methods are in the registry; tests and hosts may reach it here). */
  readonly alerts: AlertDesk;
  /** The video wall (scenes, state, takeover). */
  readonly wall: WallService;
  /** Warning release: the workflow, the devices it drives, the contacts. */
  readonly release: ReleaseDomain;
  /** Incidents and the decision room. */
  readonly incidents: IncidentsDomain;
  /** Call a method as `ctx`; never throws. */
  invoke(ctx: CallContext, method: string, params: unknown): Promise<Result<unknown>>;
  /** A call context for a bearer token (null user when the token is missing or invalid). */
  contextFor(token: string | null | undefined, origin: string): { ctx: CallContext; session: Session | null };
  /** Hosts listen to this to drop a session's live subscriptions when it logs out. */
  onSessionEnded(handler: (sessionId: string) => void): () => void;
  /** Stops the link client and the demo simulator, the timers, and closes the database. */
  close(): void;
  /** close(), resolving once the link's sockets and the demo simulator have closed. */
  closeAsync(): Promise<void>;
}

export class DataDirError extends Error {
  override name = 'DataDirError';
}

function ensureWritable(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe);
  } catch (error) {
    throw new DataDirError(`Data directory ${dir} is not writable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? ((line: string) => console.log(line));
  const config = options.config ?? parseConfig({});
  const demo = options.demo ?? config.demo;
  const now = options.now ?? (() => new Date());
  ensureWritable(options.dataDir);

  const store = openStore(path.join(options.dataDir, 'hall.sqlite'));
  if (!store.integrity.ok) log(`[store] integrity check reported problems: ${store.integrity.messages.join('; ')}`);
  try {
    return await assemble(store, { ...options, log, config, demo, now });
  } catch (error) {
    store.db.close(); // a failed start must not leave the database open (and locked)
    throw error;
  }
}

async function assemble(
  store: OpenedStore,
  options: CoreOptions & { log: (line: string) => void; config: HallConfig; demo: boolean; now: () => Date },
): Promise<Core> {
  const { db } = store;
  const { log, config, demo, now } = options;

  const events = new EventBus();
  const registry = new Registry({ db, now });
  const auth = new AuthService(db, config.auth, now);
  const stations = new StationsRepo(db);
  const facts: SystemFacts = { version: consoleVersion(), demo, dataDir: options.dataDir, startedAt: now().toISOString() };
  const sessionEndedHandlers = new Set<(sessionId: string) => void>();

  registerAuthMethods(registry, auth, (sessionId) => sessionEndedHandlers.forEach((h) => h(sessionId)));
  registerStationMethods(registry, stations);
  const demoDistrict = options.startDemoDistrict === undefined ? demoDistrictIn(options.dataDir, log) : options.startDemoDistrict;
  const link = new LinkService({
    db,
    events,
    stations,
    config,
    startDemoDistrict: demo && !config.upstream ? (demoDistrict ?? undefined) : undefined,
    now,
    log,
  });
  registerLinkMethods(registry, { status: () => link.status(), quarantine: link.store.quarantine, outbox: link.outbox });
  registerMirrorMethods(registry, link.store, config.link, now);
  // Escalating an alert opens an incident through the incidents domain (set up below, before any call).
  let incidents: IncidentsDomain | null = null;
  const openIncident = (alert: Parameters<IncidentsDomain['service']['openFromAlert']>[0], by: { username: string; displayName: string }, note: string | undefined): string => {
    if (!incidents) throw new Error('alerts.escalate: the incidents domain is not set up yet');
    return incidents.service.openFromAlert(alert, by, note);
  };
  const desk = setUpAlertDesk(registry, { db, events, link, stations, config, now, log, openIncident });
  const map = setUpMap(registry, { db, events, config, stations, mirror: link.store, openAlerts: () => desk.openRecords(), now, log });
  const video = setUpVideo(registry, { cameras: link.store.cameras, stations, config: videoSettings(config), demo, log });
  const wall = setUpWall(registry, { db, events, config, cameras: link.store.cameras, now, log });
  // Built-in reference places are refreshed at every start (codes are stable; names may be
  // corrected); demo villages are seeded once. Release needs them to place its terminals.
  stations.upsertMany(referencePlaces(), now());
  if (demo && !stations.list({ level: 'village' }).some((s) => s.demo)) stations.upsertMany(demoVillages(), now());
  const release = await setUpRelease(registry, {
    db,
    events,
    config,
    stations,
    alerts: desk,
    enqueueAction: (type, by, payload) => link.enqueueAction(type, by, payload),
    dataDir: options.dataDir,
    demo,
    now,
    log,
  });
  map.provideDevices(() => release.devices.features());
  incidents = setUpIncidents(registry, {
    db,
    events,
    stations,
    desk,
    warnings: release.warnings,
    wall: wall.wall,
    enqueueAction: (type, by, payload) => link.enqueueAction(type, by, payload),
    dataDir: options.dataDir,
    printPdf: options.printPdf,
    now,
    log,
  });
  const incidentsDomain = incidents;
  map.provideIncidents(() => incidentsDomain.live());
  map.provideEvacuation(() => incidentsDomain.liveEvacuation());
  if (demo && config.simulator.seedIncident) {
    const villages = stations.list({ level: 'village', parentCode: '441602100000' }).map((v) => v.code);
    seedDemoIncident(incidents.service, incidents.fieldwork, villages, now, log);
  }
  registerSystemMethods(registry, db, facts, {
    name: config.console.name,
    ...(demo ? { demoAccounts: DEMO_ACCOUNTS.map(({ username, password, role }) => ({ username, password, role })) } : {}),
  });
  const missing = registry.unbound();
  if (missing.length > 0) throw new Error(`Methods of the contract without a handler: ${missing.join(', ')}`);

  const timers: (() => void)[] = [];
  if (demo) {
    await auth.seedDemoAccounts();
    // With the district link running, the platform (the simulator) drives station state.
    if (!link.enabled) timers.push(startDemoStations(stations, events, now, config.simulator.stationFlapSeconds * 1000));
  } else {
    const created = await auth.ensureFirstAdmin(options.adminPassword ?? process.env['HALL_ADMIN_PASSWORD']);
    if (created?.generated) {
      log(`[auth] Created the first administrator: username "admin", password "${created.generated}" — shown once, change it after signing in.`);
    } else if (created) {
      log('[auth] Created the first administrator "admin" with the password from HALL_ADMIN_PASSWORD.');
    }
  }
  auth.prune();
  const pruneTimer = setInterval(() => auth.prune(), 3_600_000);
  pruneTimer.unref();
  timers.push(desk.startReminders(), () => desk.stop(), wall.stop, () => incidentsDomain.stop());
  const tick = setInterval(() => events.emit('system.tick', { now: now().toISOString() }), 5_000);
  tick.unref();
  let closing: Promise<void> | null = null;
  const closeAsync = (): Promise<void> => {
    if (closing) return closing;
    clearInterval(pruneTimer);
    clearInterval(tick);
    timers.forEach((stop) => stop());
    // The link stops first (synchronously: no callback touches the database after this).
    closing = Promise.all([link.close(), video.stop(), release.stop()]).then(() => undefined);
    db.close();
    return closing;
  };
  link.start();

  return {
    db,
    events,
    registry,
    auth,
    facts,
    config,
    integrity: store.integrity,
    invoke: (ctx, method, params) => registry.invoke(ctx, method, params),
    contextFor(token, origin) {
      const session = auth.authenticate(token);
      const ctx: CallContext = session ? { user: { ...session.user, sessionId: session.sessionId }, origin } : { user: null, origin };
      return { ctx, session };
    },
    onSessionEnded(handler) {
      sessionEndedHandlers.add(handler);
      return () => sessionEndedHandlers.delete(handler);
    },
    link,
    alerts: desk,
    wall: wall.wall,
    release,
    incidents: incidentsDomain,
    close() {
      void closeAsync();
    },
    closeAsync,
  };
}
