/**
 * radio: the rigctld answer parser, then the driver against the real Hamlib `rigctld -m 1` (the
 * dummy rig, with `-P RIG` so PTT is the rig's own) on a free loopback port. PTT is watched from a
 * second, raw connection to rigctld during a transmission; rigctld is killed and restarted to see
 * the driver go offline and come back. Then the same driver against our RadioSimulator, which must
 * answer the same way, and the simulator's fault modes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigDevice } from '../../electron/core/config/config';
import { HallError } from '../../electron/core/api/errors';
import type { DeviceState } from '../../electron/core/devices/device-link';
import type { RadioDriver } from '../../electron/core/devices/driver';
import { createRadio, hamlibErrorName, parseRigAnswer, type RadioEntry } from '../../electron/core/devices/radio';
import { RadioSimulator } from '../../electron/core/sim/devices/radio-sim';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function requireRigctld(): void {
  const r = spawnSync('rigctld', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`rigctld is required for the radio tests: apt-get install libhamlib-utils (${r.error?.message ?? r.stderr})`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A line-per-answer client: the independent observer next to the driver. */
class RawRig {
  private buffer = '';
  private waiting: ((line: string) => void)[] = [];
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      this.buffer += c.toString();
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
  }
  static connect(port: number): Promise<RawRig> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawRig(socket)));
      socket.once('error', reject);
      cleanups.push(() => void socket.destroy());
    });
  }
  /** Sends `cmd`, resolves with the next `lines` lines joined. */
  async ask(cmd: string, lines = 1): Promise<string> {
    const got: Promise<string>[] = Array.from({ length: lines }, () => new Promise<string>((r) => this.waiting.push(r)));
    this.socket.write(`${cmd}\n`);
    return (await Promise.all(got)).join('\n');
  }
}

/** Starts rigctld on `port` and resolves once it accepts a connection (polled, not slept). */
async function startRigctld(port: number, ptt = true): Promise<ChildProcess> {
  const proc = spawn('rigctld', ['-m', '1', ...(ptt ? ['-P', 'RIG'] : []), '-T', '127.0.0.1', '-t', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill();
    await exited;
  });
  await until(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
    `rigctld listening on ${port}`,
  );
  return proc;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const CHANNELS = [
  { name: '应急1', frequencyHz: 438_500_000 },
  { name: 'VHF-2', frequencyHz: 150_250_000 },
];
function radioFor(port: number, extra: Parameters<typeof createRadio>[1] = {}): RadioDriver {
  const entry = ConfigDevice.parse({ id: 'radio-1', kind: 'radio', name: '应急电台', tcp: { host: '127.0.0.1', port }, channels: CHANNELS }) as RadioEntry;
  const radio = createRadio(entry, { reconnectMinMs: 50, reconnectMaxMs: 300, requestTimeoutMs: 1_000, ...extra });
  cleanups.push(() => radio.close());
  radio.start();
  return radio;
}

function health(radio: RadioDriver, state: DeviceState, ms = 8_000): Promise<string | null> {
  if (radio.health().state === state) return Promise.resolve(radio.health().reason);
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`radio not ${state} within ${ms} ms: ${JSON.stringify(radio.health())}`)), ms);
    const off = radio.onHealth((h) => {
      if (h.state !== state) return;
      clearTimeout(guard);
      off();
      resolve(h.reason);
    });
  });
}

async function rejection(p: Promise<unknown>): Promise<HallError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(HallError);
  return e as HallError;
}

