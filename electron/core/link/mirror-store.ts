/**
 * The mirror of the district platform in SQLite. Every batch is applied in ONE transaction
 * together with the new cursor, so what the console acknowledges is exactly what it has:
 * a crash before commit leaves the cursor where it was and the platform re-sends the batch.
 *
 * Each change runs in its own savepoint: one the database refuses (a constraint) is rolled back
 * alone and quarantined with the reason, so one bad item never stops the link. Any other error
 * (disk full, I/O) aborts the whole batch, cursor included, and the batch is not acknowledged.
 */
import type { Change, Kind, LinkAlert, LinkCamera, LinkNotice, LinkReading, LinkSensor, LinkStation } from '../../../shared/district-link/protocol';
import type { Db } from '../db/database';
import { sql } from '../db/sql';
import { AlertsRepo } from '../mirror/alerts';
import { CamerasRepo } from '../mirror/cameras';
import { NoticesRepo } from '../mirror/notices';
import { ReadingsRepo } from '../mirror/readings';
import { SensorsRepo } from '../mirror/sensors';
import { allQ, ms, oneQ, runQ } from '../mirror/statements';
import { applyLinkStation, deleteLinkStation, linkedStationCodes } from '../stations/link-stations';
import { QuarantineRepo } from './quarantine';
import type { AppliedSummary, Cursor, MirrorStore, QuarantinedChange } from './seams';

export class EpochMismatchError extends Error {
  constructor(
    readonly have: string | null,
    readonly got: string,
  ) {
    super(`A batch of epoch "${got}" cannot be applied on a mirror of epoch "${have}": a snapshot is needed`);
    this.name = 'EpochMismatchError';
  }
}

interface Accumulator {
  counts: Partial<Record<Kind, number>>;
  ids: Partial<Record<Kind, string[]>>;
  readingSensors: Set<string>;
  quarantined: number;
}

function isConstraintError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}

/** `${sensorId}@${at}` → its parts (the sensor id may itself hold an '@'). */
export function parseReadingId(id: string): { sensorId: string; atMs: number } | null {
  const at = id.lastIndexOf('@');
  if (at <= 0) return null;
  const atMs = Date.parse(id.slice(at + 1));
  return Number.isNaN(atMs) ? null : { sensorId: id.slice(0, at), atMs };
}

