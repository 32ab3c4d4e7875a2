/**
 * Turns applied batches into renderer events, coalesced: at most one `mirror.changed`,
 * `readings.changed` and `stations.changed` per window (50 ms), never one per change.
 * A throttle with a leading edge: the first batch after a quiet spell is published at once (a
 * village going offline shows without delay), later ones within the window are merged and go
 * out when it ends. A burst of 10 000 readings becomes a few events with the newest value per sensor.
 */
import type { Kind } from '../../../shared/district-link/protocol';
import type { EventBus } from '../events/bus';
import type { StationsRepo } from '../stations/stations-repo';
import type { AppliedSummary } from './seams';

export const COALESCE_MS = 50;
/**
 * Past this many ids of one kind in a window, the event carries the count only (refetch the kind).
 * Stations are exempt: there are a few hundred at most and the station tree refetches by id.
 */
export const MAX_IDS_PER_KIND = 200;

export class MirrorPublisher {
  private timer: NodeJS.Timeout | null = null;
  private upTo = 0;
  private reset = false;
  private counts: Partial<Record<Kind, number>> = {};
  private ids = new Map<Kind, Set<string>>();
  private overflow = new Set<Kind>();
  private latest = new Map<string, { sensorId: string; value: number; at: string }>();
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly events: EventBus,
    private readonly stations: StationsRepo,
    private readonly windowMs = COALESCE_MS,
  ) {}

  add(summary: AppliedSummary, reset: boolean): void {
    this.upTo = Math.max(this.upTo, summary.appliedTo);
    if (reset) {
      this.reset = true;
      this.upTo = summary.appliedTo; // a new epoch may count from a lower seq
    }
    let touched = reset;
    for (const [kind, n] of Object.entries(summary.counts) as [Kind, number][]) {
      this.counts[kind] = (this.counts[kind] ?? 0) + n;
      touched = true;
    }
    for (const [kind, list] of Object.entries(summary.ids) as [Kind, string[]][]) {
      if (this.overflow.has(kind)) continue;
      let set = this.ids.get(kind);
      if (!set) this.ids.set(kind, (set = new Set()));
      for (const id of list) set.add(id);
      if (set.size > MAX_IDS_PER_KIND && kind !== 'station') {
        this.overflow.add(kind);
        this.ids.delete(kind);
      }
    }
    for (const r of summary.latestReadings) {
      const seen = this.latest.get(r.sensorId);
      if (!seen || Date.parse(r.at) >= Date.parse(seen.at)) this.latest.set(r.sensorId, r);
    }
    if (touched && !this.timer) {
      const wait = this.lastFlushAt + this.windowMs - performance.now();
      if (wait <= 0) return this.flush();
      this.timer = setTimeout(() => this.flush(), wait);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const counts = this.counts;
    if (Object.keys(counts).length === 0 && !this.reset) return;
    this.lastFlushAt = performance.now();
    const ids: Record<string, string[]> = {};
    for (const [kind, set] of this.ids) ids[kind] = [...set];
    const stationCodes = ids['station'] ?? [];
    const latest = [...this.latest.values()];
    const reset = this.reset;
    this.counts = {};
    this.ids = new Map();
    this.overflow = new Set();
    this.latest = new Map();
    this.reset = false;

    this.events.emit('mirror.changed', { upTo: this.upTo, counts, ids, reset });
    if (latest.length > 0) this.events.emit('readings.changed', { latest });
    // Listeners of stations.changed (online state, last contact) get the stations that changed;
    // after a reset the renderer reloads everything from mirror.changed.
    if (!reset && stationCodes.length > 0) this.events.emit('stations.changed', { stations: this.stations.getMany(stationCodes) });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
