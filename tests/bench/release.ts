/**
 * `npm run bench:release` — warning release throughput (not a test). Prints two tables:
 *
 * (a) A release to all 75 simulated loudspeaker terminals on loopback, each playing ~1 s
 *     (simulator.terminalSpeed set from the speech's length), BENCH_RELEASE_RUNS runs (default 5)
 *     after one warm-up: time from the commander's approval to the last terminal's confirmation
 *     (from the deliveries' confirmedAt) and to the warning's `completed` event, and the CPU of
 *     the process during it (process.cpuUsage delta ÷ wall time). Two set-ups:
 *       - in-process: demo mode, the terminals are the core's own simulators, so the CPU figure
 *         INCLUDES the 75 simulated terminals;
 *       - separate fleet: the same 75 terminals in a child process (this file with `--fleet`), the
 *         console driving them as config `devices:` — the console's CPU alone, and the fleet's.
 *     Baseline: the terminals' own play time (~1 s); the ratio says what the release adds.
 *
 * (b) SMS throughput to a simulated modem (ModemSimulator on loopback TCP, status report after
 *     200 ms) for 300 contacts of one town: a warning with SMS only, released directly (blue,
 *     internal: no approval). Sent/s and confirmed/s with the modem entry's sendIntervalMs 0 and
 *     with the default 1 000 ms; the throttled run is capped at BENCH_RELEASE_SMS_CAP_S seconds
 *     (default 30) and extrapolated to 300. Baseline: the throttle's ceiling (1 000 / interval).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../../electron/core/core';
import type { CallContext } from '../../electron/core/api/context';
import { parseConfig, type ConfigDevice } from '../../electron/core/config/config';
import { demoVillages, referencePlaces } from '../../electron/core/stations/places-seed';
import { AudioLibrary } from '../../electron/core/warnings/audio';
import { TerminalFleet, terminalSpec } from '../../electron/core/sim/devices/terminal-sim';
import { ModemSimulator } from '../../electron/core/sim/devices/modem-sim';
import type { Delivery, Warning, WarningInput } from '../../shared/contract/warnings';

const RUNS = Number(process.env['BENCH_RELEASE_RUNS'] ?? 5);
const SMS_N = Number(process.env['BENCH_RELEASE_SMS_N'] ?? 300);
const SMS_CAP_S = Number(process.env['BENCH_RELEASE_SMS_CAP_S'] ?? 30);
const PLAY_MS = 1_000;
const TOWN = '441602001000'; // 上城街道
const SELF = fileURLToPath(import.meta.url);

const ctx = (username: string, role: 'admin' | 'commander' | 'operator'): CallContext => ({ user: { username, displayName: username, role, sessionId: `bench-${username}` }, origin: 'bench' });
const OPERATOR = ctx('operator', 'operator');
const COMMANDER = ctx('commander', 'commander');
const ADMIN = ctx('admin', 'admin');

const WARNING: WarningInput = {
  type: 'rainstorm',
  level: 'orange',
  title: '暴雨橙色预警',
  text: '未来3小时将出现50毫米以上强降雨，请低洼地带、河道沿岸人员立即转移。',
  area: { stationCodes: ['441602'] },
  audiences: ['residents'],
  channels: ['speaker'],
  repeat: 1,
};

async function call<T>(core: Core, who: CallContext, method: string, params: unknown = {}): Promise<T> {
  const r = await core.invoke(who, method, params);
  if (!r.ok) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, digits = 0) => n.toFixed(digits);

/** Resolves when the warning leaves `releasing` (the service's own end-of-release event). */
function finished(core: Core, id: string, capMs = 600_000): Promise<Warning['status'] | 'capped'> {
  return new Promise((resolve) => {
    const cap = setTimeout(() => {
      off();
      resolve('capped');
    }, capMs);
    const off = core.events.on('warnings.progress', (p) => {
      if (p.id !== id || p.status === 'releasing') return;
      clearTimeout(cap);
      off();
      resolve(p.status);
    });
  });
}

