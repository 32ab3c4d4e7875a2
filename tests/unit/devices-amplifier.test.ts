/**
 * amplifier-zones: the Modbus codec against known values, then the driver against an independent
 * slave (python3-pymodbus) over Modbus TCP on loopback and over RTU through a socat pty pair, with
 * every switch checked by reading the coils with mbpoll (another independent master). Our own
 * simulator is proven against mbpoll too, then used for the faults: exceptions named in the
 * error, a stuck relay caught by the read-back, garbage on the line, slow and offline units.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigDevice } from '../../electron/core/config/config';
import { HallError } from '../../electron/core/api/errors';
import { createAmplifier, type AmplifierEntry } from '../../electron/core/devices/amplifier-zones';
import type { AmplifierDriver } from '../../electron/core/devices/driver';
import type { DeviceState } from '../../electron/core/devices/device-link';
import {
  crc16Modbus,
  decodeResponsePdu,
  encodeMbap,
  encodeRequestPdu,
  encodeRtu,
  findRtuResponse,
  packBits,
  splitMbap,
  unpackBits,
} from '../../electron/core/devices/modbus';
import { AmplifierSimulator } from '../../electron/core/sim/devices/modbus-sim';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');
const bytes = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const FIXTURE = path.join(__dirname, '../fixtures/modbus-server.py');
const STATIONS = ['441602001000', '441602002000', '441602003000', '441602004000', '441602005000'];

// ---- tools ----

function requireTool(cmd: string, args: string[], pkg: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${cmd} is required for these tests: apt-get install ${pkg} (${r.error?.message ?? r.stderr})`);
}
const requirePymodbus = () => requireTool('/usr/bin/python3', ['-c', 'import pymodbus.server'], 'python3-pymodbus');
const requireMbpoll = () => requireTool('mbpoll', ['-V'], 'mbpoll');
const requireSocat = () => requireTool('socat', ['-V'], 'socat');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function killOnCleanup(proc: ChildProcess): void {
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill();
      }),
  );
}

/** Starts the pymodbus slave; resolves with the TCP port (tcp mode) once it printed "ready". */
function startPymodbus(args: string[]): Promise<number> {
  const proc = spawn('/usr/bin/python3', [FIXTURE, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  killOnCleanup(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    const guard = setTimeout(() => reject(new Error(`pymodbus server did not say ready within 8 s:\n${out}`)), 8_000);
    proc.once('error', (e) => reject(e));
    proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ready ?(\d*)\n/.exec(out);
      if (m) {
        clearTimeout(guard);
        resolve(Number(m[1] || 0));
      }
    });
  });
}

function startSocat(a: string, b: string): Promise<ChildProcess> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  killOnCleanup(proc);
  return new Promise((resolve, reject) => {
    let err = '';
    const guard = setTimeout(() => reject(new Error(`socat did not start within 5 s:\n${err}`)), 5_000);
    proc.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      if (/starting data transfer loop/.test(err)) {
        clearTimeout(guard);
        resolve(proc);
      }
    });
  });
}

function ptyPaths(): [string, string] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-modbus-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return [path.join(dir, 'ttySlave'), path.join(dir, 'ttyMaster')];
}

/**
 * mbpoll with 0-based (PDU) coil addresses; reads give coil → value. Asynchronous: our simulator
 * answers from this very event loop, which spawnSync would block.
 */
