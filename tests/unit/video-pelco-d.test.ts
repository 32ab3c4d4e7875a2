/**
 * Pelco-D (and Pelco-P) frames against the public vectors in /work/shared/vectors/ptz (read in
 * place), then the serial PTZ driver on a real pty pair made by socat: exact frames on the wire,
 * the safety stop, presets, a line that disappears (socat killed: a clear error, reconnect
 * attempts, no crash) and comes back (a new socat on the same paths: frames flow again).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodePelcoD,
  decodePelcoP,
  pelcoDAction,
  pelcoDPreset,
  pelcoPAction,
  pelcoSpeed,
  splitPelcoD,
} from '../../electron/core/video/pelco-d';
import { SerialPtz, type LineStatus } from '../../electron/core/video/serial-ptz';
import { setUpVideo } from '../../electron/core/video';
import { HallError } from '../../electron/core/api/errors';
import type { Registry } from '../../electron/core/api/registry';
import { parseConfig, videoSettings } from '../../electron/core/config/config';
import type { CamerasRepo } from '../../electron/core/mirror/cameras';
import type { StationsRepo } from '../../electron/core/stations/stations-repo';
import type { Camera, PtzAction } from '../../shared/contract';

const VECTORS = '/work/shared/vectors/ptz/ptz_vectors.json';

interface Vector {
  bytes_hex: string;
  meaning: Record<string, unknown> & { action: string };
  expect_valid: boolean;
}
const vectors = JSON.parse(fs.readFileSync(VECTORS, 'utf8')) as { pelco_d: Vector[]; pelco_p: Vector[] };
const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const hex = (b: Buffer) => b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');

/** Vector action → what the decoder must say and, for API actions, the frame the encoder must make. */
const STANDARD: Record<string, { expect: Record<string, unknown>; api?: PtzAction }> = {
  'tilt up': { expect: { tilt: 'up', pan: null }, api: 'up' },
  'tilt down': { expect: { tilt: 'down', pan: null }, api: 'down' },
  'pan left': { expect: { pan: 'left', tilt: null }, api: 'left' },
  'pan right': { expect: { pan: 'right', tilt: null }, api: 'right' },
  stop: { expect: { stop: true, pan: null, tilt: null, zoom: null, focus: null }, api: 'stop' },
  'iris open': { expect: { iris: 'open' } },
  'iris close': { expect: { iris: 'close' } },
  'focus near': { expect: { focus: 'near' }, api: 'focusnear' },
  'focus far': { expect: { focus: 'far' }, api: 'focusfar' },
  'zoom in (tele)': { expect: { zoom: 'in' }, api: 'zoomin' },
  'zoom out (wide)': { expect: { zoom: 'out' }, api: 'zoomout' },
};
const EXTENDED: Record<string, string | null> = {
  'set aux': 'set aux',
  'clear aux': 'clear aux',
  'set preset': 'set preset',
  'goto preset': 'goto preset',
  'clear preset': 'clear preset',
  'set pattern start (learn tour)': 'set pattern start',
  'set pattern stop': 'set pattern stop',
  'run pattern (start tour)': 'run pattern',
  'set zoom speed': 'set zoom speed',
  'unknown extended command (odd cmd2, valid checksum)': null,
};