async function waitOnline(core: Core, count: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const list = await call<{ state: string }[]>(core, ADMIN, 'devices.list');
    if (list.filter((d) => d.state === 'online').length >= count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${count} devices came online`);
}

/** The 75 places of the plan: 7 towns/streets (without the newly created one) and 68 demo villages. */
function planPlaces() {
  const towns = referencePlaces().filter((p) => p.level === 'town' && !p.note);
  const codes = new Set(towns.map((t) => t.code));
  const villages = demoVillages().filter((v) => v.parentCode && codes.has(v.parentCode));
  return [...towns, ...villages];
}

// ---- (a) 75 terminals ------------------------------------------------------------------------

interface ReleaseRun {
  lastConfirmMs: number;
  completedMs: number;
  cpuPercent: number;
  fleetCpuPercent: number | null;
  status: string;
}

interface FleetChild {
  entries: ConfigDevice[];
  cpu(): Promise<number>;
  stop(): void;
}

/** The fleet in a child process; `cpu()` asks it for its own process.cpuUsage (ms). */
async function startFleetChild(speed: number): Promise<FleetChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--fleet', String(speed)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const entries = JSON.parse(await next()) as ConfigDevice[];
  return {
    entries,
    async cpu() {
      child.stdin.write('cpu\n');
      return Number(await next());
    },
    stop: () => child.kill('SIGTERM'),
  };
}

async function fleetMain(speed: number): Promise<void> {
  const fleet = new TerminalFleet(
    planPlaces().map((p) => terminalSpec({ code: p.code, name: `${p.name}大喇叭`, kind: p.level === 'town' ? 'town' : 'village' })),
    { speed },
  );
  await fleet.start();
  console.log(JSON.stringify(fleet.deviceEntries()));
  readline.createInterface({ input: process.stdin }).on('line', () => console.log(String(cpuMs(process.cpuUsage()))));
  process.once('SIGTERM', () => void fleet.close().then(() => process.exit(0)));
}

async function releaseRuns(speed: number, separateFleet: boolean): Promise<ReleaseRun[]> {
  const fleet = separateFleet ? await startFleetChild(speed) : null;
  const config = parseConfig({
    simulator: { devices: !separateFleet, terminalSpeed: speed, deviceTroubleMinutes: 0 },
    devices: fleet?.entries ?? [],
  });
  const core = await createCore({ dataDir: tmpDir('hall-bench-release-'), demo: true, config, startDemoDistrict: null, log: () => undefined });
  const runs: ReleaseRun[] = [];
  try {
    await waitOnline(core, 75);
    for (let i = 0; i <= RUNS; i++) {
      const w = await call<Warning>(core, OPERATOR, 'warnings.create', WARNING);
      await call(core, OPERATOR, 'warnings.submit', { id: w.id });
      const done = finished(core, w.id, 120_000);
      const fleetCpu0 = fleet ? await fleet.cpu() : 0;
      const cpu0 = process.cpuUsage();
      const wall0 = Date.now();
      const t0 = performance.now();
      await call(core, COMMANDER, 'warnings.approve', { id: w.id });
      const status = await done;
      const completedMs = performance.now() - t0;
      const cpu = cpuMs(process.cpuUsage(cpu0));
      const fleetCpu = fleet ? (await fleet.cpu()) - fleetCpu0 : null;
      const deliveries = await call<Delivery[]>(core, OPERATOR, 'warnings.deliveries', { id: w.id });
      if (deliveries.length !== 75) throw new Error(`expected 75 speaker deliveries, got ${deliveries.length}`);
      const lastConfirm = Math.max(...deliveries.map((d) => (d.confirmedAt ? Date.parse(d.confirmedAt) : NaN)));
      const run = { lastConfirmMs: lastConfirm - wall0, completedMs, cpuPercent: (cpu / completedMs) * 100, fleetCpuPercent: fleetCpu === null ? null : (fleetCpu / completedMs) * 100, status };
      if (i > 0) runs.push(run); // run 0 warms up (JIT, connections' first frames)
    }
  } finally {
    await core.closeAsync();
    fleet?.stop();
  }
  return runs;
}

// ---- (b) SMS throughput -----------------------------------------------------------------------

interface SmsRun {
  intervalMs: number;
  capped: boolean;
  elapsedS: number;
  sent: number;
  confirmed: number;
  sentPerS: number;
  confirmedPerS: number;
  allSentS: number;
  cpuPercent: number;
}

async function smsRun(intervalMs: number, capS: number): Promise<SmsRun> {
  const modem = new ModemSimulator({ reportDelayMs: 200 });
  const port = await modem.listenTcp(0);
  const config = parseConfig({
    simulator: { devices: false, deviceTroubleMinutes: 0 },
    warnings: { smsConfirmMinutes: 60 },
    devices: [{ id: 'bench-modem', kind: 'gsm-modem', name: 'bench modem', tcp: { host: '127.0.0.1', port }, sendIntervalMs: intervalMs }],
  });
  // Live mode: no demo contacts, so the warning reaches exactly the bench's own.
  const core = await createCore({ dataDir: tmpDir('hall-bench-sms-'), demo: false, adminPassword: 'bench-admin-password', config, startDemoDistrict: null, log: () => undefined });
  try {
    await waitOnline(core, 1);
    for (let i = 0; i < SMS_N; i++) {
      await call(core, ADMIN, 'contacts.save', { name: `值班员${i}`, phone: `1380762${String(i).padStart(4, '0')}`, stationCode: TOWN, roles: ['duty'] });
    }
    // 【源城区应急】 + title + text stays under 70 UCS-2 characters: one part per person.
    const w = await call<Warning>(core, ADMIN, 'warnings.create', { type: 'rainstorm', level: 'blue', title: '暴雨蓝色预警', text: '请各值班人员到岗值守，做好防御准备。', area: { stationCodes: [TOWN] }, audiences: ['duty'], channels: ['sms'], repeat: 1 });
    const done = finished(core, w.id, capS * 1000);
    const cpu0 = process.cpuUsage();
    const wall0 = Date.now();
    const t0 = performance.now();
    await call(core, ADMIN, 'warnings.release', { id: w.id });
    const status = await done;
    const elapsedMs = performance.now() - t0;
    const cpu = cpuMs(process.cpuUsage(cpu0));
    const deliveries = await call<Delivery[]>(core, ADMIN, 'warnings.deliveries', { id: w.id });
    if (deliveries.length !== SMS_N) throw new Error(`expected ${SMS_N} SMS deliveries, got ${deliveries.length}`);
    const sentAt = deliveries.flatMap((d) => (d.sentAt ? [Date.parse(d.sentAt) - wall0] : []));
    const confirmedAt = deliveries.flatMap((d) => (d.confirmedAt ? [Date.parse(d.confirmedAt) - wall0] : []));
    const capped = status === 'capped';
    // Complete runs: rates over the time to the last one; capped runs: over the cap.
    const sentWindow = capped ? elapsedMs : Math.max(...sentAt);
    const confirmedWindow = capped ? elapsedMs : Math.max(...confirmedAt);
    return {
      intervalMs,
      capped,
      elapsedS: elapsedMs / 1000,
      sent: sentAt.length,
      confirmed: confirmedAt.length,
      sentPerS: sentAt.length / (sentWindow / 1000),
      confirmedPerS: confirmedAt.length / (confirmedWindow / 1000),
      allSentS: capped ? (SMS_N / sentAt.length) * (elapsedMs / 1000) : Math.max(...sentAt) / 1000,
      cpuPercent: (cpu / elapsedMs) * 100,
    };
  } finally {
    await core.closeAsync();
    await modem.close();
  }
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // The speech the terminals will play, to set terminalSpeed so one playback takes ~PLAY_MS.
  const probe = await new AudioLibrary(tmpDir('hall-bench-audio-'), () => undefined).speak('probe', `${WARNING.title}。${WARNING.text}`);
  const speed = Math.min(1000, Math.max(0.1, probe.durationMs / PLAY_MS));
  console.log(`speech (${probe.source}) ${fmt(probe.durationMs)} ms → terminalSpeed ${fmt(speed, 2)} (≈${PLAY_MS} ms playback); ${os.cpus().length} CPUs, Node ${process.version}`);

  console.log(`\n(a) release to 75 terminals, approval → all confirmed, ${RUNS} runs after a warm-up`);
  const header = `${'set-up'.padEnd(16)}${'run'.padStart(4)}${'last confirm ms'.padStart(17)}${'completed ms'.padStart(14)}${'÷ play'.padStart(8)}${'console CPU %'.padStart(15)}${'fleet CPU %'.padStart(13)}  status`;
  console.log(header);
  const summary: string[] = [];
  for (const separate of [false, true]) {
    const label = separate ? 'separate fleet' : 'in-process sims';
    const runs = await releaseRuns(speed, separate);
    runs.forEach((r, i) =>
      console.log(
        `${label.padEnd(16)}${String(i + 1).padStart(4)}${fmt(r.lastConfirmMs).padStart(17)}${fmt(r.completedMs).padStart(14)}${fmt(r.lastConfirmMs / PLAY_MS, 2).padStart(8)}${fmt(r.cpuPercent, 1).padStart(15)}${(r.fleetCpuPercent === null ? '(incl.)' : fmt(r.fleetCpuPercent, 1)).padStart(13)}  ${r.status}`,
      ),
    );
    const p50 = (f: (r: ReleaseRun) => number) => median(runs.map(f));
    summary.push(
      `${label.padEnd(16)}${'p50'.padStart(4)}${fmt(p50((r) => r.lastConfirmMs)).padStart(17)}${fmt(p50((r) => r.completedMs)).padStart(14)}${fmt(p50((r) => r.lastConfirmMs) / PLAY_MS, 2).padStart(8)}${fmt(p50((r) => r.cpuPercent), 1).padStart(15)}${(separate ? fmt(p50((r) => r.fleetCpuPercent ?? 0), 1) : '(incl.)').padStart(13)}`,
    );
  }
  for (const s of summary) console.log(s);
  console.log('"completed" includes the service\'s 200 ms progress coalescing; "in-process" CPU includes the 75 simulated terminals.');

  console.log(`\n(b) SMS to ${SMS_N} contacts through one simulated modem (1 part each, status report after 200 ms)`);
  console.log(`${'sendIntervalMs'.padStart(14)}${'window s'.padStart(10)}${'sent'.padStart(6)}${'confirmed'.padStart(11)}${'sent/s'.padStart(8)}${'confirmed/s'.padStart(13)}${'ceiling/s'.padStart(11)}${`all ${SMS_N} sent s`.padStart(17)}${'CPU %'.padStart(8)}`);
  for (const [interval, cap] of [[0, 600], [1_000, SMS_CAP_S]] as const) {
    const r = await smsRun(interval, cap);
    console.log(
      `${String(interval).padStart(14)}${fmt(r.elapsedS, 1).padStart(10)}${String(r.sent).padStart(6)}${String(r.confirmed).padStart(11)}${fmt(r.sentPerS, 1).padStart(8)}${fmt(r.confirmedPerS, 1).padStart(13)}${(interval === 0 ? '—' : fmt(1000 / interval, 1)).padStart(11)}${`${fmt(r.allSentS, 1)}${r.capped ? ' (extrap.)' : ''}`.padStart(17)}${fmt(r.cpuPercent, 1).padStart(8)}`,
    );
  }
  console.log(`The throttled run stops after ${SMS_CAP_S} s; its "all sent" time is extrapolated linearly from the rate in that window.`);
}

if (process.argv[2] === '--fleet') {
  void fleetMain(Number(process.argv[3] ?? 1));
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
