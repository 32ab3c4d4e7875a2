/**
 * GSM modem driver (electron/core/devices/gsm-modem.ts) and its DCE simulator
 * (electron/core/sim/devices/modem-sim.ts):
 *   1. in process (a duplex pair, a new pair per connection): init sequence, URCs between any two
 *      lines and a hand-scripted modem writing one byte at a time, +CMS errors kept, status
 *      reports matched to their TP-MR, a 150-character Chinese text as 3 UCS-2 parts, the send
 *      throttle, a missing SIM as a fault, a silent or slow modem → offline → reconnect;
 *   2. on a real `socat` pty pair (transport: serial), with python3-gammu decoding the exact PDUs
 *      the simulator received, and socat killed and restarted under the driver.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { HallError } from '../../electron/core/api/errors';
import type { DeviceHealth } from '../../electron/core/devices/device-link';
import type { GsmModemDriver, SmsStatusReport } from '../../electron/core/devices/driver';
import { createGsmModem, type GsmModemConfig, type GsmModemOptions } from '../../electron/core/devices/gsm-modem';
import { decodeStatusReport } from '../../electron/core/devices/sms-pdu';
import { ModemSimulator, createDuplexPair, encodeStatusReport } from '../../electron/core/sim/devices/modem-sim';
import { gammuDecode } from '../fixtures/gammu';

const DUTY = '+8613912345678';
const OTHER = '+8613800000001';
const CN_BASE = '【源城区应急管理局】暴雨橙色预警：预计未来3小时我区将出现50毫米以上强降水，请注意防范山洪、地质灾害和城乡积涝，远离河道低洼地带，非必要不外出。';
const CN_TEXT = CN_BASE.repeat(3).slice(0, 150);
const GSM_TEXT = 'Flood drill [zone A] {level 2}: fee 5€, reply OK';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Waits for a condition driven by I/O events, checking at each turn; fails with `what` after `ms`. */
async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function rejection(p: Promise<unknown>): Promise<HallError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(HallError);
  return e as HallError;
}

function config(over: Partial<GsmModemConfig> = {}): GsmModemConfig {
  return { id: 'modem-1', kind: 'gsm-modem', name: '值班短信猫', tcp: { host: '127.0.0.1', port: 1 }, sendIntervalMs: 0, ...over };
}

interface Harness {
  driver: GsmModemDriver;
  health: DeviceHealth[];
  reports: SmsStatusReport[];
  logs: string[];
  connections: () => number;
}

/** The driver against `attachFar` (the simulator by default) over a fresh in-process pair per connection. */
function harness(sim: ModemSimulator | null, opts: GsmModemOptions & { cfg?: Partial<GsmModemConfig>; attachFar?: (far: Duplex) => void } = {}): Harness {
  let connections = 0;
  const logs: string[] = [];
  const driver = createGsmModem(config(opts.cfg), {
    requestTimeoutMs: 1_000,
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
    log: (l) => logs.push(l),
    onUrc: (l) => logs.push(l),
    ...opts,
    opener: () => {
      connections++;
      const [near, far] = createDuplexPair();
      if (opts.attachFar) opts.attachFar(far);
      else sim!.attach(far);
      return Promise.resolve(near);
    },
  });
  const health: DeviceHealth[] = [];
  const reports: SmsStatusReport[] = [];
  driver.onHealth((h) => health.push(h));
  driver.onStatusReport((r) => reports.push(r));
  cleanups.push(() => driver.close());
  driver.start();
  return { driver, health, reports, logs, connections: () => connections };
}

function newSim(...args: ConstructorParameters<typeof ModemSimulator>): ModemSimulator {
  const sim = new ModemSimulator(...args);
  cleanups.push(() => sim.close());
  return sim;
}

/** A deterministic "random" so URCs really are sprinkled (every other line). */
function alternating(): () => number {
  let n = 0;
  return () => (n++ % 2 === 0 ? 0.1 : 0.6);
}