/** The checks both peers must pass: frequency, a 300 ms transmission watched from outside, abort. */
async function exerciseRadio(radio: RadioDriver, observer: RawRig, isKeyed: () => Promise<boolean>): Promise<void> {
  await radio.setFrequency(145_500_000);
  expect(await radio.getFrequency()).toBe(145_500_000);
  expect(await observer.ask('f')).toBe('145500000');
  expect(await radio.probe()).toBe('145.500 MHz, PTT off');

  const seen: boolean[] = [];
  const started = Date.now();
  let done = false;
  const transmission = radio.transmit({ channel: '应急1', durationMs: 300 }).finally(() => (done = true));
  await until(async () => {
    seen.push(await isKeyed());
    return seen.at(-1)! || done;
  }, 'PTT keyed');
  expect(seen.at(-1)).toBe(true);
  await transmission;
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  expect(await isKeyed()).toBe(false);
  expect(await observer.ask('f')).toBe('438500000');

  const abort = new AbortController();
  const long = radio.transmit({ frequencyHz: 150_250_000, durationMs: 60_000, signal: abort.signal });
  await until(isKeyed, 'PTT keyed for the long transmission');
  await expect(radio.transmit({ channel: 'VHF-2', durationMs: 10 })).rejects.toThrow(/already transmitting/);
  abort.abort();
  const e = await rejection(long);
  expect(e.message).toMatch(/transmission aborted/);
  expect(e.details).toMatchObject({ deviceReason: 'aborted' });
  expect(await isKeyed()).toBe(false);
  expect(await radio.probe()).toBe('150.250 MHz, PTT off');

  await expect(radio.transmit({ channel: '不存在', durationMs: 10 })).rejects.toThrow(/no channel "不存在"/);
  const pre = new AbortController();
  pre.abort();
  await expect(radio.transmit({ channel: 'VHF-2', durationMs: 10, signal: pre.signal })).rejects.toThrow(/aborted before keying/);
}

describe('rigctld answers', () => {
  it('parses plain and extended answers and names Hamlib errors', () => {
    expect(parseRigAnswer(['145500000'], 'get')).toEqual({ used: 1, value: '145500000', rprt: null });
    expect(parseRigAnswer(['get_freq:', 'Frequency: 145500000'], 'get')).toBeNull(); // waits for RPRT
    expect(parseRigAnswer(['get_freq:', 'Frequency: 145500000', 'RPRT 0', '1'], 'get')).toEqual({ used: 3, value: '145500000', rprt: 0 });
    expect(parseRigAnswer(['get_ptt:', 'PTT: 1', 'RPRT 0'], 'get')).toMatchObject({ value: '1', rprt: 0 });
    expect(parseRigAnswer(['RPRT -11'], 'get')).toEqual({ used: 1, value: null, rprt: -11 });
    expect(parseRigAnswer(['set_ptt: 1'], 'set')).toBeNull();
    expect(parseRigAnswer(['set_ptt: 1', 'RPRT 0'], 'set')).toEqual({ used: 2, value: null, rprt: 0 });
    expect(parseRigAnswer(['RPRT -9'], 'set')).toMatchObject({ rprt: -9 });
    expect([hamlibErrorName(-11), hamlibErrorName(-9), hamlibErrorName(-6), hamlibErrorName(-99)]).toEqual([
      'function not available',
      'command rejected by the rig',
      'I/O error',
      'unknown Hamlib error -99',
    ]);
  });
});

describe('radio driver against rigctld -m 1', () => {
  it('sets and reads the frequency, holds PTT for a transmission, releases it on abort', async () => {
    requireRigctld();
    const port = await freePort();
    await startRigctld(port);
    const radio = radioFor(port);
    await health(radio, 'online');
    const observer = await RawRig.connect(port);
    await exerciseRadio(radio, observer, async () => (await observer.ask('t')) === '1');
    // Extended answers are understood too: what rigctld says for "+f" is what the parser reads.
    expect(await observer.ask('+f', 3)).toBe('get_freq:\nFrequency: 150250000\nRPRT 0');
  });

  it('goes offline when rigctld is killed and comes back when it is restarted', async () => {
    requireRigctld();
    const port = await freePort();
    const first = await startRigctld(port);
    const radio = radioFor(port);
    await health(radio, 'online');
    // Killed in the middle of a transmission: the hold ends at once and the release failure says so.
    const transmission = rejection(radio.transmit({ channel: 'VHF-2', durationMs: 60_000 }));
    const observer = await RawRig.connect(port);
    await until(async () => (await observer.ask('t')) === '1', 'PTT keyed');
    first.kill();
    const e = await transmission;
    expect(e.message).toMatch(/^radio radio-1: could not release PTT \(it may still be keyed\): /);
    expect(e.details).toMatchObject({ deviceReason: 'ptt release failed', cause: expect.stringMatching(/connection lost while transmitting/) as string });
    expect(await health(radio, 'offline')).toMatch(/closed|ECONNRESET|ECONNREFUSED/);
    await expect(radio.getFrequency()).rejects.toThrow(/radio radio-1 is offline/);
    await startRigctld(port);
    await health(radio, 'online');
    expect(await radio.probe()).toMatch(/ MHz, PTT off$/);
  });

  it('reports a rig without PTT control as a fault naming the Hamlib error', async () => {
    requireRigctld();
    const port = await freePort();
    await startRigctld(port, false);
    const radio = radioFor(port);
    expect(await health(radio, 'fault')).toBe('"t" answered RPRT -11 (function not available)');
    // Keying fails (the dummy rig answers RPRT -1), and so does the release that always follows.
    const e = await rejection(radio.transmit({ channel: 'VHF-2', durationMs: 10 }));
    expect(e.message).toBe('radio radio-1: could not release PTT (it may still be keyed): radio radio-1: "T 0" answered RPRT -1 (invalid parameter)');
    expect(e.details).toMatchObject({ code: -1, cause: 'radio radio-1: "T 1" answered RPRT -1 (invalid parameter)' });
  });
});

