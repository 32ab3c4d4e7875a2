/**
 * A GSM modem (DCE) emulator for demo mode and tests: it speaks the part of 3GPP TS 27.005 /
 * 27.007 the console uses, in PDU mode, over any Duplex stream — an in-process pair, a loopback
 * TCP server (what a ser2net serial server looks like), or one end of a `socat` pty pair.
 *
 * Like a real modem it echoes commands until ATE0, answers `\r\n<line>\r\n`, gives AT+CMGS the
 * `> ` prompt without a line end, checks the PDU it receives (decodeSmsPdu, TPDU length against
 * the AT+CMGS argument), assigns rotating message references, and later sends the status report
 * as an unsolicited `+CDS: <len>` + PDU line. URCs can be sprinkled between lines (`urcRate`), and
 * `setMode` makes it misbehave the ways modems do in the field.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import { decodeSmsPdu, encodeAddress, encodeSmscField, encodeTimestamp, type DecodedSubmit } from '../../devices/sms-pdu';

export type ModemSimMode = 'normal' | 'offline' | 'fault' | 'refuse' | 'slow';

export interface ModemSimOptions {
  /** Delay before the status report of each accepted SMS (default 200 ms). */
  reportDelayMs?: number;
  /** Recipients whose status report says failed (TP-ST 0x41). */
  failRecipients?: Iterable<string>;
  /** Probability (0–1) of a URC before each line the modem writes (default 0). */
  urcRate?: number;
  /** How late the modem answers in 'slow' mode (default 2 s). */
  slowDelayMs?: number;
  /** AT+CSQ <rssi> (0–31, 99 unknown); default 21. */
  rssi?: number;
  /** What AT+CSCA? reports. */
  smsc?: string;
  random?: () => number;
}

export interface ReceivedSubmit {
  /** The PDU hex exactly as received (SMSC part included). */
  pdu: string;
  tpduLength: number;
  decoded: DecodedSubmit;
  /** The TP-MR the simulator assigned (`+CMGS: <mr>`). */
  reference: number;
  /** Date.now() when the Ctrl-Z arrived. */
  at: number;
}

export interface StatusReportInput {
  reference: number;
  recipient: string;
  /** TP-ST: 0x00 delivered, 0x20–0x3F still trying, 0x40+ failed. */
  status: number;
  /** When the SC received the submit (TP-SCTS) and when it delivered or gave up (TP-DT). */
  received: Date;
  discharged: Date;
  smsc?: string | null;
}

/**
 * TS 23.040 §9.2.2.3 SMS-STATUS-REPORT: first octet 0x06 (TP-MTI 10, TP-MMS set: no more
 * messages), TP-MR, TP-RA, TP-SCTS, TP-DT, TP-ST; the optional TP-PI and after are left out.
 */
export function encodeStatusReport(r: StatusReportInput): { pdu: string; tpduLength: number } {
  const tpdu = Buffer.concat([
    Buffer.from([0x06, r.reference & 0xff]),
    encodeAddress(r.recipient),
    encodeTimestamp(r.received),
    encodeTimestamp(r.discharged),
    Buffer.from([r.status & 0xff]),
  ]);
  return { pdu: Buffer.concat([encodeSmscField(r.smsc ?? null), tpdu]).toString('hex').toUpperCase(), tpduLength: tpdu.length };
}

/** Two connected in-memory streams: what one writes, the other reads; destroying one closes both. */
export function createDuplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        const p = peer();
        if (!p.destroyed) p.push(chunk);
        callback();
      },
      final(callback) {
        peer().push(null);
        callback();
      },
      destroy(error, callback) {
        const p = peer();
        if (!p.destroyed) p.destroy();
        callback(error);
      },
    });
  ends.push(make(() => ends[1]!), make(() => ends[0]!));
  return [ends[0]!, ends[1]!];
}

const CTRL_Z = '\x1a';
const ESC = '\x1b';
const URCS = ['RING', '+CMTI: "SM",3', '^RSSI:20', '+CREG: 1'];

/** One attached line: its own echo setting, input buffer and AT+CMGS state. */
interface Session {
  stream: Duplex;
  echo: boolean;
  cmee: number;
  pduMode: boolean;
  input: string;
  /** The AT+CMGS argument while collecting PDU hex up to Ctrl-Z. */
  awaitingPdu: number | null;
}