describe('status report encoder of the simulator', () => {
  it('round-trips through decodeStatusReport (TS 23.040 SMS-STATUS-REPORT)', () => {
    const received = new Date('2026-06-01T02:00:05Z');
    const discharged = new Date('2026-06-01T02:00:09Z');
    for (const [status, state] of [[0x00, 'delivered'], [0x21, 'pending'], [0x41, 'failed']] as const) {
      const r = encodeStatusReport({ reference: 201, recipient: DUTY, status, received, discharged });
      expect(r.pdu.startsWith('0006C9')).toBe(true); // empty SMSC field, first octet 0x06, TP-MR 0xC9
      const d = decodeStatusReport(r.pdu);
      expect(d).toMatchObject({ reference: 201, number: DUTY, status, state });
      expect(d.time.date.toISOString()).toBe(received.toISOString());
      expect(d.discharge.date.toISOString()).toBe(discharged.toISOString());
      expect(r.tpduLength).toBe(r.pdu.length / 2 - 1);
    }
  });
});

describe('gsm-modem driver against the simulator (in process)', () => {
  it('initialises in PDU mode, reads through URCs, probes, sends and gets the delivery report', async () => {
    const sim = newSim({ urcRate: 0.5, random: alternating(), reportDelayMs: 30 });
    const h = harness(sim, { cfg: { smsc: '+8613800755599' } });
    await until(() => h.driver.health().state === 'online', 'the modem to come online');
    expect(sim.commands.map((c) => c.line)).toEqual(['AT', 'ATE0', 'AT+CMEE=1', 'AT+CMGF=0', 'AT+CNMI=2,1,0,1,0', 'AT+CSCA?', 'AT+CSCA="+8613800755599"']);
    expect(sim.smsc).toBe('+8613800755599');
    expect(await h.driver.probe()).toBe('signal 21/31');
    // URCs came between commands and their answers, and none was taken for an answer.
    expect(h.logs.some((l) => /RING|\+CMTI|\^RSSI|\+CREG/.test(l))).toBe(true);

    const sent = await h.driver.sendSms(DUTY, 'Test warning 1');
    expect(sent).toEqual({ references: [0], parts: 1, encoding: 'gsm7' });
    expect(sim.submits[0]!.decoded).toMatchObject({ number: DUTY, text: 'Test warning 1', requestStatusReport: true, smsc: '+8613800755599' });
    await until(() => h.reports.length === 1, 'the status report');
    expect(h.reports[0]).toMatchObject({ reference: 0, recipient: DUTY, state: 'delivered', status: 0 });
    expect(h.driver.health()).toMatchObject({ state: 'online', reason: null });
    expect(h.driver.health().lastGoodAt).not.toBeNull();
  });

  it('reads a modem that writes one byte at a time with URCs, a +CDS and a prompt between lines', async () => {
    const report = encodeStatusReport({ reference: 77, recipient: DUTY, status: 0, received: new Date(), discharged: new Date() });
    const script: Record<string, string> = {
      AT: '\r\nOK\r\n',
      ATE0: 'ATE0\r\r\nOK\r\n', // still echoing this one
      'AT+CMEE=1': '\r\nRING\r\n\r\nOK\r\n',
      'AT+CMGF=0': '\r\nOK\r\n',
      'AT+CNMI=2,1,0,1,0': '\r\n+CMTI: "SM",3\r\n\r\nOK\r\n',
      'AT+CSCA?': '\r\n+CSCA: "+8613800755500",145\r\n\r\nOK\r\n',
      'AT+CSQ': `\r\n^RSSI:18\r\n\r\n+CDS: ${report.tpduLength}\r\n${report.pdu}\r\n\r\n+CSQ: 17,99\r\n\r\n+CREG: 1\r\n\r\nOK\r\n`,
      'AT+CMGS': '\r\n^BOOT:1,2\r\n\r\n> ',
      PDU: '\r\n+CMGS: 42\r\n\r\n^RSSI:19\r\n\r\nOK\r\n',
    };
    const written: string[] = [];
    const h = harness(null, {
      attachFar: (far) => {
        let input = '';
        // Byte by byte, each on its own turn of the event loop: every split point is exercised.
        const dribble = (s: string) => [...Buffer.from(s, 'latin1')].forEach((b, i) => setTimeout(() => far.write(Buffer.from([b])), i));
        far.on('data', (chunk: Buffer) => {
          input += chunk.toString('latin1');
          // eslint-disable-next-line no-control-regex -- a command ends in CR, a PDU in Ctrl-Z
          for (let m; (m = /^([^\r\x1a]*)([\r\x1a])/.exec(input)); ) {
            input = input.slice(m[0].length);
            written.push(m[1]!);
            const key = m[2] === '\x1a' ? 'PDU' : m[1]!.startsWith('AT+CMGS=') ? 'AT+CMGS' : m[1]!;
            dribble(script[key] ?? '\r\nERROR\r\n');
          }
        });
      },
    });
    await until(() => h.driver.health().state === 'online', 'online through a byte-by-byte modem');
    expect(await h.driver.probe()).toBe('signal 17/31');
    expect(h.reports).toMatchObject([{ reference: 77, recipient: DUTY, state: 'delivered' }]);
    expect(await h.driver.sendSms(DUTY, 'Hi')).toMatchObject({ references: [42], parts: 1 });
    expect(written.at(-2)).toMatch(/^AT\+CMGS=\d+$/);
    expect(written.at(-1)).toMatch(/^[0-9A-F]+$/);
    expect(h.logs.filter((l) => /RING|\+CMTI|\^RSSI|\+CREG|\^BOOT/.test(l)).length).toBeGreaterThanOrEqual(5);
  });

  it('keeps the +CMS ERROR code, names the recipient and the meaning, and stays online', async () => {
    const sim = newSim();
    const h = harness(sim);
    await until(() => h.driver.health().state === 'online', 'online');
    sim.setMode('refuse');
    const e = await rejection(h.driver.sendSms(DUTY, '测试'));
    expect(e.code).toBe('unavailable');
    expect(e.details).toEqual({ deviceReason: 'network out of order', code: 38 });
    expect(e.message).toContain(DUTY);
    expect(e.message).toContain('+CMS ERROR: 38');
    expect(h.driver.health().state).toBe('online');
    sim.setMode('normal');
    expect((await h.driver.sendSms(DUTY, '测试')).references).toHaveLength(1);
  });

  it('matches each status report to the reference of its message', async () => {
    const sim = newSim({ failRecipients: [OTHER], reportDelayMs: 50 });
    const h = harness(sim);
    await until(() => h.driver.health().state === 'online', 'online');
    const a = await h.driver.sendSms(DUTY, 'first');
    const b = await h.driver.sendSms(OTHER, 'second');
    const c = await h.driver.sendSms(DUTY, 'third');
    await until(() => h.reports.length === 3, 'three status reports');
    const byRef = new Map(h.reports.map((r) => [r.reference, r]));
    expect(new Set([a.references[0], b.references[0], c.references[0]]).size).toBe(3);
    expect(byRef.get(a.references[0]!)).toMatchObject({ recipient: DUTY, state: 'delivered', status: 0 });
    expect(byRef.get(b.references[0]!)).toMatchObject({ recipient: OTHER, state: 'failed', status: 0x41 });
    expect(byRef.get(c.references[0]!)).toMatchObject({ recipient: DUTY, state: 'delivered' });
  });

  it('sends 150 Chinese characters as 3 concatenated UCS-2 parts, throttled by sendIntervalMs', async () => {
    const sim = newSim({ reportDelayMs: 10 });
    const h = harness(sim, { cfg: { sendIntervalMs: 150 } });
    await until(() => h.driver.health().state === 'online', 'online');
    expect(CN_TEXT).toHaveLength(150);
    const sent = await h.driver.sendSms(DUTY, CN_TEXT);
    expect(sent.parts).toBe(3);
    expect(sent.encoding).toBe('ucs2');
    expect(sent.references).toEqual(sim.submits.map((s) => s.reference));
    const decoded = sim.submits.map((s) => s.decoded);
    decoded.forEach((d, i) => {
      expect(d).toMatchObject({ coding: 'ucs2', dcs: 0x08, requestStatusReport: true, number: DUTY });
      expect(d.concat).toMatchObject({ parts: 3, part: i + 1, referenceBits: 8, reference: decoded[0]!.concat!.reference });
      expect(d.text.length).toBeLessThanOrEqual(67);
    });
    expect(decoded.map((d) => d.text).join('')).toBe(CN_TEXT);
    const cmgs = sim.commands.filter((c) => c.line.startsWith('AT+CMGS='));
    expect(cmgs).toHaveLength(3);
    for (let i = 1; i < cmgs.length; i++) expect(cmgs[i]!.at - cmgs[i - 1]!.at).toBeGreaterThanOrEqual(145);
    await until(() => h.reports.length === 3, 'a report per part');
    expect(h.reports.map((r) => r.reference).sort()).toEqual([...sent.references].sort());
    // The next long text gets another concatenation reference, so handsets never mix them.
    await h.driver.sendSms(DUTY, CN_TEXT);
    expect(sim.submits[3]!.decoded.concat!.reference).not.toBe(decoded[0]!.concat!.reference);
  });

  it('reaches the simulator as a ser2net-style TCP serial server (demo mode)', async () => {
    const sim = newSim({ reportDelayMs: 10 });
    const port = await sim.listenTcp();
    const driver = createGsmModem(config({ tcp: { host: '127.0.0.1', port } }), { requestTimeoutMs: 1_000 });
    cleanups.push(() => driver.close());
    const reports: SmsStatusReport[] = [];
    driver.onStatusReport((r) => reports.push(r));
    driver.start();
    await until(() => driver.health().state === 'online', 'online over TCP');
    const sent = await driver.sendSms(DUTY, '暴雨橙色预警');
    expect(sent).toMatchObject({ parts: 1, encoding: 'ucs2' });
    await until(() => reports.length === 1, 'the report over TCP');
    expect(reports[0]!.reference).toBe(sent.references[0]);
  });

  it('reports a modem without a SIM as a fault, and recovers once the SIM is back', async () => {
    const sim = newSim();
    sim.setMode('fault');
    const h = harness(sim);
    await until(() => h.driver.health().state === 'fault', 'a fault');
    expect(h.driver.health().reason).toMatch(/SIM not inserted.*\+CME ERROR: 10.*AT\+CMGF=0/);
    const e = await rejection(h.driver.sendSms(DUTY, 'x'));
    expect(e.message).toMatch(/faulty: SIM not inserted/);
    expect(e.details).toMatchObject({ code: 10 });
    expect(sim.submits).toHaveLength(0);
    sim.setMode('normal');
    expect(await h.driver.probe()).toBe('signal 21/31'); // re-initialises first
    expect(h.driver.health()).toMatchObject({ state: 'online', reason: null });
    expect(h.connections()).toBe(1); // a fault is not a reason to reconnect
  });

  it('a modem that stops answering or answers too late: timeout → offline → reconnect → online', async () => {
    const sim = newSim();
    const h = harness(sim, { requestTimeoutMs: 200 });
    await until(() => h.driver.health().state === 'online', 'online');
    sim.setMode('offline');
    const e = await rejection(h.driver.probe());
    expect(e.message).toMatch(/no answer to AT within 200 ms/);
    await until(() => h.health.some((x) => x.state === 'offline' && /no answer/.test(x.reason ?? '')), 'offline after the timeout');
    await until(() => h.connections() >= 3, 'reconnect attempts (init times out too)');
    expect(h.driver.health().state).toBe('offline');
    sim.setMode('normal');
    await until(() => h.driver.health().state === 'online', 'online again');
    expect(await h.driver.probe()).toBe('signal 21/31');

    // Slow answers (beyond the timeout) are no better than none.
    const before = h.connections();
    sim.setMode('slow', 400);
    await rejection(h.driver.probe());
    await until(() => h.connections() > before, 'a reconnect after a late answer');
    sim.setMode('normal');
    await until(() => h.driver.health().state === 'online', 'online after the slow spell');
    expect((await h.driver.sendSms(DUTY, 'back')).parts).toBe(1);
  });
});