export class SqliteMirrorStore implements MirrorStore {
  readonly cameras: CamerasRepo;
  readonly sensors: SensorsRepo;
  readonly readings: ReadingsRepo;
  readonly alerts: AlertsRepo;
  readonly notices: NoticesRepo;
  readonly quarantine: QuarantineRepo;
  /** One change in a savepoint; built once — better-sqlite3 wrappers are costly to create per change. */
  private readonly applyInSavepoint: (change: Change, now: string) => void;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.cameras = new CamerasRepo(db);
    this.sensors = new SensorsRepo(db);
    this.readings = new ReadingsRepo(db);
    this.alerts = new AlertsRepo(db);
    this.notices = new NoticesRepo(db);
    this.quarantine = new QuarantineRepo(db);
    this.applyInSavepoint = db.transaction((change: Change, now: string) => this.applyOne(change, now));
  }

  cursor(): Cursor {
    const row = oneQ<{ epoch: string | null; cursor: number; server_id: string | null; last_applied_at: string | null }>(
      this.db,
      sql`SELECT epoch, cursor, server_id, last_applied_at FROM link_state WHERE id = 1`,
    );
    return { epoch: row?.epoch ?? null, seq: row?.cursor ?? 0, serverId: row?.server_id ?? null, lastAppliedAt: row?.last_applied_at ?? null };
  }

  setServerId(serverId: string): void {
    runQ(this.db, sql`UPDATE link_state SET server_id = ${serverId} WHERE id = 1`);
  }

  /** A fresh mirror (no epoch yet) takes the epoch the server subscribed it to. */
  adoptEpoch(epoch: string): void {
    runQ(this.db, sql`UPDATE link_state SET epoch = ${epoch} WHERE id = 1 AND epoch IS NULL AND cursor = 0`);
  }

  quarantineCount(): number {
    return this.quarantine.count();
  }

  quarantineOnly(epoch: string | null, item: QuarantinedChange): void {
    this.quarantine.add(epoch, item, this.now().toISOString());
  }

  applyBatch(epoch: string, valid: Change[], invalid: QuarantinedChange[]): AppliedSummary {
    const now = this.now().toISOString();
    return this.db.transaction(() => {
      const before = this.cursor();
      if (before.epoch !== null && before.epoch !== epoch) throw new EpochMismatchError(before.epoch, epoch);
      // Valid and invalid items in seq order; items without a seq (a broken envelope) go last.
      const items: ({ valid: Change } | { invalid: QuarantinedChange })[] = [...valid.map((c) => ({ valid: c })), ...invalid.map((q) => ({ invalid: q }))];
      const seqOf = (i: (typeof items)[number]) => ('valid' in i ? i.valid.seq : (i.invalid.seq ?? Number.MAX_SAFE_INTEGER));
      items.sort((a, b) => seqOf(a) - seqOf(b));
      const acc: Accumulator = { counts: {}, ids: {}, readingSensors: new Set(), quarantined: 0 };
      let high = before.seq;
      let duplicates = 0;
      for (const item of items) {
        if ('invalid' in item) {
          const q = item.invalid;
          if (q.seq !== null && q.seq <= high) {
            duplicates++;
            continue;
          }
          this.quarantine.add(epoch, q, now);
          acc.quarantined++;
          if (q.seq !== null) high = q.seq;
          continue;
        }
        const change = item.valid;
        if (change.seq <= high) {
          duplicates++;
          continue;
        }
        this.applyGuarded(epoch, change, acc, now);
        high = change.seq;
      }
      if (high > before.seq || before.epoch === null) {
        runQ(this.db, sql`UPDATE link_state SET epoch = ${epoch}, cursor = ${high}, last_applied_at = ${high > before.seq ? now : before.lastAppliedAt} WHERE id = 1`);
      }
      return { appliedTo: high, counts: acc.counts, ids: acc.ids, latestReadings: this.latestOf(acc.readingSensors), duplicates, quarantined: acc.quarantined };
    })();
  }

  replaceMirror(epoch: string, asOfSeq: number, serverId: string, items: { kind: Kind; valid: Change[]; invalid: QuarantinedChange[] }[]): AppliedSummary {
    const now = this.now().toISOString();
    return this.db.transaction(() => {
      const acc: Accumulator = { counts: {}, ids: {}, readingSensors: new Set(), quarantined: 0 };
      const byKind = (kind: Kind) => items.filter((i) => i.kind === kind).flatMap((i) => i.valid);

      // Stations: update or insert what the snapshot holds; what the link spoke for and no longer does goes.
      const stations = byKind('station');
      const stationCodes = new Set(stations.map((c) => c.id));
      for (const c of stations) this.applyGuarded(epoch, c, acc, now);
      for (const code of linkedStationCodes(this.db)) if (!stationCodes.has(code)) deleteLinkStation(this.db, code, now);

      this.cameras.deleteAll();
      this.alerts.deleteAllFromLink();
      this.notices.deleteAll();
      const sensorIds = new Set(byKind('sensor').map((c) => c.id));
      for (const id of this.sensors.ids()) if (!sensorIds.has(id)) this.sensors.delete(id);
      for (const kind of ['camera', 'sensor', 'alert', 'notice'] as const) for (const c of byKind(kind)) this.applyGuarded(epoch, c, acc, now);

      // Readings are history: kept for sensors that still exist, dropped with the sensors that do not.
      const readings = byKind('reading');
      const newest = new Map<string, { atMs: number; value: number }>();
      for (const c of readings) {
        this.applyGuarded(epoch, c, acc, now);
        const r = c.data as LinkReading;
        const atMs = ms(r.at);
        const seen = newest.get(r.sensorId);
        if (!seen || atMs >= seen.atMs) newest.set(r.sensorId, { atMs, value: r.value });
      }
      for (const id of this.readings.sensorIdsWithReadings()) {
        if (!sensorIds.has(id) && !newest.has(id)) this.readings.deleteSensor(id);
        else if (newest.has(id)) this.readings.setLatest(id, newest.get(id)!.atMs, newest.get(id)!.value);
        else this.readings.recomputeLatest(id);
      }

      for (const q of items.flatMap((i) => i.invalid)) {
        this.quarantine.add(epoch, q, now);
        acc.quarantined++;
      }
      runQ(
        this.db,
        sql`UPDATE link_state SET epoch = ${epoch}, cursor = ${asOfSeq}, server_id = ${serverId}, last_applied_at = ${now} WHERE id = 1`,
      );
      return { appliedTo: asOfSeq, counts: acc.counts, ids: {}, latestReadings: this.readings.latest(), duplicates: 0, quarantined: acc.quarantined };
    })();
  }

  /** Applies one change in a savepoint; a constraint the database enforces sends it to quarantine. */
  private applyGuarded(epoch: string, change: Change, acc: Accumulator, now: string): void {
    try {
      this.applyInSavepoint(change, now);
    } catch (error) {
      if (!isConstraintError(error) && !(error instanceof RefusedChange)) throw error;
      this.quarantine.add(epoch, { seq: change.seq, kind: change.kind, itemId: change.id, reason: `not applied: ${(error as Error).message}`, raw: change }, now);
      acc.quarantined++;
      return;
    }
    acc.counts[change.kind] = (acc.counts[change.kind] ?? 0) + 1;
    if (change.kind === 'reading') {
      const sensorId = change.op === 'upsert' ? (change.data as LinkReading).sensorId : parseReadingId(change.id)?.sensorId;
      if (sensorId) acc.readingSensors.add(sensorId);
    } else {
      (acc.ids[change.kind] ??= []).push(change.id);
    }
  }

  private applyOne(c: Change, now: string): void {
    const upsert = c.op === 'upsert';
    switch (c.kind) {
      case 'station': {
        if (!upsert) return deleteLinkStation(this.db, c.id, now);
        const s = c.data as LinkStation;
        if (s.code !== c.id) throw new RefusedChange(`station id "${c.id}" differs from its code "${s.code}"`);
        return applyLinkStation(this.db, c.id, s, c.at, now);
      }
      case 'camera':
        return upsert ? this.cameras.upsert(c.id, c.data as LinkCamera, now) : this.cameras.delete(c.id);
      case 'sensor':
        if (upsert) return this.sensors.upsert(c.id, c.data as LinkSensor, now);
        this.sensors.delete(c.id);
        return this.readings.deleteSensor(c.id);
      case 'reading': {
        if (upsert) {
          const r = c.data as LinkReading;
          this.readings.record(r.sensorId, ms(r.at), r.value);
          return;
        }
        const parsed = parseReadingId(c.id);
        if (!parsed) throw new RefusedChange(`reading id "${c.id}" is not <sensorId>@<ISO time>`);
        return this.readings.remove(parsed.sensorId, parsed.atMs);
      }
      case 'alert':
        return upsert ? this.alerts.upsertFromLink(c.id, c.data as LinkAlert, now) : this.alerts.deleteFromLink(c.id);
      case 'notice':
        return upsert ? this.notices.upsert(c.id, c.data as LinkNotice, c.at, now) : this.notices.delete(c.id);
    }
  }

  private latestOf(sensorIds: Set<string>): AppliedSummary['latestReadings'] {
    if (sensorIds.size === 0) return [];
    return allQ<{ sensor_id: string; at_ms: number; value: number }>(
      this.db,
      sql`SELECT * FROM readings_latest WHERE sensor_id IN (SELECT value FROM json_each(${JSON.stringify([...sensorIds])}))`,
    ).map((r) => ({ sensorId: r.sensor_id, value: r.value, at: new Date(r.at_ms).toISOString() }));
  }
}

/** A change that is valid on the wire but contradicts itself; quarantined, never applied. */
class RefusedChange extends Error {}