export class ModemSimulator extends EventEmitter {
  mode: ModemSimMode = 'normal';
  reportDelayMs: number;
  failRecipients: Set<string>;
  urcRate: number;
  slowDelayMs: number;
  rssi: number;
  smsc: string;
  /** Every SMS-SUBMIT accepted, in order. */
  readonly submits: ReceivedSubmit[] = [];
  /** Every command line received, with Date.now(), for tests (throttle, init order). */
  readonly commands: { line: string; at: number }[] = [];
  private readonly sessions = new Set<Session>();
  private readonly servers = new Set<net.Server>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private nextReference = 0;

  constructor(options: ModemSimOptions = {}) {
    super();
    this.reportDelayMs = options.reportDelayMs ?? 200;
    this.failRecipients = new Set(options.failRecipients ?? []);
    this.urcRate = options.urcRate ?? 0;
    this.slowDelayMs = options.slowDelayMs ?? 2_000;
    this.rssi = options.rssi ?? 21;
    this.smsc = options.smsc ?? '+8613800755500';
    this.random = options.random ?? Math.random;
  }

  /** 'slow' answers `delayMs` late (default: slowDelayMs). */
  setMode(mode: ModemSimMode, delayMs?: number): void {
    this.mode = mode;
    if (delayMs !== undefined) this.slowDelayMs = delayMs;
  }

  /** Number of attached lines (a test waits for the driver to be connected). */
  get attached(): number {
    return this.sessions.size;
  }

  /** Serves the modem on `stream` until it closes; returns a detach function. */
  attach(stream: Duplex): () => void {
    // A fresh line is a modem after power-on: echo on, errors plain, text mode.
    const session: Session = { stream, echo: true, cmee: 0, pduMode: false, input: '', awaitingPdu: null };
    this.sessions.add(session);
    const detach = () => {
      if (!this.sessions.delete(session)) return;
      this.emit('detach');
    };
    stream.on('data', (chunk: Buffer) => this.onInput(session, chunk.toString('latin1')));
    stream.on('error', detach);
    stream.on('close', detach);
    stream.on('end', detach);
    this.emit('attach');
    return detach;
  }

