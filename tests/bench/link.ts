/**
 * `npm run bench:link` — District Link throughput and latency (not a test).
 *   (a) raw socket.io on loopback: the same batches, a client whose handler only acks;
 *   (b) the full pipeline: receive → validate → SQLite commit with the cursor → ack →
 *       `mirror.changed` delivered to a socket.io client subscribed on the web host's /hall;
 * at batch sizes 1, 100 and 1000, and the latency from server emit to hall event at a steady
 * 2,000 changes/s. One emitter serves both, speaking District Link v1 (hello, subscribe,
 * changes with ack, at most 4 batches unacknowledged), so the ratio b/a compares like with like.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createCore } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import { startWebHost } from '../../electron/web-host/server';
import { MAX_UNACKED_BATCHES, NAMESPACE, PROTOCOL } from '../../shared/district-link/protocol';

const SENSORS = 200;
const STATION = '441602100000'; // 源南镇, a built-in place

interface Emitter {
  url: string;
  /** Send `total` changes in batches of `size`, keeping ≤ 4 batches in flight; resolves on the last ack. */
  run(total: number, size: number, pace?: { batchesPerTick: number; tickMs: number }, onEmit?: (lastSeq: number, at: number) => void): Promise<void>;
  close(): Promise<void>;
}

function sensorChange(seq: number, i: number) {
  return {
    seq,
    kind: 'sensor',
    op: 'upsert',
    id: `bench-rain-${i}`,
    at: new Date().toISOString(),
    data: { name: `压测雨量站${i}`, stationCode: STATION, type: 'rain', lat: 23.69, lon: 114.68, unit: 'mm', thresholds: { warn: 30, danger: 50 } },
  };
}

function readingChange(seq: number) {
  const sensorId = `bench-rain-${seq % SENSORS}`;
  const at = new Date(Date.UTC(2026, 5, 1) + seq * 1000).toISOString(); // unique per seq
  return { seq, kind: 'reading', op: 'upsert', id: `${sensorId}@${at}`, at, data: { sensorId, value: (seq % 500) / 10, at } };
}

