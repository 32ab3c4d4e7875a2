/**
 * GSM modem driver (devices-v1 "GSM modem"): SMS warnings in PDU mode over 3GPP TS 27.005 AT
 * commands, on a serial port or a ser2net-style serial server.
 *
 * The AT engine:
 *   - a line reader: lines end in CR and/or LF; the `> ` prompt of AT+CMGS has no line end, so it
 *     is recognised at the start of the buffer while a command waits for it;
 *   - unsolicited lines (RING, +CMTI, +CDS header + PDU line, +CDSI, ^RSSI, +CREG …) may arrive
 *     between any two lines, also between a command and its answer: they never finish a command;
 *   - one command on the line at a time (`exclusive` jobs: the init sequence, one SMS part, a
 *     probe); every exchange has a timeout, and a timeout drops the link (the modem is wedged or
 *     gone: reconnecting re-runs the init sequence, which is the only sure way back to a known state).
 *
 * Delivery: every SMS-SUBMIT asks for a status report; AT+CNMI=2,1,0,1,0 routes reports as `+CDS`
 * (or `+CDSI` when the modem stores them: then we read them with AT+CMGR).
 */
import { HallError } from '../api/errors';
import type { ConfigDevice } from '../config/config';
import { DeviceLink, type DeviceHealth, type SerialSpec, type TransportOpener, type TransportSpec } from './device-link';
import type { GsmModemDriver, SmsSent, SmsStatusReport } from './driver';
import { decodeSmsPdu, decodeStatusReport, encodeSmsSubmit, SmsPduError, type SubmitPart } from './sms-pdu';

/** The config entry; defaults (`sendIntervalMs`, serial framing) may be left out, as before zod applies them. */
export type GsmModemConfig = Omit<Extract<ConfigDevice, { kind: 'gsm-modem' }>, 'sendIntervalMs' | 'serial'> & {
  sendIntervalMs?: number;
  serial?: SerialSpec;
};

export interface GsmModemOptions {
  opener?: TransportOpener;
  log?: (line: string) => void;
  now?: () => Date;
  /** Answer timeout of ordinary commands (default 5 s). */
  requestTimeoutMs?: number;
  /** Answer timeout of the PDU of AT+CMGS: the network round trip can take long (default 60 s). */
  sendTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Every unsolicited line the modem sent that the driver has no use for (RING, ^RSSI…); not logged. */
  onUrc?: (line: string) => void;
}

/** 27.005 §3.2.5 +CMS ERROR codes (0–127 are the network's TS 24.011/23.040 causes). */
export const CMS_ERRORS: Readonly<Record<number, string>> = {
  1: 'unassigned (unallocated) number', 8: 'operator determined barring', 10: 'call barred',
  21: 'short message transfer rejected', 27: 'destination out of service', 28: 'unidentified subscriber',
  29: 'facility rejected', 30: 'unknown subscriber', 38: 'network out of order', 41: 'temporary failure',
  42: 'congestion', 47: 'resources unavailable', 50: 'requested facility not subscribed',
  69: 'requested facility not implemented', 96: 'invalid mandatory information', 111: 'protocol error',
  127: 'interworking unspecified', 300: 'ME failure', 301: 'SMS service of ME reserved',
  302: 'operation not allowed', 303: 'operation not supported', 304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter', 310: 'SIM not inserted', 311: 'SIM PIN required', 313: 'SIM failure',
  314: 'SIM busy', 315: 'SIM wrong', 316: 'SIM PUK required', 320: 'memory failure', 321: 'invalid memory index',
  322: 'memory full', 330: 'SMSC address unknown', 331: 'no network service', 332: 'network timeout',
  340: 'no +CNMA acknowledgement expected', 500: 'unknown error',
  // Manufacturer range; these two are what SIMCom/Quectel modules say while still starting up.
  512: 'manufacturer-specific error', 515: 'device busy (initialisation in progress, retry later)',
};

/** 27.007 §9.2 +CME ERROR codes the modem may answer during init. */
export const CME_ERRORS: Readonly<Record<number, string>> = {
  0: 'phone failure', 3: 'operation not allowed', 4: 'operation not supported', 10: 'SIM not inserted',
  11: 'SIM PIN required', 12: 'SIM PUK required', 13: 'SIM failure', 14: 'SIM busy', 15: 'SIM wrong',
  16: 'incorrect password', 20: 'memory full', 21: 'invalid index', 30: 'no network service',
  31: 'network timeout', 100: 'unknown error',
};