describe('Pelco-D vectors', () => {
  it('has the vectors it is tested against', () => {
    expect(vectors.pelco_d.length).toBeGreaterThanOrEqual(20);
  });

  for (const v of vectors.pelco_d) {
    it(`${v.bytes_hex}: ${v.meaning.action}`, () => {
      const frame = bytes(v.bytes_hex);
      if (!v.expect_valid) {
        expect(() => decodePelcoD(frame)).toThrow(/checksum/);
        expect(splitPelcoD(frame).frames).toEqual([]);
        return;
      }
      const d = decodePelcoD(frame);
      expect(d.address).toBe(v.meaning.address);
      const action = v.meaning.action;
      if (action.startsWith('every bit set')) {
        expect(d).toMatchObject({ kind: 'standard', conflicting: true, pan: null, tilt: null, zoom: null, focus: null, iris: null });
        return;
      }
      if (action in EXTENDED) {
        expect(d).toMatchObject({ kind: 'extended', name: EXTENDED[action] });
        const n = v.meaning.preset ?? v.meaning.aux ?? v.meaning.speed;
        if (n !== undefined && d.kind === 'extended') expect(d.data2).toBe(n);
        const op = /^(set|clear|goto) preset$/.exec(action)?.[1] as 'set' | 'clear' | 'goto' | undefined;
        if (op) expect(hex(pelcoDPreset(d.address, op, Number(v.meaning.preset)))).toBe(v.bytes_hex);
        return;
      }
      const known = STANDARD[action];
      expect(known, `a decoder expectation for "${action}"`).toBeDefined();
      expect(d).toMatchObject({ kind: 'standard', conflicting: false, ...known!.expect });
      if (v.meaning.pan_speed !== undefined) expect(d.kind === 'standard' && d.panSpeed).toBe(v.meaning.pan_speed);
      if (v.meaning.tilt_speed !== undefined) expect(d.kind === 'standard' && d.tiltSpeed).toBe(v.meaning.tilt_speed);
      if (known!.api) {
        const speed = (v.meaning.pan_speed ?? v.meaning.tilt_speed) as number | undefined;
        expect(hex(pelcoDAction(d.address, known!.api, speed))).toBe(v.bytes_hex);
      }
    });
  }

  it('maps the API speed 1–63 onto 0x01–0x3F, 32 when absent, clamped', () => {
    expect([1, 32, 63, undefined, 100, -5].map(pelcoSpeed)).toEqual([1, 32, 63, 32, 63, 0]);
    expect(hex(pelcoDAction(1, 'upright', 10))).toBe('FF 01 00 0A 0A 0A 1F');
    expect(hex(pelcoDAction(255, 'downleft', 63))).toBe(hex(Buffer.from([0xff, 0xff, 0x00, 0x14, 0x3f, 0x3f, (0xff + 0x14 + 0x3f + 0x3f) % 256])));
    expect(() => pelcoDAction(0, 'stop')).toThrow(/address 0/);
    expect(() => pelcoDPreset(1, 'goto', 0)).toThrow(/preset 0/);
  });

  it('finds frames in a byte stream and resynchronises after garbage', () => {
    const a = pelcoDAction(1, 'left', 32);
    const b = pelcoDPreset(3, 'goto', 5);
    const stream = Buffer.concat([Buffer.from([0x00, 0xff, 0x42, 0x13]), a, Buffer.from([0xff, 0x01]), b, b.subarray(0, 4)]);
    const { frames, rest } = splitPelcoD(stream);
    expect(frames.map(hex)).toEqual([hex(a), hex(b)]);
    expect(hex(rest)).toBe(hex(b.subarray(0, 4)));
  });
});

describe('Pelco-P vectors', () => {
  for (const v of vectors.pelco_p) {
    it(`${v.bytes_hex}: ${v.meaning.action}`, () => {
      const frame = bytes(v.bytes_hex);
      if (!v.expect_valid) {
        expect(() => decodePelcoP(frame)).toThrow(/check byte/);
        return;
      }
      const d = decodePelcoP(frame);
      expect(d.address).toBe(0);
      const api = ({ 'pan left': 'left', 'pan right': 'right', 'tilt up': 'up', 'tilt down': 'down', stop: 'stop' } as const)[v.meaning.action as 'stop'];
      expect(api).toBeDefined();
      expect(hex(pelcoPAction(1, api, (v.meaning.pan_speed ?? v.meaning.tilt_speed) as number | undefined))).toBe(v.bytes_hex);
      if (api !== 'stop') expect(d.stop).toBe(false);
      else expect(d.stop).toBe(true);
    });
  }
});

// ---- the driver on a real pty pair ----

function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('socat is required for the Pelco-D serial tests (apt-get install socat); it was not found on PATH');
  }
}

interface PtyPair {
  proc: ChildProcess;
  /** The pty paths socat reported on stderr. */
  pts: [string, string];
  exited: Promise<void>;
}

/** socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B: stable paths A and B across restarts. */
function startSocat(linkA: string, linkB: string): Promise<PtyPair> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${linkA}`, `pty,raw,echo=0,link=${linkB}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const guard = setTimeout(() => reject(new Error(`socat did not report two ptys within 5 s:\n${stderr}`)), 5_000);
    proc.once('error', (e) => reject(new Error(`socat could not start: ${e.message}`)));
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const pts = [...stderr.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]!);
      if (pts.length === 2 && /starting data transfer loop/.test(stderr)) {
        clearTimeout(guard);
        resolve({ proc, pts: [pts[0]!, pts[1]!], exited });
      }
    });
  });
}

/** The far end of the line: collects every byte the driver writes. */
async function openReader(p: string): Promise<{ port: SerialPort; received: () => Buffer; frames: () => string[] }> {
  const port = new SerialPort({ path: p, baudRate: 2400, autoOpen: false });
  let data = Buffer.alloc(0);
  port.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  return { port, received: () => data, frames: () => splitPelcoD(data).frames.map(hex) };
}

/** Waits for a condition driven by I/O events, checking at each turn; fails with `what` after `ms`. */
async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('serial PTZ on a socat pty pair', () => {
  it('writes exact frames, stops a movement nobody stopped, survives the line vanishing and resumes', async () => {
    requireSocat();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-ptz-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const A = path.join(dir, 'ttyPTZ');
    const B = path.join(dir, 'ttyFar');
    let pair = await startSocat(A, B);
    cleanups.push(() => {
      pair.proc.kill();
    });
    expect(pair.pts[0]).toMatch(/^\/dev\/pts\/\d+$/);
    expect(fs.realpathSync(A)).toBe(pair.pts[0]);
    let reader = await openReader(B);
    cleanups.push(() => new Promise<void>((r) => (reader.port.isOpen ? reader.port.close(() => r()) : r())));

    const statuses: LineStatus[] = [];
    const logs: string[] = [];
    const ptz = new SerialPtz(
      [
        { cameraId: 'cam-a', path: A, baudRate: 2400, address: 1 },
        { cameraId: 'cam-b', path: A, baudRate: 2400, address: 2 },
      ],
      { safetyStopMs: 400, reconnectMinMs: 50, reconnectMaxMs: 200, writeTimeoutMs: 1_000, onStatus: (s) => statuses.push(s), log: (l) => logs.push(l) },
    );
    cleanups.push(() => ptz.close());
    await until(() => statuses.some((s) => s.state === 'online'), 'the line to open');
    expect(ptz.statuses()).toEqual([{ path: A, state: 'online', reason: null, lastGoodAt: null }]);

    // Exact frames, in order; cam-a's explicit stop cancels its safety stop, cam-b's comes by itself.
    await ptz.ptz('cam-a', 'up', 63);
    await ptz.ptz('cam-a', 'stop');
    await ptz.preset('cam-a', 'goto', 1);
    await ptz.ptz('cam-b', 'left', 32);
    const expected = ['FF 01 00 08 00 3F 48', 'FF 01 00 00 00 00 01', 'FF 01 00 07 00 01 09', 'FF 02 00 04 20 00 26', 'FF 02 00 00 00 00 02'];
    await until(() => reader.frames().length >= 5, 'the safety stop of cam-b');
    expect(reader.frames()).toEqual(expected);
    expect(reader.received().length).toBe(35);
    expect(logs.some((l) => l.includes('Camera "cam-b" moved left for 400 ms without a stop'))).toBe(true);
    expect(ptz.statuses()[0]!.lastGoodAt).not.toBeNull();

    // The line vanishes (the USB adapter pulled): a clear error, reconnect attempts, no crash.
    pair.proc.kill('SIGTERM');
    await pair.exited;
    await until(() => statuses.some((s) => s.state === 'offline'), 'the line to go offline');
    const offline = statuses.find((s) => s.state === 'offline')!;
    expect(offline.reason).toBeTruthy();
    const error = await ptz.ptz('cam-a', 'left').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HallError);
    expect((error as HallError).code).toBe('unavailable');
    expect((error as HallError).message).toContain(`Serial line ${A} is offline`);
    await until(() => statuses.filter((s) => s.state === 'offline').length >= 2, 'a failed reopen attempt');
    expect(statuses.at(-1)!.reason).toMatch(/No such file|ENOENT|cannot open/i);
    expect(logs.filter((l) => l.includes('is offline')).length).toBe(1);

    // It comes back on the same paths: the driver reopens by itself and frames flow again.
    pair = await startSocat(A, B);
    reader = await openReader(B);
    await until(() => statuses.at(-1)!.state === 'online', 'the line to reopen');
    await ptz.preset('cam-b', 'set', 12);
    await until(() => reader.frames().length >= 1, 'the frame after the reconnect');
    expect(reader.frames()).toEqual(['FF 02 00 03 00 0C 11']);
    expect(logs.at(-1)).toBe(`[ptz] Serial line ${A} is back`);
  });

  it('fails a command at once while the device path does not exist, and keeps retrying', async () => {
    const statuses: LineStatus[] = [];
    const missing = path.join(os.tmpdir(), `hall-no-such-tty-${process.pid}`);
    const ptz = new SerialPtz([{ cameraId: 'cam-x', path: missing, baudRate: 2400, address: 9 }], { reconnectMinMs: 20, reconnectMaxMs: 40, onStatus: (s) => statuses.push(s) });
    cleanups.push(() => ptz.close());
    await until(() => statuses.filter((s) => s.state === 'offline').length >= 1, 'the open to fail');
    await expect(ptz.ptz('cam-x', 'zoomin')).rejects.toThrow(new RegExp(`Serial line ${missing} is offline: .*(No such file|ENOENT)`));
    await expect(ptz.ptz('cam-unknown', 'zoomin')).rejects.toThrow(/no serial PTZ configured/);
  });

  it('routes video.ptz and video.preset of a configured camera to its line, and closes it on stop', async () => {
    requireSocat();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-ptz-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const A = path.join(dir, 'ttyPTZ');
    const pair = await startSocat(A, path.join(dir, 'ttyFar'));
    cleanups.push(() => {
      pair.proc.kill();
    });
    const reader = await openReader(path.join(dir, 'ttyFar'));
    cleanups.push(() => new Promise<void>((r) => (reader.port.isOpen ? reader.port.close(() => r()) : r())));

    const handlers = new Map<string, (p: unknown) => Promise<unknown>>();
    const registry = {
      register: (name: string, fn: (p: unknown) => Promise<unknown>) => handlers.set(name, fn),
      registerAsync: (name: string, fn: (p: unknown) => Promise<unknown>) => handlers.set(name, fn),
    } as unknown as Registry;
    const camera: Camera = { id: 'cam-1', name: '东江桥', stationCode: '441602001000', lat: 0, lon: 0, online: true, ptz: true, streams: {}, updatedAt: '' };
    const statuses: LineStatus[] = [];
    const config = videoSettings(parseConfig({ devices: [{ id: 'ptz-bus-1', kind: 'ptz-pelco-d', name: '东江桥云台', serial: { path: A }, cameras: [{ cameraId: 'cam-1', address: 5 }] }] }));
    expect(config.ptz[0]!.baudRate).toBe(2400);
    const service = setUpVideo(registry, {
      cameras: { list: () => [camera] } as unknown as CamerasRepo,
      stations: { get: () => undefined } as unknown as StationsRepo,
      config,
      onPtzLineStatus: (st) => statuses.push(st),
    });
    cleanups.push(() => service.stop());
    await until(() => statuses.some((st) => st.state === 'online'), 'the line to open');
    expect(await handlers.get('video.ptz')!({ cameraId: 'cam-1', action: 'zoomout' })).toEqual({ via: 'pelco-d' });
    expect(await handlers.get('video.ptz')!({ cameraId: 'cam-1', action: 'stop' })).toEqual({ via: 'pelco-d' });
    expect(await handlers.get('video.preset')!({ cameraId: 'cam-1', op: 'clear', n: 255 })).toEqual({ via: 'pelco-d' });
    await until(() => reader.frames().length >= 3, 'three frames');
    expect(reader.frames()).toEqual(['FF 05 00 40 00 00 45', 'FF 05 00 00 00 00 05', 'FF 05 00 05 00 FF 09']);
    await expect(handlers.get('video.ptz')!({ cameraId: 'cam-2', action: 'stop' })).rejects.toThrow(/No camera "cam-2"/);

    await service.stop();
    await expect(handlers.get('video.ptz')!({ cameraId: 'cam-1', action: 'stop' })).rejects.toThrow(/is closed/);
  });
});