async function mbpoll(target: string[], ref: number, count: number, write?: number[]): Promise<Map<number, boolean>> {
  const what = write ? write.map(String) : ['-c', String(count)]; // mbpoll refuses -c with values
  const proc = spawn('mbpoll', [...target, '-0', '-t', '0', '-r', String(ref), '-1', ...what], { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnCleanup(proc);
  let stdout = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const status = await new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  if (status !== 0) throw new Error(`mbpoll failed (${status}): ${stdout}`);
  if (write) expect(stdout).toMatch(new RegExp(`Written ${write.length} references`));
  return new Map([...stdout.matchAll(/^\[(\d+)\]:\s+([01])$/gm)].map((m) => [Number(m[1]), m[2] === '1']));
}
const mbTcp = (port: number) => ['-m', 'tcp', '-p', String(port), '127.0.0.1'];

function entry(transport: object, coils = [2, 3, 4, 6, 7]): AmplifierEntry {
  return ConfigDevice.parse({
    id: 'amp-1',
    kind: 'amplifier-zones',
    name: '大厅功放',
    ...transport,
    unitId: 1,
    powerCoil: 0,
    zones: coils.map((coil, i) => ({ stationCode: STATIONS[i], coil, name: `zone ${i + 1}` })),
  }) as AmplifierEntry;
}

function driverFor(e: AmplifierEntry, extra: Parameters<typeof createAmplifier>[1] = {}): AmplifierDriver {
  const driver = createAmplifier(e, { reconnectMinMs: 50, reconnectMaxMs: 300, requestTimeoutMs: 500, ...extra });
  cleanups.push(() => driver.close());
  driver.start();
  return driver;
}

/** Resolves on the health event that reaches `state` (or at once if already there). */
function health(driver: AmplifierDriver, state: DeviceState, ms = 8_000): Promise<string | null> {
  if (driver.health().state === state) return Promise.resolve(driver.health().reason);
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`${driver.id} not ${state} within ${ms} ms: ${JSON.stringify(driver.health())}`)), ms);
    const off = driver.onHealth((h) => {
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

// ---- codec ----

describe('Modbus codec', () => {
  it('computes CRC-16/MODBUS and appends it low byte first', () => {
    expect(crc16Modbus(bytes('01 03 00 00 00 01'))).toBe(0x0a84);
    expect(hex(encodeRtu(1, bytes('03 00 00 00 01')))).toBe('01 03 00 00 00 01 84 0a');
    // The read-coils example of the Modbus over serial line spec: slave 0x11, coils 20–56.
    expect(hex(encodeRtu(0x11, encodeRequestPdu({ fn: 1, address: 0x13, count: 0x25 })))).toBe('11 01 00 13 00 25 0e 84');
    expect(crc16Modbus(Buffer.alloc(0))).toBe(0xffff);
  });

  it('encodes the three coil functions and MBAP headers', () => {
    expect(hex(encodeRequestPdu({ fn: 5, address: 0xac, value: true }))).toBe('05 00 ac ff 00');
    expect(hex(encodeRequestPdu({ fn: 5, address: 1, value: false }))).toBe('05 00 01 00 00');
    expect(hex(encodeRequestPdu({ fn: 15, address: 0x13, values: [1, 0, 1, 1, 0, 0, 1, 1, 1, 0].map(Boolean) }))).toBe('0f 00 13 00 0a 02 cd 01');
    expect(hex(encodeMbap(0x1234, 7, bytes('01 00 00 00 08')))).toBe('12 34 00 00 00 06 07 01 00 00 00 08');
    expect(() => encodeRequestPdu({ fn: 1, address: 0, count: 2001 })).toThrow(/2001 coils/);
    expect(unpackBits(packBits([true, false, true, true, false, false, true, true, true]), 9)).toEqual([true, false, true, true, false, false, true, true, true]);
  });

  it('decodes answers and names exceptions', () => {
    const read = { fn: 1, address: 0x13, count: 10 } as const;
    expect(decodeResponsePdu(bytes('01 02 cd 01'), read)).toEqual({ fn: 1, bits: [1, 0, 1, 1, 0, 0, 1, 1, 1, 0].map(Boolean) });
    expect(decodeResponsePdu(bytes('81 02'), read)).toEqual({ fn: 1, exception: 2, name: 'illegal data address' });
    const write = { fn: 5, address: 3, value: true } as const;
    expect(decodeResponsePdu(bytes('85 04'), write)).toMatchObject({ exception: 4, name: 'slave device failure' });
    expect(decodeResponsePdu(bytes('85 06'), write)).toMatchObject({ name: 'slave device busy' });
    expect(decodeResponsePdu(bytes('85 01'), write)).toMatchObject({ name: 'illegal function' });
    expect(decodeResponsePdu(bytes('85 03'), write)).toMatchObject({ name: 'illegal data value' });
    expect(() => decodeResponsePdu(bytes('05 00 04 ff 00'), write)).toThrow(/coil 4/);
    expect(() => decodeResponsePdu(bytes('01 01 00'), write)).toThrow(/does not answer/);
  });

  it('finds an RTU answer after garbage, waits for a partial one, skips a bad CRC', () => {
    const req = { fn: 1, address: 0, count: 8 } as const;
    const good = encodeRtu(1, bytes('01 01 a5'));
    const exception = encodeRtu(1, bytes('81 02'));
    const bad = Buffer.from(good);
    bad[3] = bad[3]! ^ 0xff;
    const found = findRtuResponse(Buffer.concat([bytes('00 ff 01 07 01'), bad, good]), 1, req);
    expect(found.pdu && hex(found.pdu)).toBe('01 01 a5');
    expect(found.dropped).toBe(5 + bad.length);
    expect(findRtuResponse(good.subarray(0, 4), 1, req)).toEqual({ pdu: null, consumed: 0, dropped: 0 });
    expect(findRtuResponse(Buffer.concat([bytes('13 37'), exception]), 1, req).pdu).toEqual(bytes('81 02'));
    expect(findRtuResponse(bytes('02 05 07 a5 00 00'), 1, req)).toMatchObject({ pdu: null, dropped: 6 });
  });

  it('splits MBAP frames across chunks and rejects a header that is not Modbus', () => {
    const a = encodeMbap(1, 1, bytes('01 01 05'));
    const b = encodeMbap(2, 1, bytes('05 00 01 ff 00'));
    const all = Buffer.concat([a, b]);
    const first = splitMbap(all.subarray(0, a.length + 3));
    expect(first.frames.map((f) => f.transactionId)).toEqual([1]);
    expect(splitMbap(Buffer.concat([first.rest, all.subarray(a.length + 3)])).frames[0]).toMatchObject({ transactionId: 2, unitId: 1 });
    expect(splitMbap(Buffer.from('HTTP/1.1 200 OK\r\n')).bad).toBe(true);
  });
});

// ---- against python3-pymodbus ----

describe('amplifier driver against python3-pymodbus', () => {
  it('switches power and zones over Modbus TCP, read back and confirmed by mbpoll', async () => {
    requirePymodbus();
    requireMbpoll();
    const port = await startPymodbus(['tcp', '16']);
    const amp = driverFor(entry({ tcp: { host: '127.0.0.1', port } }));
    await health(amp, 'online');
    expect(await amp.probe()).toBe('power off, 0/5 zones on');

    await amp.setPower(true);
    await amp.setZones([STATIONS[0]!, STATIONS[1]!, STATIONS[3]!], true); // coils 2,3 (one 0x0F) and 6
    const seen = await mbpoll(mbTcp(port), 0, 8);
    expect([...seen.values()]).toEqual([true, false, true, true, false, false, true, false]);
    expect(await amp.probe()).toBe('power on, 3/5 zones on');

    await mbpoll(mbTcp(port), 6, 1, [0]); // someone switches zone 4 off behind our back
    expect(await amp.readState()).toEqual({ power: true, zones: { [STATIONS[0]!]: true, [STATIONS[1]!]: true, [STATIONS[2]!]: false, [STATIONS[3]!]: false, [STATIONS[4]!]: false } });
    await amp.setZones([STATIONS[1]!], false);
    await amp.setPower(false);
    expect([...(await mbpoll(mbTcp(port), 0, 4)).values()]).toEqual([false, false, true, false]);
    await expect(amp.setZones(['441602999000'], true)).rejects.toThrow(/no zone for station 441602999000/);
  });

  it('names the exception a real slave answers for a coil it does not have', async () => {
    requirePymodbus();
    const port = await startPymodbus(['tcp', '8']);
    const far = driverFor(entry({ tcp: { host: '127.0.0.1', port } }, [2, 40]));
    expect(await health(far, 'fault')).toMatch(/exception 2 \(illegal data address\)/);
    const err = await rejection(far.setZones([STATIONS[1]!], true));
    expect(err.message).toMatch(/amplifier-zones amp-1: write coil 40 on: exception 2 \(illegal data address\)/);
    expect(err.details).toMatchObject({ code: 2, deviceReason: 'illegal data address' });
  });

  it('speaks Modbus RTU through a socat pty pair', async () => {
    requirePymodbus();
    requireSocat();
    requireMbpoll();
    const [slave, master] = ptyPaths();
    await startSocat(slave, master);
    await startPymodbus(['rtu', slave, '16']);
    const amp = driverFor(entry({ serial: { path: master, baudRate: 9600 } }));
    await health(amp, 'online');
    await amp.setPower(true);
    await amp.setZones([STATIONS[2]!, STATIONS[3]!, STATIONS[4]!], true);
    expect(await amp.probe()).toBe('power on, 3/5 zones on');
    await amp.close(); // free the pty for mbpoll, the independent reader
    const seen = await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', master], 0, 8);
    expect([...seen.values()]).toEqual([true, false, false, false, true, false, true, true]);
  });
});

// ---- our simulator ----

/** Two connected in-memory streams: what one writes the other reads. */
function duplexPair(): [Duplex, Duplex] {
  const make = (): Duplex & { peer?: Duplex } =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        (this as Duplex & { peer?: Duplex }).peer!.push(chunk);
        done();
      },
    });
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