/** CME codes that mean the SIM is missing or locked: nothing will work until someone acts. */
const SIM_PROBLEMS = new Set([10, 11, 12, 13, 15, 16]);

/** Lines that announce something rather than answer a command (27.005 §3.4, 27.007, vendors' ^…). */
const URC = /^(RING|NO CARRIER|\+CRING:|\+CLIP:|\+CMTI:|\+CDSI:|\+CDS:|\+CMT:|\+CBM:|\+CREG:|\+CGREG:|\+CEREG:|\+CIEV:|\+CUSD:|\+QIND:|\+CPIN: NOT READY|\^[A-Z]+)/;
/** URCs followed by a PDU line (PDU mode). */
const TWO_LINE_URC = /^\+(CDS|CMT|CBM):/;
const FINAL = /^(OK|ERROR|\+CME ERROR:\s*(\d+|.*)|\+CMS ERROR:\s*(\d+|.*))$/;

interface Exchange {
  command: string;
  /** Sent after the `> ` prompt, followed by Ctrl-Z. */
  data?: string;
  /** Prefix of the intermediate answer (+CSQ:, +CMGS:), so it is never taken for a URC. */
  expect?: string;
  lines: string[];
  timer: NodeJS.Timeout | null;
  resolve: (lines: string[]) => void;
  reject: (error: HallError) => void;
}

/** A final result code other than OK; `final` is the modem's own words, for logs and fault reasons. */
class AtCommandError extends HallError {
  constructor(message: string, details: { deviceReason: string; code?: number }, readonly final: string) {
    super('unavailable', message, details);
  }
}

interface FailureDetails {
  deviceReason: string;
  code?: number;
}

function describeFinal(final: string): { reason: string; code?: number; kind: 'cms' | 'cme' | 'error' } {
  const m = /^\+(CMS|CME) ERROR:\s*(.*)$/.exec(final);
  if (!m) return { reason: 'ERROR', kind: 'error' };
  const kind = m[1] === 'CMS' ? 'cms' : 'cme';
  const code = /^\d+$/.test(m[2]!) ? Number(m[2]) : undefined;
  if (code === undefined) return { reason: m[2]!, kind }; // verbose mode (+CMEE=2) gives text
  const table = kind === 'cms' ? CMS_ERRORS : CME_ERRORS;
  return { reason: table[code] ?? (code >= 512 ? 'manufacturer-specific error' : 'unknown error code'), code, kind };
}

class GsmModem implements GsmModemDriver {
  readonly kind = 'gsm-modem' as const;
  readonly id: string;
  readonly name: string;
  private readonly link: DeviceLink;
  private readonly log: (line: string) => void;
  private readonly urcListener: (line: string) => void;
  private readonly now: () => Date;
  private readonly requestTimeoutMs: number;
  private readonly sendTimeoutMs: number;
  private readonly sendIntervalMs: number;
  private readonly healthListeners = new Set<(h: DeviceHealth) => void>();
  private readonly reportListeners = new Set<(r: SmsStatusReport) => void>();
  private buffer = '';
  private current: Exchange | null = null;
  /** The next line is the PDU of a two-line URC (+CDS / +CMT / +CBM). */
  private pduFor: string | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private ready = false;
  private lastCmgsAt = -Infinity;
  /** The CME/CMS code behind the current fault, so a refused send can still say it. */
  private faultCode: number | undefined;
  /** Concatenation reference, rotated per long text so a handset never mixes two texts' parts. */
  private concatReference = Math.floor(Math.random() * 256);
  /** The service centre the SIM reports (AT+CSCA?), for the devices page and the logs. */
  smscFromSim: string | null = null;

  constructor(private readonly config: GsmModemConfig, options: GsmModemOptions = {}) {
    this.id = config.id;
    this.name = config.name;
    this.log = options.log ?? (() => undefined);
    this.urcListener = options.onUrc ?? (() => undefined);
    this.now = options.now ?? (() => new Date());
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    this.sendIntervalMs = config.sendIntervalMs ?? 1_000;
    const transport: TransportSpec = config.serial ? { serial: config.serial } : { tcp: config.tcp! };
    this.link = new DeviceLink({
      label: `gsm-modem ${config.id}`,
      transport,
      ...(options.opener ? { opener: options.opener } : {}),
      ...(options.reconnectMinMs !== undefined ? { reconnectMinMs: options.reconnectMinMs } : {}),
      ...(options.reconnectMaxMs !== undefined ? { reconnectMaxMs: options.reconnectMaxMs } : {}),
      log: this.log,
      now: this.now,
      onData: (chunk) => this.onData(chunk),
      onOpen: () => this.exclusive(() => this.initialise()),
      onDown: (reason) => this.onDown(reason),
      onHealth: (h) => this.healthListeners.forEach((l) => l(h)),
    });
  }

