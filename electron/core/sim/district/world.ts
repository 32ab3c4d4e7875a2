/**
 * The simulated district: the catalogue plus everything that changes — readings on a schedule,
 * alerts that follow them, stations and cameras dropping off and coming back, notices, storms.
 * The world only produces change drafts; the server gives them seqs, stores and sends them.
 * Its moving parts are one JSON-able memory, saved with every change so a restarted simulator
 * carries on where it was (same alert chains, same storm) instead of starting the weather over.
 */
import type { Kind, LinkSensor, LinkStation } from '../../../../shared/district-link/protocol';
import { alertIdentifier, sensorAlert, typhoonAlert, nextLevel, type AlertLevel, type ChainLink } from './alerts';
import { buildCatalogue, type Catalogue, type SensorSpec } from './catalogue';
import { routineNotice, stormNotice, typhoonName } from './notices';
import type { StormKind } from './sites';
import { Rng, isoLocal } from './util';
import { STORM_TAIL, sensorValue, stormProgress, type SensorEvent, type Shower, type StormState, type WeatherNow } from './weather';

export interface ChangeDraft {
  kind: Kind;
  op: 'upsert' | 'delete';
  id: string;
  at: string;
  data?: unknown;
}

export interface WorldOptions {
  seed: number;
  videoBase: string;
  readingRate: number;
}

interface Track {
  level: AlertLevel;
  chain: ChainLink[];
}

export interface WorldMemory {
  rng: number;
  readingRate: number;
  carry: number;
  cursor: number;
  alertCounter: number;
  noticeCounter: number;
  nextNoticeMs: number;
  online: Record<string, boolean>;
  lastAt: Record<string, number>;
  tracks: Record<string, Track>;
  storm: StormState | null;
  shower: Shower | null;
  events: SensorEvent[];
  /** Ids removed by a scenario: they stay gone (no flapping back, no readings). */
  removed: string[];
}

/** Sensors whose stations report more often (加报) during a storm, every 5 simulated minutes. */
const STORM_REPORTED: ReadonlySet<LinkSensor['type']> = new Set(['rain', 'river', 'reservoir', 'waterlog']);
const STORM_REPORT_SIM_MS = 5 * 60_000;

export class World {
  readonly catalogue: Catalogue;
  private readonly sensors: Map<string, SensorSpec>;
  private readonly stationNames: Map<string, string>;
  private readonly rng: Rng;
  private mem: WorldMemory;

  constructor(private readonly options: WorldOptions, nowMs: number) {
    this.catalogue = buildCatalogue(options.seed, options.videoBase);
    this.sensors = new Map(this.catalogue.sensors.map((s) => [s.id, s]));
    this.stationNames = new Map(this.catalogue.stations.map((s) => [s.code, s.name]));
    this.rng = new Rng(options.seed ^ 0x5eed);
    const online: Record<string, boolean> = {};
    for (const s of this.catalogue.stations) online[s.code] = s.online;
    for (const c of this.catalogue.cameras) online[c.id] = c.camera.online;
    this.mem = {
      rng: this.rng.state,
      readingRate: options.readingRate,
      carry: 0,
      cursor: 0,
      alertCounter: 0,
      noticeCounter: 0,
      nextNoticeMs: nowMs + 10 * 60_000,
      online,
      lastAt: {},
      tracks: {},
      storm: null,
      shower: null,
      events: [],
      removed: [],
    };
  }

  memory(): WorldMemory {
    this.mem.rng = this.rng.state;
    return this.mem;
  }

  /** Continue from a saved memory (a restart with the same seed: same catalogue, same ids). */
  restore(memory: WorldMemory): void {
    this.mem = { ...structuredClone(memory), removed: memory.removed ?? [] };
    this.rng.state = memory.rng;
  }

  get readingRate(): number {
    return this.mem.readingRate;
  }

  setReadingRate(perSecond: number): void {
    if (!Number.isFinite(perSecond) || perSecond < 0) throw new Error(`reading rate must be a number ≥ 0, got ${perSecond}`);
    this.mem.readingRate = perSecond;
  }

  stormStatus(nowMs: number): { kind: StormKind; name: string; progress: number } | null {
    const s = this.mem.storm;
    return s ? { kind: s.kind, name: s.name, progress: Math.min(1, stormProgress(s, nowMs)) } : null;
  }

