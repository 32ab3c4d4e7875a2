/**
 * What leaves the incidents domain: `incidents.changed` (coalesced over 50 ms, ids and the parts
 * that changed, so the decision room refetches only what it shows) and `incident.report` actions
 * for the district platform — at once for a level or status change, otherwise at most one per
 * incident per 30 s, the last change of a burst carried by a trailing report.
 */
import type { EventBus } from '../events/bus';

export const MINOR_REPORT_INTERVAL_MS = 30_000;

export class IncidentsNotifier {
  private readonly pending = new Map<string, Set<string>>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly lastReport = new Map<string, number>();
  private readonly trailing = new Map<string, { timer: NodeJS.Timeout; by: string }>();

  constructor(
    private readonly deps: {
      events: EventBus;
      enqueueAction: (type: string, by: string, payload: Record<string, unknown>) => unknown;
      /** The incident as the platform gets it (null once it is gone). */
      payload: (id: string) => Record<string, unknown> | null;
      now: () => Date;
      log: (line: string) => void;
    },
  ) {}

  changed(id: string, ...parts: string[]): void {
    let set = this.pending.get(id);
    if (!set) this.pending.set(id, (set = new Set()));
    parts.forEach((p) => set.add(p));
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), 50);
    this.flushTimer.unref();
  }

  /** Emits what is pending now (the timer does this; tests may too). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.size === 0) return;
    const ids = [...this.pending.keys()];
    const parts = [...new Set([...this.pending.values()].flatMap((s) => [...s]))].sort();
    this.pending.clear();
    this.deps.events.emit('incidents.changed', { ids, parts });
  }

  /**
   * Reports the incident upstream through the outbox. `significant` (created, level, status)
   * goes at once; a minor update goes when the last report is 30 s old, else a trailing report
   * is scheduled for when it will be.
   */
  report(id: string, by: string, significant: boolean): void {
    const nowMs = this.deps.now().getTime();
    const last = this.lastReport.get(id);
    if (significant || last === undefined || nowMs - last >= MINOR_REPORT_INTERVAL_MS) {
      this.send(id, by, nowMs);
      return;
    }
    if (this.trailing.has(id)) return;
    const timer = setTimeout(() => this.sendSafely(id, by), MINOR_REPORT_INTERVAL_MS - (nowMs - last));
    timer.unref();
    this.trailing.set(id, { timer, by });
  }

  private sendSafely(id: string, by: string): void {
    try {
      this.send(id, by, this.deps.now().getTime());
    } catch (error) {
      this.deps.log(`[incidents] could not report incident ${id} upstream: ${(error as Error).message}`);
    }
  }

  private send(id: string, by: string, nowMs: number): void {
    const trailing = this.trailing.get(id);
    if (trailing) clearTimeout(trailing.timer);
    this.trailing.delete(id);
    const payload = this.deps.payload(id);
    if (!payload) return;
    this.deps.enqueueAction('incident.report', by, payload);
    this.lastReport.set(id, nowMs);
  }

  /** Sends the trailing reports now (the core closes; nothing recorded is left unreported). */
  stop(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [id, { by }] of [...this.trailing]) this.sendSafely(id, by);
  }
}
