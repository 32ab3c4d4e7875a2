/**
 * The devices of the hall, from the config file's `devices:` entries (and, in demo mode, the
 * simulators' entries): one driver each, started at once and reconnecting by itself. Health
 * changes are pushed as `devices.changed` (coalesced); `devices.test` runs a driver's harmless
 * probe. PTZ buses are the video service's (listed here for the devices page, not driven).
 */
import type { ConfigDevice } from '../config/config';
import type { EventBus } from '../events/bus';
import type { DeviceInfo, DeviceTestResult } from '../../../shared/contract/warnings';
import type { MapFeature } from '../../../shared/contract/map';
import { HallError } from '../api/errors';
import { describeTransport, type DeviceHealth } from './device-link';
import type { AnyDriver, BroadcastResult, GsmModemDriver, SmsStatusReport } from './driver';
import { createGsmModem } from './gsm-modem';
import { createIpSpeaker } from './ip-speaker';
import { createAmplifier } from './amplifier-zones';
import { createRadio } from './radio';

export interface PlaceLookup {
  (code: string): { lat: number; lon: number } | undefined;
}

export interface DeviceRegistryOptions {
  events: EventBus;
  place: PlaceLookup;
  log: (line: string) => void;
  now: () => Date;
  /** Entries whose devices are simulators (demo mode), by id. */
  simulated?: ReadonlySet<string>;
  /** The console's source resource code for IP terminals. */
  sourceCode?: string;
}

type DrivenEntry = Exclude<ConfigDevice, { kind: 'ptz-pelco-d' }>;

export class DeviceRegistry {
  private readonly drivers = new Map<string, AnyDriver>();
  private readonly entries = new Map<string, ConfigDevice>();
  private readonly resultListeners: ((deviceId: string, r: BroadcastResult) => void)[] = [];
  private readonly reportListeners: ((deviceId: string, r: SmsStatusReport) => void)[] = [];
  private readonly changedIds = new Set<string>();
  private changeTimer: NodeJS.Timeout | null = null;
  private readonly ptzHealth = new Map<string, DeviceHealth>();

  constructor(
    entries: readonly ConfigDevice[],
    private readonly options: DeviceRegistryOptions,
  ) {
    for (const e of entries) this.add(e);
  }

  private create(e: DrivenEntry): AnyDriver {
    const common = { log: this.options.log, now: this.options.now };
    switch (e.kind) {
      case 'gsm-modem':
        return createGsmModem(e, common);
      case 'ip-speaker':
        return createIpSpeaker(e, { ...common, ...(this.options.sourceCode ? { sourceCode: this.options.sourceCode } : {}) });
      case 'amplifier-zones':
        return createAmplifier(e, common);
      case 'radio':
        return createRadio(e, common);
    }
  }

  add(entry: ConfigDevice): void {
    if (this.entries.has(entry.id)) throw new Error(`device id ${entry.id} is used twice`);
    this.entries.set(entry.id, entry);
    if (entry.kind === 'ptz-pelco-d') {
      this.ptzHealth.set(entry.id, { state: 'online', reason: null, lastGoodAt: null, since: this.options.now().toISOString() });
      return;
    }
    const driver = this.create(entry);
    this.drivers.set(entry.id, driver);
    driver.onHealth(() => this.healthChanged(entry.id));
    if (driver.kind === 'ip-speaker') driver.onBroadcastResult((r) => this.resultListeners.forEach((l) => l(entry.id, r)));
    if (driver.kind === 'gsm-modem') driver.onStatusReport((r) => this.reportListeners.forEach((l) => l(entry.id, r)));
    driver.start();
  }

  private healthChanged(id: string): void {
    this.changedIds.add(id);
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      const devices = [...this.changedIds].map((i) => this.info(i)).filter((d): d is DeviceInfo => d !== undefined);
      this.changedIds.clear();
      if (devices.length > 0) this.options.events.emit('devices.changed', { devices });
    }, 250);
    this.changeTimer.unref?.();
  }

  get(id: string): AnyDriver | undefined {
    return this.drivers.get(id);
  }

  all(): AnyDriver[] {
    return [...this.drivers.values()];
  }

  modems(): GsmModemDriver[] {
    return this.all().filter((d): d is GsmModemDriver => d.kind === 'gsm-modem');
  }

  onBroadcastResult(listener: (deviceId: string, r: BroadcastResult) => void): void {
    this.resultListeners.push(listener);
  }

  onStatusReport(listener: (deviceId: string, r: SmsStatusReport) => void): void {
    this.reportListeners.push(listener);
  }

  private stationCodes(e: ConfigDevice): string[] {
    if (e.kind === 'ip-speaker') return [e.stationCode];
    if (e.kind === 'amplifier-zones') return e.zones.map((z) => z.stationCode);
    return [];
  }

  info(id: string): DeviceInfo | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    const health = this.drivers.get(id)?.health() ?? this.ptzHealth.get(id)!;
    const codes = this.stationCodes(e);
    const where = codes[0] ? this.options.place(codes[0]) : undefined;
    const transport = 'tcp' in e && e.tcp ? describeTransport({ tcp: e.tcp }) : 'serial' in e && e.serial ? describeTransport({ serial: e.serial }) : '';
    return {
      id,
      kind: e.kind,
      name: e.name,
      transport,
      stationCodes: codes,
      state: health.state,
      reason: health.reason,
      lastGoodAt: health.lastGoodAt,
      since: health.since,
      simulated: this.options.simulated?.has(id) ?? false,
      lon: where?.lon ?? null,
      lat: where?.lat ?? null,
    };
  }

  list(): DeviceInfo[] {
    return [...this.entries.keys()].map((id) => this.info(id)!);
  }

  /** Map features (layer `devices`): each placed device at its station, coloured by health. */
  features(): MapFeature[] {
    return this.list().flatMap((d) => {
      if (d.lon === null || d.lat === null) return [];
      const fid = `device:${d.id}`;
      return [
        {
          type: 'Feature' as const,
          id: fid,
          geometry: { type: 'Point' as const, coordinates: [d.lon, d.lat] },
          properties: { fid, id: d.id, layer: 'devices', name: d.name, status: d.state, kind: d.kind, stationCode: d.stationCodes[0] ?? null, reason: d.reason, lastGoodAt: d.lastGoodAt, simulated: d.simulated },
        },
      ];
    });
  }

  require(id: string): DeviceInfo {
    const info = this.info(id);
    if (!info) throw new HallError('not_found', `No device ${id}`);
    return info;
  }

  async test(id: string): Promise<DeviceTestResult> {
    this.require(id);
    const driver = this.drivers.get(id);
    if (!driver) return { ok: false, summary: 'PTZ buses are probed from the video room (a PTZ command)', ms: 0 };
    const started = performance.now();
    try {
      const summary = await driver.probe();
      return { ok: true, summary, ms: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, summary: error instanceof Error ? error.message : String(error), ms: Math.round(performance.now() - started) };
    }
  }

  async close(): Promise<void> {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    await Promise.allSettled(this.all().map((d) => d.close()));
  }
}