  private get label(): string {
    return this.link.label;
  }

  start(): void {
    this.link.start();
  }

  async close(): Promise<void> {
    this.ready = false;
    await this.link.close();
    this.failCurrent(`${this.label} is closed`);
  }

  health(): DeviceHealth {
    return this.link.status();
  }

  onHealth(listener: (health: DeviceHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  onStatusReport(listener: (report: SmsStatusReport) => void): () => void {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  }

  // ---- line reader ------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    for (;;) {
      this.buffer = this.buffer.replace(/^[\r\n]+/, '');
      if (!this.buffer) return;
      if (this.buffer[0] === '>') {
        // The prompt has no line end; outside AT+CMGS it is noise and must not glue onto a line.
        this.buffer = this.buffer.slice(this.buffer[1] === ' ' ? 2 : 1);
        this.onPrompt();
        continue;
      }
      const end = this.buffer.search(/[\r\n]/);
      if (end < 0) {
        // A modem spewing garbage without line ends must not grow the buffer forever.
        if (this.buffer.length > 8_192) this.buffer = '';
        return;
      }
      // eslint-disable-next-line no-control-regex -- stray control bytes (Ctrl-Z echo, NUL noise) are not text
      const line = this.buffer.slice(0, end).replace(/[\x00-\x1f]/g, '').trim();
      this.buffer = this.buffer.slice(end + 1);
      if (line) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.pduFor) {
      const header = this.pduFor;
      this.pduFor = null;
      if (/^[0-9A-Fa-f]+$/.test(line)) return this.onUrcPdu(header, line);
    }
    const cur = this.current;
    if (cur && (line === cur.command || line === cur.data)) return; // echo before ATE0 took effect
    if (cur?.expect && line.startsWith(cur.expect)) {
      cur.lines.push(line);
      return;
    }
    if (URC.test(line)) return this.onUrc(line);
    const final = FINAL.exec(line);
    if (final && cur) return this.finish(cur, line);
    if (cur) cur.lines.push(line);
    else this.log(`[devices] ${this.label}: unexpected line ${JSON.stringify(line)}`);
  }

  private onPrompt(): void {
    const cur = this.current;
    if (!cur || cur.data === undefined) return;
    const data = cur.data;
    this.arm(cur, this.sendTimeoutMs);
    this.link.write(`${data}\x1a`).catch((e: unknown) => this.finishWith(cur, e as HallError));
  }

  private onUrc(line: string): void {
    if (TWO_LINE_URC.test(line)) {
      this.pduFor = line;
      return;
    }
    const cdsi = /^\+CDSI:\s*"?(\w+)"?\s*,\s*(\d+)/.exec(line);
    if (cdsi) {
      // The report was stored instead of routed: read it and free the slot, after what is queued.
      void this.exclusive(() => this.readStoredReport(Number(cdsi[2]))).catch((e: unknown) =>
        this.log(`[devices] ${this.label}: could not read stored status report ${cdsi[2]}: ${(e as Error).message}`),
      );
      return;
    }
    // Other URCs (RING, +CMTI, ^RSSI, +CREG…) come every few seconds on some modems: not logged.
    this.urcListener(line);
  }

  private onUrcPdu(header: string, pdu: string): void {
    if (!header.startsWith('+CDS')) {
      this.log(`[devices] ${this.label}: ${header} (PDU ignored: the console only sends)`);
      return;
    }
    this.emitReport(pdu);
  }

  private emitReport(pdu: string): void {
    try {
      const r = decodeStatusReport(pdu);
      const report: SmsStatusReport = { reference: r.reference, recipient: r.number, state: r.state, status: r.status, text: r.statusText, at: this.now().toISOString() };
      this.reportListeners.forEach((l) => l(report));
    } catch (error) {
      this.log(`[devices] ${this.label}: unreadable status report ${pdu}: ${(error as Error).message}`);
    }
  }