describe('RadioSimulator', () => {
  it('answers the driver like rigctld does and logs every PTT interval', async () => {
    const sim = new RadioSimulator({ frequencyHz: 145_000_000 });
    cleanups.push(() => sim.close());
    const port = await sim.listen();
    const radio = radioFor(port);
    await health(radio, 'online');
    const observer = await RawRig.connect(port);
    await exerciseRadio(radio, observer, async () => (await observer.ask('t')) === '1');
    expect(await observer.ask('+f', 3)).toBe('get_freq:\nFrequency: 150250000\nRPRT 0');
    expect(await observer.ask('\\get_ptt')).toBe('0');

    expect(sim.pttLog.map((p) => p.frequencyHz)).toEqual([438_500_000, 150_250_000]);
    const first = sim.pttLog[0]!;
    expect(Date.parse(first.end!) - Date.parse(first.start)).toBeGreaterThanOrEqual(290);
    expect(sim.pttLog.every((p) => p.end !== null)).toBe(true);
    expect(sim.ptt).toBe(false);
  });

  it('fault, refuse, slow and offline reach the driver and it recovers from each', async () => {
    const sim = new RadioSimulator({ slowMs: 1_000 });
    cleanups.push(() => sim.close());
    const port = await sim.listen();
    const radio = radioFor(port, { requestTimeoutMs: 300 });
    await health(radio, 'online');

    sim.setMode('fault');
    const fault = await rejection(radio.getFrequency());
    expect(fault.message).toBe('radio radio-1: "f" answered RPRT -6 (I/O error)');
    expect(fault.details).toEqual({ deviceReason: 'I/O error', code: -6 });
    expect(radio.health().state).toBe('fault');

    sim.setMode('refuse');
    expect((await rejection(radio.setFrequency(150_000_000))).message).toMatch(/"F 150000000" answered RPRT -9 \(command rejected by the rig\)/);
    await expect(radio.transmit({ channel: 'VHF-2', durationMs: 10 })).rejects.toThrow(/RPRT -9/);
    expect(sim.ptt).toBe(false);

    sim.setMode('normal');
    expect(await radio.probe()).toBe('145.000 MHz, PTT off');
    expect(radio.health().state).toBe('online');

    sim.setMode('slow');
    expect((await rejection(radio.getFrequency())).message).toBe('radio radio-1: no answer to "f" within 300 ms');
    await health(radio, 'offline');
    sim.setMode('normal');
    await health(radio, 'online');

    sim.setMode('offline');
    await health(radio, 'offline');
    sim.setMode('normal');
    await health(radio, 'online');
    await radio.transmit({ frequencyHz: 145_250_000, durationMs: 20 });
    expect(sim.pttLog.at(-1)).toMatchObject({ frequencyHz: 145_250_000, end: expect.any(String) as string });
  });
});