  /** A loopback TCP server, one modem session per connection (ser2net style); resolves to the port. */
  listenTcp(port = 0): Promise<number> {
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.attach(socket);
    });
    this.servers.add(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  /** Opens a serial device (one end of a socat pty pair, a USB-serial adapter) and serves it. */
  async openPty(path: string, baudRate = 115_200): Promise<SerialPort> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    this.attach(port);
    return port;
  }

  /** Writes an unsolicited line to every attached line (tests inject RING, +CDS …). */
  sendUrc(...lines: string[]): void {
    for (const s of this.sessions) this.writeLines(s, lines, false);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of [...this.sessions]) s.stream.destroy();
    this.sessions.clear();
    await Promise.all([...this.servers].map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    this.servers.clear();
  }

  // ---- the DCE ---------------------------------------------------------------------------------

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private write(s: Session, text: string): void {
    if (!s.stream.destroyed && this.sessions.has(s)) s.stream.write(text);
  }

  /** Each line as `\r\n<line>\r\n`, with a URC slipped in before any of them at `urcRate`. */
  private writeLines(s: Session, lines: string[], sprinkle = true): void {
    let out = '';
    for (const line of lines) {
      if (sprinkle && this.urcRate > 0 && this.random() < this.urcRate) out += `\r\n${URCS[Math.floor(this.random() * URCS.length)]}\r\n`;
      out += `\r\n${line}\r\n`;
    }
    this.write(s, out);
  }

  /** Answers now, or late in 'slow' mode; never in 'offline' mode. */
  private answer(s: Session, lines: string[]): void {
    if (this.mode === 'offline') return;
    if (this.mode === 'slow') this.later(this.slowDelayMs, () => this.writeLines(s, lines));
    else this.writeLines(s, lines);
  }

  private error(s: Session, cme: number): string {
    return s.cmee === 0 ? 'ERROR' : `+CME ERROR: ${cme}`;
  }

  private onInput(s: Session, text: string): void {
    if (this.mode === 'offline') return; // a dead modem hears nothing
    s.input += text;
    for (;;) {
      if (s.awaitingPdu !== null) {
        // Ctrl-Z sends the PDU, ESC cancels it (27.005 §3.5.1).
        const ends = [s.input.indexOf(CTRL_Z), s.input.indexOf(ESC)].filter((i) => i >= 0);
        if (ends.length === 0) return;
        const end = Math.min(...ends);
        const hex = s.input.slice(0, end).replace(/\s+/g, '');
        const cancelled = s.input[end] === ESC;
        const length = s.awaitingPdu;
        s.input = s.input.slice(end + 1);
        s.awaitingPdu = null;
        if (cancelled) this.answer(s, ['OK']);
        else this.onPdu(s, hex, length);
        continue;
      }
      const end = s.input.search(/[\r\n]/);
      if (end < 0) return;
      const line = s.input.slice(0, end).trim();
      s.input = s.input.slice(end + 1);
      if (!line) continue;
      if (s.echo) this.write(s, `${line}\r`);
      this.commands.push({ line, at: Date.now() });
      this.emit('command', line);
      this.onCommand(s, line);
    }
  }

  private onCommand(s: Session, line: string): void {
    const cmd = line.toUpperCase();
    const simDead = this.mode === 'fault';
    let m: RegExpExecArray | null;
    if (cmd === 'AT') return this.answer(s, ['OK']);
    if ((m = /^ATE([01])$/.exec(cmd))) {
      s.echo = m[1] === '1';
      return this.answer(s, ['OK']);
    }
    if ((m = /^AT\+CMEE=([012])$/.exec(cmd))) {
      s.cmee = Number(m[1]);
      return this.answer(s, ['OK']);
    }
    if ((m = /^AT\+CMGF=([01])$/.exec(cmd))) {
      if (simDead) return this.answer(s, [this.error(s, 10)]);
      s.pduMode = m[1] === '0';
      return this.answer(s, ['OK']);
    }
    if (/^AT\+CNMI=/.test(cmd)) return this.answer(s, [simDead ? this.error(s, 10) : 'OK']);
    if (cmd === 'AT+CSCA?') return this.answer(s, simDead ? [this.error(s, 10)] : [`+CSCA: "${this.smsc}",145`, 'OK']);
    if ((m = /^AT\+CSCA="(\+?\d+)"/.exec(cmd))) {
      if (simDead) return this.answer(s, [this.error(s, 10)]);
      this.smsc = m[1]!;
      return this.answer(s, ['OK']);
    }
    if (cmd === 'AT+CSQ') return this.answer(s, [`+CSQ: ${simDead ? 99 : this.rssi},99`, 'OK']);
    if ((m = /^AT\+CMGS=(\d+)$/.exec(cmd))) {
      if (simDead) return this.answer(s, [this.error(s, 10)]);
      if (!s.pduMode) return this.answer(s, ['+CMS ERROR: 302']);
      s.awaitingPdu = Number(m[1]);
      // The prompt has no line end: the PDU follows on the same line.
      if (this.mode === 'slow') this.later(this.slowDelayMs, () => this.write(s, '\r\n> '));
      else this.write(s, '\r\n> ');
      return;
    }
    this.answer(s, ['ERROR']);
  }

  private onPdu(s: Session, hex: string, tpduLength: number): void {
    let decoded: DecodedSubmit;
    try {
      const d = decodeSmsPdu(hex);
      if (d.type !== 'SMS-SUBMIT') throw new Error(`${d.type} is not an SMS-SUBMIT`);
      const smscOctets = parseInt(hex.slice(0, 2), 16) + 1;
      if (hex.length / 2 - smscOctets !== tpduLength) throw new Error(`TPDU is ${hex.length / 2 - smscOctets} octets, AT+CMGS said ${tpduLength}`);
      decoded = d;
    } catch (error) {
      this.emit('bad-pdu', hex, (error as Error).message);
      return this.answer(s, ['+CMS ERROR: 304']); // invalid PDU mode parameter
    }
    if (this.mode === 'refuse') return this.answer(s, ['+CMS ERROR: 38']); // network out of order
    const reference = this.nextReference;
    this.nextReference = (this.nextReference + 1) & 0xff;
    const submit: ReceivedSubmit = { pdu: hex.toUpperCase(), tpduLength, decoded, reference, at: Date.now() };
    this.submits.push(submit);
    this.emit('submit', submit);
    this.answer(s, [`+CMGS: ${reference}`, 'OK']);
    if (!decoded.requestStatusReport) return;
    const received = new Date();
    this.later(this.reportDelayMs, () => {
      if (this.mode === 'offline') return;
      const status = this.failRecipients.has(decoded.number) ? 0x41 : 0x00;
      const report = encodeStatusReport({ reference, recipient: decoded.number, status, received, discharged: new Date() });
      this.writeLines(s, [`+CDS: ${report.tpduLength}`, report.pdu], false);
      this.emit('report', { reference, recipient: decoded.number, status });
    });
  }
}