// ---- a real pty pair, gammu as the independent decoder ----------------------------------------

interface PtyPair {
  proc: ChildProcess;
  exited: Promise<void>;
}

/** socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B: stable paths A and B across restarts. */
function startSocat(linkA: string, linkB: string): Promise<PtyPair> {
  const probe = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('socat is required for the GSM modem serial test (apt-get install socat)');
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${linkA}`, `pty,raw,echo=0,link=${linkB}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const guard = setTimeout(() => reject(new Error(`socat did not start within 5 s:\n${stderr}`)), 5_000);
    proc.once('error', (e) => reject(new Error(`socat could not start: ${e.message}`)));
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/starting data transfer loop/.test(stderr)) {
        clearTimeout(guard);
        resolve({ proc, exited });
      }
    });
  });
}


describe('gsm-modem driver on a socat pty pair (transport: serial)', () => {
  it('sends what gammu decodes back to the same text, gets the reports, survives the line vanishing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-modem-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const A = path.join(dir, 'ttyModem');
    const B = path.join(dir, 'ttyDce');
    let pair = await startSocat(A, B);
    cleanups.push(() => {
      pair.proc.kill();
    });
    const sim = newSim({ reportDelayMs: 20 });
    let port: SerialPort = await sim.openPty(B);
    cleanups.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));

    const health: DeviceHealth[] = [];
    const reports: SmsStatusReport[] = [];
    const driver = createGsmModem(config({ tcp: undefined, serial: { path: A, baudRate: 115_200 } }), {
      requestTimeoutMs: 1_000,
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
    });
    cleanups.push(() => driver.close());
    driver.onHealth((h) => health.push(h));
    driver.onStatusReport((r) => reports.push(r));
    driver.start();
    await until(() => driver.health().state === 'online', 'the modem on the pty to come online');

    const cn = await driver.sendSms(DUTY, CN_TEXT);
    const ascii = await driver.sendSms(DUTY, GSM_TEXT);
    expect(cn).toMatchObject({ parts: 3, encoding: 'ucs2' });
    expect(ascii).toMatchObject({ parts: 1, encoding: 'gsm7' });
    expect(sim.submits).toHaveLength(4);

    const g = gammuDecode(sim.submits.map((s) => s.pdu));
    g.forEach((m) => expect(m).toMatchObject({ Type: 'Submit', Number: DUTY }));
    expect(g.slice(0, 3).map((m) => m.Coding)).toEqual(['Unicode_No_Compression', 'Unicode_No_Compression', 'Unicode_No_Compression']);
    g.slice(0, 3).forEach((m, i) => expect(m.UDH).toMatchObject({ Type: 'ConcatenatedMessages', PartNumber: i + 1, AllParts: 3, ID8bit: g[0]!.UDH.ID8bit }));
    expect(g.slice(0, 3).map((m) => m.Text).join('')).toBe(CN_TEXT);
    expect(g[3]!.Coding).toBe('Default_No_Compression');
    // python-gammu 3.2.4 returns TP-UDL characters for 7-bit text: one junk character per escape
    // pair at the end (see devices-sms-pdu.test.ts); the text itself must be exactly ours.
    expect(g[3]!.Text.slice(0, GSM_TEXT.length)).toBe(GSM_TEXT);

    await until(() => reports.length === 4, 'four status reports over the pty');
    expect(reports.map((r) => r.reference).sort()).toEqual([...cn.references, ...ascii.references].sort());
    expect(reports.every((r) => r.state === 'delivered' && r.recipient === DUTY)).toBe(true);

    // The line vanishes (USB modem pulled): offline with a reason, a clear error, no crash.
    pair.proc.kill('SIGTERM');
    await pair.exited;
    await until(() => driver.health().state === 'offline', 'offline after socat died');
    expect(driver.health().reason).toBeTruthy();
    const e = await rejection(driver.sendSms(DUTY, 'while offline'));
    expect(e.code).toBe('unavailable');
    expect(e.message).toContain('offline');

    // Plugged back in: a new pair on the same paths, and the driver resumes on its own.
    await new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r()));
    const onlineBefore = health.filter((h) => h.state === 'online').length;
    pair = await startSocat(A, B);
    port = await sim.openPty(B);
    await until(() => health.filter((h) => h.state === 'online').length > onlineBefore, 'online again on the new pty pair', 10_000);
    const again = await driver.sendSms(DUTY, 'line restored');
    expect(again.parts).toBe(1);
    expect(sim.submits.at(-1)!.decoded.text).toBe('line restored');
  });
});