  /** Everything the platform holds at the start of an epoch: catalogue, a first reading each, a notice. */
  initialChanges(nowMs: number): ChangeDraft[] {
    const at = isoLocal(nowMs);
    const out: ChangeDraft[] = [];
    for (const s of this.catalogue.stations) out.push({ kind: 'station', op: 'upsert', id: s.code, at, data: { ...s, online: this.mem.online[s.code] ?? s.online } });
    for (const c of this.catalogue.cameras) out.push({ kind: 'camera', op: 'upsert', id: c.id, at, data: { ...c.camera, online: this.mem.online[c.id] ?? c.camera.online } });
    for (const s of this.catalogue.sensors) out.push({ kind: 'sensor', op: 'upsert', id: s.id, at, data: s.sensor });
    const weather = this.weather();
    for (const s of this.catalogue.sensors) out.push(this.reading(s, nowMs, weather));
    out.push(this.notice(nowMs, routineNotice(this.rng, this.dateZh(nowMs))));
    return out;
  }

  /** One tick of the world: readings at the configured rate (plus 加报 in a storm), life, notices. */
  step(nowMs: number, dtMs: number): ChangeDraft[] {
    const out: ChangeDraft[] = [];
    this.stormLifecycle(nowMs, out);
    this.startLocalEvents(nowMs, dtMs);
    const due = new Set<SensorSpec>();
    this.mem.carry += (this.mem.readingRate * dtMs) / 1000;
    const removed = new Set(this.mem.removed);
    const list = this.catalogue.sensors.filter((s) => !removed.has(s.id));
    while (this.mem.carry >= 1 && due.size < list.length) {
      this.mem.carry -= 1;
      due.add(list[this.mem.cursor++ % list.length]!);
    }
    if (this.mem.carry > list.length) this.mem.carry = 0; // a rate above one reading per sensor per tick
    const storm = this.mem.storm;
    if (storm) {
      const every = (STORM_REPORT_SIM_MS * storm.durationMs) / (storm.hours * 3_600_000);
      for (const s of list) if (STORM_REPORTED.has(s.sensor.type) && nowMs - (this.mem.lastAt[s.id] ?? 0) >= every) due.add(s);
    }
    const weather = this.weather();
    for (const s of due) {
      const alerts: ChangeDraft[] = [];
      out.push(this.reading(s, nowMs, weather, alerts), ...alerts);
    }
    this.flap(nowMs, dtMs, out);
    if (nowMs >= this.mem.nextNoticeMs) {
      out.push(this.notice(nowMs, routineNotice(this.rng, this.dateZh(nowMs))));
      this.mem.nextNoticeMs = nowMs + this.rng.between(15, 40) * 60_000;
    }
    return out;
  }

  /**
   * n readings as fast as possible (fault and bench tests): exactly n changes, no alerts. Each
   * sensor's readings are 1 ms apart to keep their ids unique, so a big burst runs slightly
   * ahead of the clock (n / 78 ms).
   */
  burst(n: number, nowMs: number): ChangeDraft[] {
    const removed = new Set(this.mem.removed);
    const list = this.catalogue.sensors.filter((s) => !removed.has(s.id));
    const out: ChangeDraft[] = [];
    const weather = this.weather();
    for (let i = 0; i < n && list.length > 0; i++) out.push(this.reading(list[this.mem.cursor++ % list.length]!, nowMs, weather));
    return out;
  }

  startStorm(kind: StormKind, hours: number, compressToSeconds: number, nowMs: number): ChangeDraft[] {
    if (!(hours > 0) || !(compressToSeconds > 0)) throw new Error(`storm needs hours > 0 and compressTo > 0 seconds, got ${hours} h in ${compressToSeconds} s`);
    const name = kind === 'typhoon' ? typhoonName(this.rng) : '龙舟水';
    this.mem.storm = { kind, name, startMs: nowMs, durationMs: compressToSeconds * 1000, hours, announced: [] };
    const out: ChangeDraft[] = [];
    this.stormLifecycle(nowMs, out);
    return out;
  }

  /** A station or camera goes on- or offline now (a scenario's choice rather than chance). */
  setOnline(id: string, online: boolean, nowMs: number): ChangeDraft {
    const station = this.catalogue.stations.find((s) => s.code === id);
    const camera = this.catalogue.cameras.find((c) => c.id === id);
    if ((!station && !camera) || this.mem.removed.includes(id)) throw new Error(`setOnline: no station or camera "${id}"`);
    this.mem.online[id] = online;
    const at = isoLocal(nowMs);
    return station
      ? { kind: 'station', op: 'upsert', id, at, data: { ...station, online } }
      : { kind: 'camera', op: 'upsert', id, at, data: { ...camera!.camera, online } };
  }

