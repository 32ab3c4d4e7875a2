/**
 * The district platform simulator: the SERVER side of District Link v1
 * (../shared/specs/district-link-v1.md) on socket.io namespace /link, over a simulated 源城区
 * that keeps changing. Demo mode and the link's tests connect to it through the real socket.io
 * path; scenario controls (storms, faults, restarts) come from code, the CLI, or HTTP.
 */
import http from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { NAMESPACE, PROTOCOL, ACK_TIMEOUT_MS, type ActionResult, type Kind } from '../../../../shared/district-link/protocol';
import { handleAction, type ActionFaults } from './actions';
import { malformedChange, type BatchInjections } from './faults';
import { controlHandler } from './http-control';
import { LinkSession } from './session';
import type { StormKind } from './sites';
import { Snapshots } from './snapshots';
import { SimStore, newEpoch, type EntityState, type RawChange, type ReceivedAction } from './store';
import { isoLocal } from './util';
import { World, type ChangeDraft, type WorldMemory } from './world';
import { CONSOLE_VIDEO_ORIGIN } from '../../../../shared/video';

export interface DistrictSimulatorOptions {
  /** 0 = a free port. */
  port?: number;
  host?: string;
  /** Tokens accepted in the handshake; default ['demo-token']. */
  tokens?: string[];
  /** SQLite file for the log, the state and received actions; absent = in memory. */
  stateFile?: string;
  /** Seed of the catalogue and the weather (a state file keeps the seed it was created with). */
  seed?: number;
  /** World tick; default 1000 ms. */
  tickMs?: number;
  /** Default storm compression when compressTo is not given: simulated seconds per real second (60). */
  timeScale?: number;
  /** Readings per second across all sensors; default 2. */
  readingRate?: number;
  /** Base URL of the simulated video gateway; default http://127.0.0.1:7300/video. */
  videoBase?: string;
  /** How long a batch may wait for its ack before it is sent again; default 30 s (the spec). */
  ackTimeoutMs?: number;
  /** Readings older than this are no longer held by the platform (default 24 h; 0 = keep all). */
  readingRetentionMs?: number;
  /** Compact the log to half of this when it grows past it (default 200 000 entries). */
  logLimit?: number;
  log?: (line: string) => void;
}

export interface StormInfo {
  kind: StormKind;
  name: string;
  hours: number;
  compressTo: number;
}

export interface ScenarioControls {
  setReadingRate(perSecond: number): void;
  storm(kind: StormKind, options?: { hours?: number; compressTo?: number }): StormInfo;
  calm(): void;
  /** One world tick now (tests wait for its effect rather than for the timer); returns headSeq. */
  tick(): number;
  /** Cut every TCP connection abruptly; clients see a transport close and reconnect. */
  dropConnections(): number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** New epoch, data rebuilt, link:reset to every client; returns the new epoch. */
  rebuild(): string;
  /** Keep only the last keepLast log entries (default 0); returns the highest seq dropped. */
  compact(keepLast?: number): number;
  injectDuplicates(n: number): void;
  injectOutOfOrder(n: number): void;
  /** Append n malformed items to the log; returns their seqs. */
  injectMalformed(n: number): number[];
  delayActionAcks(ms: number): void;
  dropActionAcks(count: number): void;
  failActionsRetryably(count: number): void;
  /** A station or camera goes on- or offline now; returns the change's seq. */
  setOnline(id: string, online: boolean): number;
  /** The platform deletes an entity (not a reading); returns the change's seq. */
  remove(kind: Kind, id: string): number;
  /** Append n readings at once; returns headSeq. */
  burst(n: number): number;
  receivedActions(): ReceivedAction[];
}

export interface SimStatus {
  epoch: string;
  serverId: string;
  headSeq: number;
  compactedThrough: number;
  listening: boolean;
  clients: number;
  subscribed: number;
  readingRate: number;
  storm: { kind: StormKind; name: string; progress: number } | null;
  receivedActions: ReceivedAction[];
}

export interface DistrictSimulator {
  readonly url: string;
  readonly port: number;
  readonly epoch: string;
  headSeq(): number;
  /** The entity state as of headSeq (copies; deleted entities absent, malformed items never in it). */
  state(): EntityState;
  receivedActions(): ReceivedAction[];
  status(): SimStatus;
  /** Called after every append, with the durable log entries' changes. Returns an unsubscribe. */
  onChanges(listener: (changes: RawChange[]) => void): () => void;
  control: ScenarioControls;
  close(): Promise<void>;
}

const DEFAULT_SEED = 441602;

type Ack = (answer: unknown) => void;
/** socket.io hands over whatever the client sent as the last argument: only a function is an ack. */
const isAck = (a: unknown): a is Ack => typeof a === 'function';