  private async readStoredReport(index: number): Promise<void> {
    const lines = await this.exchange(`AT+CMGR=${index}`, { expect: '+CMGR:' });
    const pdu = lines.find((l) => /^[0-9A-Fa-f]+$/.test(l));
    if (pdu && decodeSmsPdu(pdu).type === 'SMS-STATUS-REPORT') this.emitReport(pdu);
    await this.exchange(`AT+CMGD=${index}`);
  }

  // ---- exchanges -------------------------------------------------------------------------------

  /** One job owns the line at a time; a failed job never blocks the ones behind it. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Sends one command and resolves with its intermediate lines once `OK` arrives. */
  private exchange(command: string, opts: { expect?: string; data?: string } = {}): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      const ex: Exchange = { command, lines: [], timer: null, resolve, reject, ...opts };
      this.current = ex;
      this.arm(ex, this.requestTimeoutMs);
      this.link.write(`${command}\r`).catch((e: unknown) => this.finishWith(ex, e as HallError));
    });
  }

  private arm(ex: Exchange, ms: number): void {
    if (ex.timer) clearTimeout(ex.timer);
    ex.timer = setTimeout(() => {
      const reason = `no answer to ${ex.command} within ${ms} ms`;
      this.finishWith(ex, new HallError('unavailable', `${this.label}: ${reason}`, { deviceReason: reason }));
      // A modem that stops answering is reset the only sure way: a new connection and a fresh init.
      this.link.drop(reason);
    }, ms);
  }

  private finish(ex: Exchange, final: string): void {
    if (final === 'OK') {
      this.link.markGood();
      this.settle(ex);
      ex.resolve(ex.lines);
      return;
    }
    const d = describeFinal(final);
    const details: FailureDetails = d.code === undefined ? { deviceReason: d.reason } : { deviceReason: d.reason, code: d.code };
    this.finishWith(ex, new AtCommandError(`${this.label}: ${ex.command} failed: ${final} (${d.reason})`, details, final));
  }

  private finishWith(ex: Exchange, error: HallError): void {
    if (this.current !== ex) return;
    this.settle(ex);
    ex.reject(error);
  }

  private settle(ex: Exchange): void {
    if (ex.timer) clearTimeout(ex.timer);
    if (this.current === ex) this.current = null;
  }

  private failCurrent(reason: string): void {
    const cur = this.current;
    if (cur) this.finishWith(cur, new HallError('unavailable', `${this.label}: ${cur.command} interrupted: ${reason}`, { deviceReason: reason }));
  }

  private onDown(reason: string): void {
    this.ready = false;
    this.buffer = '';
    this.pduFor = null;
    this.failCurrent(reason);
  }

  // ---- init ------------------------------------------------------------------------------------

  /**
   * The init sequence, on every (re)connect and again before use when the modem was faulty.
   * A missing SIM or a refused PDU mode is a fault (the modem answers, a person must act), not a
   * reason to reconnect; a timeout is (the exchange drops the link itself).
   */
  private async initialise(): Promise<void> {
    this.ready = false;
    const fault = (command: string, error: unknown): boolean => {
      if (!(error instanceof AtCommandError)) throw error; // timeout or write failure: the link is already dropping
      const details = error.details as FailureDetails;
      const reason = `${details.deviceReason} (${error.final} to ${command})`;
      this.log(`[devices] ${this.label} is faulty: ${reason}`);
      this.faultCode = details.code;
      this.link.fault(reason);
      return false;
    };
    await this.exchange('AT');
    await this.exchange('ATE0');
    await this.exchange('AT+CMEE=1').catch((e: unknown) => this.log(`[devices] ${this.label}: AT+CMEE=1 refused (${(e as Error).message}); errors stay plain ERROR`));
    if ((await this.exchange('AT+CMGF=0').then(() => true, (e: unknown) => fault('AT+CMGF=0', e))) === false) return;
    try {
      await this.exchange('AT+CNMI=2,1,0,1,0');
    } catch (e) {
      const code = e instanceof AtCommandError ? (e.details as FailureDetails).code : undefined;
      if (code !== undefined && SIM_PROBLEMS.has(code)) return void fault('AT+CNMI=2,1,0,1,0', e);
      // Some modems only take other CNMI values: sending still works, reports may come as +CDSI.
      this.log(`[devices] ${this.label}: AT+CNMI=2,1,0,1,0 refused (${(e as Error).message}); status reports may not arrive`);
    }
    try {
      const csca = (await this.exchange('AT+CSCA?', { expect: '+CSCA:' })).find((l) => l.startsWith('+CSCA:'));
      this.smscFromSim = /"([^"]*)"/.exec(csca ?? '')?.[1] || null;
      if (this.config.smsc && this.config.smsc !== this.smscFromSim) {
        await this.exchange(`AT+CSCA="${this.config.smsc}"`);
        this.smscFromSim = this.config.smsc;
      }
    } catch (e) {
      const code = e instanceof AtCommandError ? (e.details as FailureDetails).code : undefined;
      if (code !== undefined && SIM_PROBLEMS.has(code)) return void fault('AT+CSCA', e);
      this.log(`[devices] ${this.label}: service centre not read/set (${(e as Error).message})`);
    }
    this.ready = true;
    this.faultCode = undefined;
    this.link.clearFault();
  }

  /** Inside a job: connected and initialised, re-initialising a faulty modem first (a SIM pushed back in). */
  private async ensureReady(what: string): Promise<void> {
    const h = this.link.status();
    if (!this.link.connected) throw new HallError('unavailable', `${what}: ${this.label} is offline: ${h.reason ?? 'not connected'}`, { deviceReason: h.reason ?? 'offline' });
    if (h.state === 'fault' || !this.ready) await this.initialise();
    const after = this.link.status();
    if (after.state === 'fault' || !this.ready) {
      const reason = after.reason ?? 'not initialised';
      throw new HallError('unavailable', `${what}: ${this.label} is faulty: ${reason}`, this.faultCode === undefined ? { deviceReason: reason } : { deviceReason: reason, code: this.faultCode });
    }
  }

  // ---- operations ------------------------------------------------------------------------------

  probe(): Promise<string> {
    return this.exclusive(async () => {
      await this.ensureReady('Probe');
      await this.exchange('AT');
      const csq = (await this.exchange('AT+CSQ', { expect: '+CSQ:' })).find((l) => l.startsWith('+CSQ:'));
      const rssi = Number(/\+CSQ:\s*(\d+)/.exec(csq ?? '')?.[1] ?? NaN);
      if (!Number.isFinite(rssi) || rssi === 99) return 'signal unknown (no network?)';
      return `signal ${rssi}/31`;
    });
  }

  async sendSms(recipient: string, text: string): Promise<SmsSent> {
    let parts: SubmitPart[];
    try {
      this.concatReference = (this.concatReference + 1) & 0xff; // per text; only a split text carries it
      parts = encodeSmsSubmit(recipient, text, { requestStatusReport: true, smsc: this.config.smsc ?? null, concatReference: this.concatReference });
    } catch (error) {
      if (error instanceof SmsPduError) throw new HallError('invalid_params', `SMS to ${recipient} cannot be encoded: ${error.message}`);
      throw error;
    }
    const references: number[] = [];
    for (const part of parts) {
      // One job per part: a probe or a stored report may go between parts, never inside one.
      references.push(await this.exclusive(() => this.sendPart(recipient, part)));
    }
    return { references, parts: parts.length, encoding: parts[0]!.encoding };
  }

  private async sendPart(recipient: string, part: SubmitPart): Promise<number> {
    const what = `SMS to ${recipient} (part ${part.part}/${part.parts})`;
    await this.ensureReady(what);
    // Operators throttle bursts: keep sendIntervalMs between two AT+CMGS.
    const wait = this.lastCmgsAt + this.sendIntervalMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.lastCmgsAt = Date.now();
    let lines: string[];
    try {
      lines = await this.exchange(`AT+CMGS=${part.tpduLength}`, { expect: '+CMGS:', data: part.pdu });
    } catch (error) {
      if (!(error instanceof HallError)) throw error;
      const d = (error.details ?? { deviceReason: error.message }) as FailureDetails;
      const cause = error instanceof AtCommandError ? `${error.final} (${d.deviceReason})` : d.deviceReason;
      throw new HallError('unavailable', `${what} failed on ${this.label}: ${cause}`, d);
    }
    const mr = Number(/\+CMGS:\s*(\d+)/.exec(lines.find((l) => l.startsWith('+CMGS:')) ?? '')?.[1] ?? NaN);
    if (!Number.isInteger(mr)) throw new HallError('unavailable', `${what}: ${this.label} answered OK without +CMGS: <mr>`, { deviceReason: 'no message reference' });
    return mr;
  }
}

/** A driver for one `gsm-modem` entry of the config; call `start()` to connect. */
export function createGsmModem(config: GsmModemConfig, options: GsmModemOptions = {}): GsmModemDriver {
  return new GsmModem(config, options);
}