  /** The platform deletes an entity (a camera retired, a sensor removed, an alert withdrawn). */
  remove(kind: Kind, id: string, nowMs: number): ChangeDraft {
    if (kind === 'reading') throw new Error('remove: readings are never deleted (the spec: op is always upsert)');
    this.mem.removed.push(id);
    return { kind, op: 'delete', id, at: isoLocal(nowMs) };
  }

  /** Force the storm to its end now: levels return to normal and alerts clear as readings come. */
  calm(nowMs: number): ChangeDraft[] {
    const out: ChangeDraft[] = [];
    if (this.mem.storm) this.mem.storm.startMs = nowMs - this.mem.storm.durationMs * (1 + STORM_TAIL);
    this.stormLifecycle(nowMs, out);
    return out;
  }

  private weather(): WeatherNow {
    return { storm: this.mem.storm, shower: this.mem.shower, events: new Map(this.mem.events.map((e) => [e.sensorId, e])) };
  }

  /**
   * A reading with an `at` unique for its sensor (the id is `${sensorId}@${at}`); alerts it
   * raises or clears are added to `alerts` when given, to follow the reading in the log.
   */
  private reading(spec: SensorSpec, nowMs: number, weather: WeatherNow, alerts?: ChangeDraft[]): ChangeDraft {
    const atMs = Math.max(nowMs, (this.mem.lastAt[spec.id] ?? 0) + 1);
    this.mem.lastAt[spec.id] = atMs;
    const at = isoLocal(atMs);
    const value = sensorValue(spec, atMs, weather, this.rng);
    if (alerts) this.followAlert(spec, value, atMs, alerts);
    return { kind: 'reading', op: 'upsert', id: `${spec.id}@${at}`, at, data: { sensorId: spec.id, value, at } };
  }

  private followAlert(spec: SensorSpec, value: number, nowMs: number, out: ChangeDraft[]): void {
    const track = this.mem.tracks[spec.id];
    const level = nextLevel(spec.sensor.thresholds, value, track?.level ?? null);
    if (level === (track?.level ?? null)) return;
    const msgType = !track ? 'Alert' : level === null ? 'Cancel' : 'Update';
    const identifier = alertIdentifier(nowMs, ++this.mem.alertCounter);
    const alert = sensorAlert({
      identifier,
      sentMs: nowMs,
      msgType,
      chain: track?.chain ?? [],
      level: level ?? track!.level,
      sensorId: spec.id,
      sensor: spec.sensor,
      stationName: this.stationNames.get(spec.sensor.stationCode) ?? '',
      value,
    });
    out.push({ kind: 'alert', op: 'upsert', id: identifier, at: alert.sent, data: alert });
    if (level === null) delete this.mem.tracks[spec.id];
    else this.mem.tracks[spec.id] = { level, chain: [...(track?.chain ?? []), { identifier, sent: alert.sent }] };
  }

  /** Notices and the typhoon warning at the storm's phases; the storm ends after its tail. */
  private stormLifecycle(nowMs: number, out: ChangeDraft[]): void {
    const storm = this.mem.storm;
    if (!storm) return;
    const p = stormProgress(storm, nowMs);
    const once = (phase: string): boolean => {
      if (storm.announced.includes(phase)) return false;
      storm.announced.push(phase);
      return true;
    };
    if (once('start')) out.push(this.notice(nowMs, stormNotice(storm.kind, 'start', storm.name)));
    if (storm.kind === 'typhoon') {
      const level: AlertLevel | null = p >= 1 ? null : p >= 0.35 && p < 0.7 ? 'orange' : p >= 0.15 && p < 0.85 ? 'yellow' : 'blue';
      this.typhoonLevel(level, storm.name, nowMs, out);
    }
    if (p >= 0.5 && once('peak')) out.push(this.notice(nowMs, stormNotice(storm.kind, 'peak', storm.name)));
    if (p >= 1 + STORM_TAIL) {
      if (once('end')) out.push(this.notice(nowMs, stormNotice(storm.kind, 'end', storm.name)));
      this.mem.storm = null;
    }
  }