async function startEmitter(): Promise<Emitter> {
  const server = http.createServer();
  const io = new Server(server, { transports: ['websocket'], maxHttpBufferSize: 2 * 1024 * 1024 });
  const epoch = `bench-${Date.now()}`;
  let seq = 0;
  let client: ServerSocket | null = null;
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  io.of(NAMESPACE).on('connection', (socket) => {
    client = socket;
    socket.emit('link:hello', { protocol: PROTOCOL, serverId: 'bench', serverTime: new Date().toISOString(), epoch, headSeq: seq });
    socket.on('link:subscribe', (_req: unknown, ack: (r: unknown) => void) => {
      ack({ ok: true, epoch, headSeq: seq });
      subscribed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  // The sensors exist before any reading: one batch, applied by whoever connects.
  let seeded = false;
  const emit = (changes: unknown[]) =>
    new Promise<void>((resolve) => client!.timeout(60_000).emit('link:changes', { epoch, changes }, () => resolve()));

  return {
    url: `http://127.0.0.1:${port}`,
    async run(total, size, pace, onEmit) {
      await ready;
      if (!seeded) {
        seeded = true;
        await emit(Array.from({ length: SENSORS }, (_, i) => sensorChange(++seq, i)));
      }
      let inFlight = 0;
      let sent = 0;
      let wake: () => void = () => {};
      const pending: Promise<void>[] = [];
      const sendOne = () => {
        const n = Math.min(size, total - sent);
        const changes = Array.from({ length: n }, () => readingChange(++seq));
        sent += n;
        inFlight++;
        onEmit?.(seq, performance.now());
        pending.push(
          emit(changes).then(() => {
            inFlight--;
            wake();
          }),
        );
      };
      while (sent < total) {
        if (pace) {
          for (let b = 0; b < pace.batchesPerTick && sent < total; b++) sendOne();
          await new Promise((resolve) => setTimeout(resolve, pace.tickMs));
        } else if (inFlight < MAX_UNACKED_BATCHES) sendOne();
        else await new Promise<void>((resolve) => (wake = resolve));
      }
      await Promise.all(pending);
    },
    async close() {
      await io.close();
    },
  };
}

async function rawBaseline(total: number, size: number): Promise<number> {
  const emitter = await startEmitter();
  const socket = connect(`${emitter.url}${NAMESPACE}`, { transports: ['websocket'], auth: { token: 't', consoleId: 'bench', protocol: PROTOCOL } });
  socket.on('link:hello', () => socket.emit('link:subscribe', { since: 0 }, () => {}));
  socket.on('link:changes', (batch: { changes: { seq: number }[] }, ack: (r: unknown) => void) => ack({ appliedTo: batch.changes.at(-1)?.seq ?? 0 }));
  await emitter.run(SENSORS, SENSORS); // warm-up: the same seeding the pipeline gets
  const started = performance.now();
  await emitter.run(total, size);
  const seconds = (performance.now() - started) / 1000;
  socket.disconnect();
  await emitter.close();
  return total / seconds;
}

interface Pipeline {
  hall: Socket;
  waitForUpTo(seq: number): Promise<void>;
  onHallEvent(fn: (upTo: number, at: number) => void): void;
  close(): Promise<void>;
}

async function startPipeline(emitterUrl: string): Promise<Pipeline> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-bench-link-'));
  const config = parseConfig({ upstream: { url: emitterUrl, token: 'bench', consoleId: 'bench-console' } });
  const core = await createCore({ dataDir, demo: false, config, adminPassword: 'bench-admin', log: () => {} });
  const host = await startWebHost({ core, host: '127.0.0.1', port: 0, rendererDir: dataDir });
  const login = await core.invoke({ user: null, origin: 'bench' }, 'auth.login', { username: 'admin', password: 'bench-admin' });
  if (!login.ok) throw new Error(login.error.message);
  const hall = connect(`${host.url}/hall`, { transports: ['websocket'], auth: { token: (login.value as { token: string }).token } });
  await new Promise<void>((resolve) => hall.once('connect', () => resolve()));
  let upTo = 0;
  const listeners: ((upTo: number, at: number) => void)[] = [];
  let waiter: { seq: number; resolve: () => void } | null = null;
  hall.on('mirror.changed', (e: { upTo: number }) => {
    const at = performance.now();
    upTo = Math.max(upTo, e.upTo);
    listeners.forEach((fn) => fn(e.upTo, at));
    if (waiter && upTo >= waiter.seq) {
      waiter.resolve();
      waiter = null;
    }
  });
  return {
    hall,
    waitForUpTo: (seq) => (upTo >= seq ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { seq, resolve }))),
    onHallEvent: (fn) => listeners.push(fn),
    async close() {
      hall.disconnect();
      await host.close();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function fullPipeline(total: number, size: number): Promise<number> {
  const emitter = await startEmitter();
  const pipeline = await startPipeline(emitter.url);
  await emitter.run(SENSORS, SENSORS);
  await pipeline.waitForUpTo(SENSORS);
  let lastSeq = 0;
  const started = performance.now();
  await emitter.run(total, size, undefined, (seq) => (lastSeq = seq));
  await pipeline.waitForUpTo(lastSeq);
  const seconds = (performance.now() - started) / 1000;
  await pipeline.close();
  await emitter.close();
  return total / seconds;
}

async function steadyLatency(ratePerSecond: number, seconds: number): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const emitter = await startEmitter();
  const pipeline = await startPipeline(emitter.url);
  await emitter.run(SENSORS, SENSORS);
  await pipeline.waitForUpTo(SENSORS);
  const tickMs = 10;
  const batchSize = (ratePerSecond * tickMs) / 1000; // 20 changes every 10 ms = 2,000/s
  const emitted: { seq: number; at: number }[] = [];
  const latencies: number[] = [];
  let next = 0;
  pipeline.onHallEvent((upTo, at) => {
    while (next < emitted.length && emitted[next]!.seq <= upTo) latencies.push(at - emitted[next++]!.at);
  });
  let lastSeq = 0;
  await emitter.run(ratePerSecond * seconds, batchSize, { batchesPerTick: 1, tickMs }, (seq, at) => {
    emitted.push({ seq, at });
    lastSeq = seq;
  });
  await pipeline.waitForUpTo(lastSeq);
  await pipeline.close();
  await emitter.close();
  const sorted = latencies.sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1)!, n: sorted.length };
}

const plan = [
  { size: 1, total: 3_000 },
  { size: 100, total: 30_000 },
  { size: 1000, total: 60_000 },
];
console.log('District Link benchmark (one process: emitter, console core, web host and hall client share the event loop)');
if (process.env['BENCH_ONLY'] === 'pipeline') {
  // For profiling (node --cpu-prof): the full pipeline at batch 1000 only.
  console.log(`full pipeline batch 1000: ${(await fullPipeline(60_000, 1000)).toFixed(0)} changes/s`);
  process.exit(0);
}
for (const { size, total } of plan) {
  const a = await rawBaseline(total, size);
  const b = await fullPipeline(total, size);
  console.log(
    `batch ${String(size).padStart(4)}: raw socket.io ${a.toFixed(0).padStart(8)} changes/s | full pipeline ${b.toFixed(0).padStart(8)} changes/s | ratio b/a ${(b / a).toFixed(2)}`,
  );
}
const latency = await steadyLatency(2_000, 10);
console.log(
  `steady 2,000 changes/s for 10 s: emit → hall event p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms (${latency.n} batches)`,
);
process.exit(0);
