/**
 * The district link as the core sees it: the mirror store, the outbox, the client (when an
 * upstream is configured, or the demo simulator runs in-process), coalesced events, and the
 * retention job. createCore builds one and binds the link's methods to it.
 */
import type { ActionRecord, LinkStatus } from '../../../shared/contract';
import type { HallConfig } from '../config/config';
import type { Db } from '../db/database';
import type { EventBus } from '../events/bus';
import { DAY_MS } from '../mirror/readings';
import type { StationsRepo } from '../stations/stations-repo';
import type { DistrictSimulator } from '../sim/district/server';
import { LinkClient } from './link-client';
import { SqliteMirrorStore } from './mirror-store';
import { SqliteOutbox } from './outbox';
import { MirrorPublisher } from './publisher';
import type { AppliedSummary } from './seams';

export interface Upstream {
  url: string;
  token: string;
  consoleId: string;
}

/** The in-process district simulator of demo mode, as the link needs it. */
export interface DemoDistrict {
  upstream: Upstream;
  close(): Promise<void>;
  /** The simulator itself (demo mode), for scenario controls from code and tests. */
  simulator?: DistrictSimulator;
}

export interface LinkServiceOptions {
  db: Db;
  events: EventBus;
  stations: StationsRepo;
  config: HallConfig;
  /** Starts the demo simulator (demo mode without an upstream); absent: the link is disabled. */
  startDemoDistrict?: (() => Promise<DemoDistrict>) | undefined;
  now: () => Date;
  log: (line: string) => void;
  random?: () => number;
}

export class LinkService {
  readonly store: SqliteMirrorStore;
  readonly outbox: SqliteOutbox;
  private readonly publisher: MirrorPublisher;
  private client: LinkClient | null = null;
  private demo: DemoDistrict | null = null;
  private closed = false;
  private retentionTimer: NodeJS.Timeout | null = null;
  private firstRetention: NodeJS.Timeout | null = null;
  private readonly startedAt: Date;
  /** Resolves once the client runs (or the link is known to be disabled). */
  readonly ready: Promise<void>;

  constructor(private readonly options: LinkServiceOptions) {
    const { db, events, stations, now } = options;
    this.startedAt = now();
    this.store = new SqliteMirrorStore(db, now);
    this.outbox = new SqliteOutbox(db, { ...(options.random ? { random: options.random } : {}), onEnqueue: () => this.client?.kick() });
    this.publisher = new MirrorPublisher(events, stations);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  private markReady: () => void = () => undefined;
  private readonly appliedHooks: ((summary: AppliedSummary, reset: boolean) => void)[] = [];

  /** Called after every batch or snapshot the mirror committed. */
  onApplied(hook: (summary: AppliedSummary, reset: boolean) => void): void {
    this.appliedHooks.push(hook);
  }

  /** Whether the link will run (an upstream is configured, or the demo simulator is started). */
  get enabled(): boolean {
    return Boolean(this.options.config.upstream ?? this.options.startDemoDistrict);
  }

  /**
   * Starts the link in the background: the demo simulator (if any) and the client. Start-up of
   * the core does not wait for it, so the host listens at once; `ready` resolves when it runs.
   */
  start(): void {
    // Actions left 'sent' by a crash may never have reached the platform: send them again (same id).
    const recovered = this.outbox.recoverInFlight(this.options.now());
    if (recovered > 0) this.options.log(`[link] ${recovered} action(s) in flight at the last stop will be sent again`);
    this.scheduleRetention();
    this.run()
      .catch((error: unknown) => this.options.log(`[link] could not start: ${(error as Error).message}`))
      .finally(() => this.markReady());
  }

  private async run(): Promise<void> {
    const { config } = this.options;
    let upstream: Upstream | undefined = config.upstream;
    if (!upstream && this.options.startDemoDistrict) {
      const demo = await this.options.startDemoDistrict();
      if (this.closed) {
        await demo.close();
        return;
      }
      this.demo = demo;
      upstream = demo.upstream;
    }
    if (!upstream || this.closed) return;
    this.client = new LinkClient({
      ...upstream,
      store: this.store,
      outbox: this.outbox,
      settings: config.link,
      now: this.options.now,
      ...(this.options.random ? { random: this.options.random } : {}),
      onStatus: (status) => this.options.events.emit('link.status', status),
      onApplied: (summary, reset) => {
        // Domains that derive state from the mirror (the alert desk) first, so the events of both go out together.
        for (const hook of this.appliedHooks) hook(summary, reset);
        this.publisher.add(summary, reset);
      },
      log: this.options.log,
    });
    this.client.start();
    this.options.events.emit('link.status', this.client.status());
  }

  get linkClient(): LinkClient | null {
    return this.client;
  }

  /** The in-process district simulator of demo mode (null otherwise, or before it started). */
  get simulator(): DistrictSimulator | null {
    return this.demo?.simulator ?? null;
  }

  status(): LinkStatus {
    if (this.client) return this.client.status();
    const cursor = this.store.cursor();
    const counts = this.outbox.counts();
    const upstream = this.options.config.upstream;
    return {
      // Between start and the client's creation (the demo simulator starting) the link is connecting.
      state: this.enabled ? 'connecting' : 'disabled',
      since: this.startedAt.toISOString(),
      url: upstream?.url ?? null,
      serverId: cursor.serverId,
      epoch: cursor.epoch,
      cursor: cursor.seq,
      headSeq: cursor.seq,
      lag: 0,
      pendingActions: counts.pending,
      failedActions: counts.failed,
      quarantined: this.store.quarantineCount(),
      lastAppliedAt: cursor.lastAppliedAt,
    };
  }

  /**
   * For other domains (alert desk, incidents, broadcast): write an action for the platform to the
   * outbox, durably, and wake the sender. The id is the platform's idempotency key.
   */
  enqueueAction(type: string, by: string, payload: Record<string, unknown>): ActionRecord {
    const record = this.outbox.enqueue(type, by, payload, this.options.now());
    this.options.events.emit('link.status', this.status());
    return record;
  }

  /** One pass of retention: raw readings, hourly aggregates, old quarantine entries. */
  async pruneNow(): Promise<number> {
    const { rawRetentionDays, hourlyRetentionDays, quarantineRetentionDays } = this.options.config.link;
    let total = 0;
    for (;;) {
      if (this.closed) return total;
      const n = this.store.readings.pruneSlice(this.options.now().getTime(), rawRetentionDays, hourlyRetentionDays);
      total += n;
      if (n === 0) break;
      await new Promise((resolve) => setImmediate(resolve)); // let batches in between slices
    }
    total += this.store.quarantine.prune(new Date(this.options.now().getTime() - quarantineRetentionDays * DAY_MS).toISOString());
    return total;
  }

  private scheduleRetention(): void {
    const run = () => {
      this.pruneNow().catch((error: unknown) => this.options.log(`[link] retention failed: ${(error as Error).message}`));
    };
    // The first pass waits a little so it never competes with start-up.
    this.firstRetention = setTimeout(run, 5_000);
    this.firstRetention.unref();
    this.retentionTimer = setInterval(run, this.options.config.link.retentionIntervalMinutes * 60_000);
    this.retentionTimer.unref();
  }

  /** Stops the client, the demo simulator and the timers (synchronously; the simulator closes in the background). */
  close(): Promise<void> {
    this.closed = true;
    if (this.firstRetention) clearTimeout(this.firstRetention);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.publisher.close();
    const stopping: Promise<void>[] = [];
    if (this.client) stopping.push(this.client.stop());
    if (this.demo) stopping.push(this.demo.close());
    return Promise.all(stopping).then(() => undefined);
  }
}