  private typhoonLevel(level: AlertLevel | null, name: string, nowMs: number, out: ChangeDraft[]): void {
    const key = 'typhoon';
    const track = this.mem.tracks[key];
    if (level === (track?.level ?? null)) return;
    const identifier = alertIdentifier(nowMs, ++this.mem.alertCounter);
    const msgType = !track ? 'Alert' : level === null ? 'Cancel' : 'Update';
    const alert = typhoonAlert({ identifier, sentMs: nowMs, msgType, chain: track?.chain ?? [], level: level ?? track!.level, name });
    out.push({ kind: 'alert', op: 'upsert', id: identifier, at: alert.sent, data: alert });
    if (level === null) delete this.mem.tracks[key];
    else this.mem.tracks[key] = { level, chain: [...(track?.chain ?? []), { identifier, sent: alert.sent }] };
  }

  /** Rare hotspots on the hills, leaks at tank farms, afternoon showers (more likely 13–19 h). */
  private startLocalEvents(nowMs: number, dtMs: number): void {
    this.mem.events = this.mem.events.filter((e) => e.endMs > nowMs);
    const perHour = dtMs / 3_600_000;
    if (this.rng.chance(perHour * 0.4)) this.addEvent('fire', nowMs, 3, 8, 90, 300);
    if (this.rng.chance(perHour * 0.25)) this.addEvent('gas', nowMs, 2, 6, 20, 60);
    if (this.mem.shower && this.mem.shower.endMs < nowMs) this.mem.shower = null;
    const hour = new Date(nowMs + 8 * 3_600_000).getUTCHours();
    if (!this.mem.shower && this.rng.chance(perHour * (hour >= 13 && hour < 19 ? 1 : 0.2))) {
      const minutes = this.rng.between(8, 25);
      this.mem.shower = { startMs: nowMs, endMs: nowMs + minutes * 60_000, peak: this.rng.between(3, 22) };
    }
  }

  private addEvent(type: 'fire' | 'gas', nowMs: number, minMinutes: number, maxMinutes: number, minPeak: number, maxPeak: number): void {
    const candidates = this.catalogue.sensors.filter((s) => s.sensor.type === type && !this.mem.events.some((e) => e.sensorId === s.id));
    if (candidates.length === 0) return;
    const spec = this.rng.pick(candidates);
    const ammonia = spec.sensor.unit === 'mg/m³';
    const peak = ammonia ? this.rng.between(15, 40) : this.rng.between(minPeak, maxPeak);
    this.mem.events.push({ sensorId: spec.id, startMs: nowMs, endMs: nowMs + this.rng.between(minMinutes, maxMinutes) * 60_000, peak });
  }

  /** Villages on 4G drop off and come back; cameras now and then. Towns stay up. */
  private flap(nowMs: number, dtMs: number, out: ChangeDraft[]): void {
    const at = isoLocal(nowMs);
    const removed = new Set(this.mem.removed);
    if (this.rng.chance(Math.min(1, dtMs / 20_000))) {
      const villages = this.catalogue.stations.filter((s) => s.level === 'village' && !removed.has(s.code));
      const offline = villages.filter((s) => !this.mem.online[s.code]);
      // Keep roughly 3–8 % of villages offline, as on a real district network.
      const pool = offline.length > 4 || (offline.length > 0 && this.rng.chance(0.5)) ? offline : villages.filter((s) => this.mem.online[s.code]);
      const pick = pool.length ? this.rng.pick(pool) : undefined;
      if (pick) out.push(this.stationChange(pick, at));
    }
    if (this.rng.chance(Math.min(1, dtMs / 45_000))) {
      const c = this.rng.pick(this.catalogue.cameras);
      if (!removed.has(c.id)) {
        this.mem.online[c.id] = !this.mem.online[c.id];
        out.push({ kind: 'camera', op: 'upsert', id: c.id, at, data: { ...c.camera, online: this.mem.online[c.id] } });
      }
    }
  }

  private stationChange(station: LinkStation, at: string): ChangeDraft {
    this.mem.online[station.code] = !this.mem.online[station.code];
    return { kind: 'station', op: 'upsert', id: station.code, at, data: { ...station, online: this.mem.online[station.code] } };
  }

  private notice(nowMs: number, notice: { title: string; body: string; from: string }): ChangeDraft {
    const at = isoLocal(nowMs);
    const id = `notice-${at.slice(0, 10).replace(/-/g, '')}-${String(++this.mem.noticeCounter).padStart(4, '0')}`;
    return { kind: 'notice', op: 'upsert', id, at, data: notice };
  }

  private dateZh(nowMs: number): string {
    const d = new Date(nowMs + 8 * 3_600_000);
    return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  }
}