export async function startDistrictSimulator(options: DistrictSimulatorOptions = {}): Promise<DistrictSimulator> {
  const host = options.host ?? '127.0.0.1';
  const tokens = new Set(options.tokens ?? ['demo-token']);
  const tickMs = options.tickMs ?? 1000;
  const timeScale = options.timeScale ?? 60;
  const videoBase = options.videoBase ?? `${CONSOLE_VIDEO_ORIGIN}/video`;
  const retentionMs = options.readingRetentionMs ?? 24 * 3_600_000;
  const logLimit = options.logLimit ?? 200_000;
  const log = options.log ?? (() => undefined);

  const store = new SimStore(options.stateFile, options.seed ?? DEFAULT_SEED);
  const makeWorld = () => new World({ seed: store.seed, videoBase, readingRate: options.readingRate ?? 2 }, Date.now());
  let world = makeWorld();
  const listeners = new Set<(changes: RawChange[]) => void>();
  const sessions = new Map<string, LinkSession>();
  const snapshots = new Snapshots();
  const injections: BatchInjections = { duplicates: 0, outOfOrder: 0 };
  const actionFaults: ActionFaults = { delayMs: 0, dropAnswers: 0, failRetryably: 0 };
  const sessionCtx = { store, ackTimeoutMs: options.ackTimeoutMs ?? ACK_TIMEOUT_MS, injections, log };

  const commit = (drafts: (ChangeDraft | Omit<RawChange, 'seq'>)[], applyToState = true): RawChange[] => {
    if (drafts.length === 0) return [];
    const entries = store.append(drafts, { applyToState, worldMemory: world.memory() });
    if (store.logLength > logLimit) store.compact(Math.floor(logLimit / 2));
    const changes = entries.map((e) => e.change);
    for (const l of listeners) l(changes);
    for (const s of sessions.values()) s.pump();
    return changes;
  };

  if (store.worldMemory) world.restore(store.worldMemory as WorldMemory);
  else if (store.headSeq === 0) commit(world.initialChanges(Date.now()));
  if (options.readingRate !== undefined) world.setReadingRate(options.readingRate);

  let lastTick = Date.now();
  let ticks = 0;
  const tick = (): number => {
    const now = Date.now();
    const dt = Math.max(0, now - lastTick);
    lastTick = now;
    commit(world.step(now, dt));
    if (retentionMs > 0 && ++ticks % 60 === 0) store.trimReadings(now - retentionMs);
    return store.headSeq;
  };
  const timer = setInterval(() => {
    try {
      tick();
    } catch (err) {
      log(`tick failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }, tickMs);
  timer.unref();

  // eslint-disable-next-line prefer-const -- assigned once the server below exists
  let sim: DistrictSimulator;
  const httpServer = http.createServer(controlHandler(() => sim));
  const connections = new Set<TcpSocket>();
  httpServer.on('connection', (c: TcpSocket) => {
    connections.add(c);
    c.once('close', () => connections.delete(c));
  });
  const io = new Server(httpServer, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 4 * 1024 * 1024 });
  const nsp = io.of(NAMESPACE);

  nsp.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; protocol?: unknown; consoleId?: unknown };
    if (typeof auth.token !== 'string' || !tokens.has(auth.token)) {
      log(`link: refused ${socket.handshake.address}: unauthorized`);
      return next(new Error('unauthorized'));
    }
    if (auth.protocol !== PROTOCOL) {
      log(`link: refused ${socket.handshake.address}: protocol ${JSON.stringify(auth.protocol)} unsupported`);
      return next(new Error('protocol_unsupported'));
    }
    next();
  });

  nsp.on('connection', (socket: Socket) => {
    const session = new LinkSession(socket, sessionCtx);
    sessions.set(socket.id, session);
    log(`link: ${String((socket.handshake.auth as { consoleId?: unknown }).consoleId)} connected as ${socket.id}`);
    socket.emit('link:hello', { protocol: PROTOCOL, serverId: store.serverId, serverTime: isoLocal(Date.now()), epoch: store.epoch, headSeq: store.headSeq });

    socket.on('link:subscribe', (req: unknown, ack: unknown) => {
      if (!isAck(ack)) return;
      const { epoch, since } = (req ?? {}) as { epoch?: unknown; since?: unknown };
      if (typeof since !== 'number' || !Number.isInteger(since) || since < 0 || (epoch !== undefined && epoch !== null && typeof epoch !== 'string')) {
        ack({ ok: false, error: 'bad_request', message: `link:subscribe needs {epoch?: string, since: integer ≥ 0}, got ${JSON.stringify(req)}` });
        return;
      }
      const known = typeof epoch === 'string' ? epoch === store.epoch : since === 0;
      // Behind the compacted log, or ahead of the head (the server lost data): only a snapshot helps.
      if (!known || since < store.compactedThrough || since > store.headSeq) {
        session.close();
        ack({ ok: false, error: 'reset_required' });
        return;
      }
      ack({ ok: true, epoch: store.epoch, headSeq: store.headSeq });
      session.subscribe(since);
    });

    socket.on('link:snapshot:begin', (_req: unknown, ack: unknown) => {
      if (isAck(ack)) ack(snapshots.begin(store.epoch, store.headSeq, store.liveState(), Date.now()));
    });

    socket.on('link:snapshot:page', (req: unknown, ack: unknown) => {
      if (isAck(ack)) ack(snapshots.page(req, Date.now()));
    });

    socket.on('link:action', (raw: unknown, ack: unknown) => {
      const answer = (result: ActionResult) => {
        if (isAck(ack) && socket.connected) ack(result);
      };
      handleAction(raw, answer, { store, faults: actionFaults, knownAlert: (id) => store.liveState().alert.has(id), nowMs: Date.now(), log });
    });

    socket.on('disconnect', (reason) => {
      session.close();
      sessions.delete(socket.id);
      log(`link: ${socket.id} disconnected (${reason})`);
    });
  });

  let listening = false;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, host, () => {
        httpServer.off('error', reject);
        listening = true;
        resolve((httpServer.address() as { port: number }).port);
      });
    });
  let port: number;
  try {
    port = await listen(options.port ?? 0);
  } catch (err) {
    // Leave nothing behind (timer, open state file) when the port is taken.
    clearInterval(timer);
    await io.close();
    store.close();
    throw new Error(`district simulator: cannot listen on ${host}:${options.port ?? 0}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const url = `http://${host}:${port}`;

  const dropAll = (): number => {
    const n = nsp.sockets.size;
    for (const c of connections) c.destroy();
    return n;
  };

  const control: ScenarioControls = {
    setReadingRate: (perSecond) => world.setReadingRate(perSecond),
    storm: (kind, o = {}) => {
      const hours = o.hours ?? (kind === 'typhoon' ? 12 : 6);
      const compressTo = o.compressTo ?? (hours * 3600) / timeScale;
      commit(world.startStorm(kind, hours, compressTo, Date.now()));
      log(`storm ${kind}: ${hours} h compressed to ${compressTo} s`);
      return { kind, name: world.stormStatus(Date.now())?.name ?? kind, hours, compressTo };
    },
    calm: () => void commit(world.calm(Date.now())),
    tick,
    dropConnections: dropAll,
    stop: async () => {
      if (!listening) return;
      listening = false;
      for (const s of sessions.values()) s.close();
      // Cut the TCP connections rather than disconnect politely: a polite "io server disconnect"
      // tells socket.io clients not to reconnect, and a stopped platform looks like a dead one.
      dropAll();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      log('stopped listening');
    },
    start: async () => {
      if (listening) return;
      await listen(port);
      log(`listening again on ${url}`);
    },
    rebuild: () => {
      snapshots.clear();
      store.startEpoch(newEpoch(), store.seed);
      world = makeWorld();
      commit(world.initialChanges(Date.now()));
      for (const s of sessions.values()) s.reset('rebuilt');
      log(`rebuilt: epoch ${store.epoch}`);
      return store.epoch;
    },
    compact: (keepLast = 0) => {
      const through = store.compact(keepLast);
      for (const s of sessions.values()) s.pump();
      return through;
    },
    injectDuplicates: (n) => void (injections.duplicates += n),
    injectOutOfOrder: (n) => void (injections.outOfOrder += n),
    injectMalformed: (n) => {
      const sensorId = world.catalogue.sensors[0]!.id;
      const drafts = Array.from({ length: n }, (_, i) => malformedChange(i, Date.now(), sensorId));
      return commit(drafts, false).map((c) => c.seq);
    },
    delayActionAcks: (ms) => void (actionFaults.delayMs = ms),
    dropActionAcks: (count) => void (actionFaults.dropAnswers += count),
    failActionsRetryably: (count) => void (actionFaults.failRetryably += count),
    setOnline: (id, online) => commit([world.setOnline(id, online, Date.now())])[0]!.seq,
    remove: (kind, id) => {
      if (!store.liveState()[kind]?.has(id)) throw new Error(`remove: no ${kind} "${id}" in the current state`);
      return commit([world.remove(kind, id, Date.now())])[0]!.seq;
    },
    burst: (n) => {
      // In chunks, so one huge burst is not one huge transaction and batches start flowing.
      for (let done = 0; done < n; done += 5000) commit(world.burst(Math.min(5000, n - done), Date.now()));
      return store.headSeq;
    },
    receivedActions: () => store.receivedActions(),
  };

  sim = {
    url,
    port,
    get epoch() {
      return store.epoch;
    },
    headSeq: () => store.headSeq,
    state: () => store.copyState(),
    receivedActions: () => store.receivedActions(),
    status: () => ({
      epoch: store.epoch,
      serverId: store.serverId,
      headSeq: store.headSeq,
      compactedThrough: store.compactedThrough,
      listening,
      clients: nsp.sockets.size,
      subscribed: [...sessions.values()].filter((s) => s.isSubscribed).length,
      readingRate: world.readingRate,
      storm: world.stormStatus(Date.now()),
      receivedActions: store.receivedActions(),
    }),
    onChanges: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    control,
    close: async () => {
      clearInterval(timer);
      await control.stop();
      await io.close();
      store.close();
    },
  };
  log(`district simulator listening on ${url} (epoch ${store.epoch}, head seq ${store.headSeq})`);
  return sim;
}