describe('AmplifierSimulator', () => {
  it('answers mbpoll over Modbus TCP and over RTU on a pty, and records writes', async () => {
    requireMbpoll();
    requireSocat();
    const sim = new AmplifierSimulator({ coils: 10 });
    cleanups.push(() => sim.close());
    const port = await sim.listenTcp();
    await mbpoll(mbTcp(port), 3, 1, [1]);
    await mbpoll(mbTcp(port), 5, 3, [1, 0, 1]);
    expect(sim.coils.slice(0, 8)).toEqual([false, false, false, true, false, true, false, true]);
    expect(sim.writes.map((w) => [w.via, w.address, w.values])).toEqual([['tcp', 3, [true]], ['tcp', 5, [true, false, true]]]);
    sim.setCoil(0, true);
    expect([...(await mbpoll(mbTcp(port), 0, 4)).values()]).toEqual([true, false, false, true]);
    sim.setMode('refuse');
    await expect(mbpoll(mbTcp(port), 0, 1)).rejects.toThrow(/Illegal data address/i);
    sim.setMode('normal');
    await expect(mbpoll(mbTcp(port), 8, 4)).rejects.toThrow(/Illegal data address/i); // past coil 9

    const [slave, master] = ptyPaths();
    await startSocat(slave, master);
    await sim.openPty(slave);
    await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', master], 9, 1, [1]);
    expect(sim.writes.at(-1)).toMatchObject({ via: 'rtu', address: 9, values: [true] });
    expect([...(await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', master], 7, 3)).values()]).toEqual([true, false, true]);
  });

  it('faults, refusals and a stuck relay reach the driver by name; offline and back reconnects', async () => {
    const sim = new AmplifierSimulator({ coils: 16, slowMs: 1_500 });
    cleanups.push(() => sim.close());
    const port = await sim.listenTcp();
    const amp = driverFor(entry({ tcp: { host: '127.0.0.1', port } }), { requestTimeoutMs: 300 });
    await health(amp, 'online');

    sim.setMode('fault');
    const fault = await rejection(amp.setPower(true));
    expect(fault.message).toMatch(/write coil 0 on: exception 4 \(slave device failure\)/);
    expect(fault.details).toMatchObject({ code: 4 });
    expect(amp.health()).toMatchObject({ state: 'fault', reason: 'exception 4 (slave device failure)' });

    sim.setMode('refuse');
    expect((await rejection(amp.readState())).message).toMatch(/exception 2 \(illegal data address\)/);

    sim.setMode('stuck', { coil: 3 });
    const stuck = await rejection(amp.setZones([STATIONS[0]!, STATIONS[1]!], true));
    expect(stuck.message).toBe('amplifier-zones amp-1: read-back mismatch: zone "zone 2" (station 441602002000, coil 3) reads off after writing on');
    expect(stuck.details).toMatchObject({ deviceReason: 'read-back mismatch', coils: [3] });
    expect(sim.coils[2]).toBe(true);
    expect(amp.health().state).toBe('online'); // the unit answered: the relay is the problem

    sim.setMode('slow');
    const slow = await rejection(amp.readState());
    expect(slow.message).toMatch(/no valid answer to read coils 0–7 within 300 ms/);
    await health(amp, 'offline');
    sim.setMode('normal');
    await health(amp, 'online');

    sim.setMode('offline');
    expect(await health(amp, 'offline')).toMatch(/closed/);
    await expect(amp.setPower(true)).rejects.toThrow(/offline/);
    sim.setMode('normal');
    await health(amp, 'online');
    await amp.setPower(true);
    expect(sim.coils[0]).toBe(true);
  });

  it('retries a request the unit did not hear, once', async () => {
    const sim = new AmplifierSimulator({ coils: 16 });
    cleanups.push(() => sim.close());
    let swallow = 0;
    const amp = driverFor(entry({ serial: { path: '/dev/null-modbus', baudRate: 9600 } }), {
      requestTimeoutMs: 150,
      opener: () => {
        // ours ⇄ theirs is the RS-485 line; a request can be lost on it before it reaches the unit.
        const [ours, theirs] = duplexPair();
        const [unit, bridge] = duplexPair();
        theirs.on('data', (c: Buffer) => (swallow > 0 ? swallow-- : bridge.write(c)));
        bridge.on('data', (c: Buffer) => theirs.write(c));
        sim.attach(unit);
        return Promise.resolve(ours);
      },
    });
    await health(amp, 'online');
    const before = sim.requests;
    swallow = 1;
    await amp.setPower(true); // the write is lost once, retried, then read back
    expect(sim.coils[0]).toBe(true);
    expect(sim.requests - before).toBe(2);
    swallow = 2;
    expect((await rejection(amp.readState())).message).toMatch(/no valid answer to read coils 0–7 within 150 ms \(2 attempts\)/);
    await health(amp, 'offline');
    await health(amp, 'online');
  });

  it('resynchronises after garbage on an RTU line, and drops a line that only gives garbage', async () => {
    const sim = new AmplifierSimulator({ coils: 16 });
    cleanups.push(() => sim.close());
    let noisy = true;
    const amp = driverFor(entry({ serial: { path: '/dev/null-modbus', baudRate: 9600 } }), {
      requestTimeoutMs: 200,
      opener: () => {
        const [ours, theirs] = duplexPair();
        // Noise reaches the master before every answer (registered before the simulator).
        theirs.on('data', () => noisy && theirs.write(bytes('00 01 ff 01 05 13')));
        sim.attach(theirs);
        return Promise.resolve(ours);
      },
    });
    await health(amp, 'online');
    await amp.setZones(STATIONS, true);
    expect(await amp.probe()).toBe('power off, 5/5 zones on');

    sim.setMode('offline'); // the unit is silent; only the noise answers
    const e = await rejection(amp.readState());
    expect(e.message).toMatch(/garbage on the line/);
    expect(await health(amp, 'offline')).toMatch(/garbage on the line/);
    noisy = false;
    sim.setMode('normal');
    await health(amp, 'online');
    expect(await amp.probe()).toBe('power off, 5/5 zones on');
  });
});
