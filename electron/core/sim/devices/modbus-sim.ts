/**
 * A simulated amplifier zone controller: a Modbus slave with N coils, answering Modbus TCP on
 * loopback and Modbus RTU on any Duplex (a serial port, one end of a socat pty pair). Used by demo
 * mode and by the tests, and itself tested against mbpoll so it is not only proven against our
 * own client.
 *
 * Modes are the faults seen in the field:
 *   normal   answers every request
 *   offline  TCP: drops every connection; RTU: silent (a unit unplugged from the RS-485 bus)
 *   fault    exception 4, slave device failure (an amplifier in protection)
 *   refuse   exception 2, illegal data address (the config names coils the unit does not have)
 *   slow     answers after `slowMs` (a busy gateway)
 *   stuck    acknowledges writes but a coil does not change (a welded relay, manual override)
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import {
  FN_READ_COILS,
  FN_WRITE_COIL,
  FN_WRITE_COILS,
  encodeMbap,
  encodeRtu,
  packBits,
  rtuCrcOk,
  splitMbap,
  unpackBits,
} from '../../devices/modbus';

export type AmplifierSimMode = 'normal' | 'offline' | 'fault' | 'refuse' | 'slow' | 'stuck';

export interface CoilWrite {
  at: string;
  via: 'tcp' | 'rtu';
  address: number;
  values: boolean[];
}

export interface AmplifierSimulatorOptions {
  /** Default 16. */
  coils?: number;
  /** The RTU address it answers to (TCP answers any unit id, as most gateways do). Default 1. */
  unitId?: number;
  /** Delay in 'slow' mode. Default 1500 ms. */
  slowMs?: number;
  now?: () => Date;
}

/** Length of the RTU request that starts at `at` (function known), or null when it cannot be told yet. */
function rtuRequestLength(buffer: Buffer, at: number): number | null {
  const fn = buffer[at + 1];
  if (fn === FN_READ_COILS || fn === FN_WRITE_COIL) return 8;
  if (fn === FN_WRITE_COILS) return buffer.length > at + 6 ? 9 + buffer[at + 6]! : null;
  return 0;
}

export class AmplifierSimulator {
  private state: boolean[];
  private mode: AmplifierSimMode = 'normal';
  private stuckCoil: number | null = null;
  private readonly unitId: number;
  private readonly slowMs: number;
  private readonly now: () => Date;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly detachers: (() => void)[] = [];
  readonly writes: CoilWrite[] = [];
  /** Requests seen (after offline filtering), for tests that wait on traffic. */
  requests = 0;

  constructor(options: AmplifierSimulatorOptions = {}) {
    this.state = new Array<boolean>(options.coils ?? 16).fill(false);
    this.unitId = options.unitId ?? 1;
    this.slowMs = options.slowMs ?? 1_500;
    this.now = options.now ?? (() => new Date());
  }

  get coils(): boolean[] {
    return [...this.state];
  }

  /** Sets a coil from outside (a hand on the front panel). */
  setCoil(address: number, value: boolean): void {
    this.state[address] = value;
  }

  /** `stuck` with a coil: only that coil ignores writes; without: every coil does. */
  setMode(mode: AmplifierSimMode, options: { coil?: number } = {}): void {
    this.mode = mode;
    this.stuckCoil = mode === 'stuck' ? (options.coil ?? null) : null;
    if (mode === 'offline') for (const s of this.sockets) s.destroy();
  }

  get currentMode(): AmplifierSimMode {
    return this.mode;
  }

  /** Answers one request PDU; null means stay silent. */
  private answer(pdu: Buffer, via: 'tcp' | 'rtu'): Buffer | null {
    const fn = pdu[0]!;
    const exception = (code: number) => Buffer.from([fn | 0x80, code]);
    if (this.mode === 'fault') return exception(4);
    if (this.mode === 'refuse') return exception(2);
    if (fn !== FN_READ_COILS && fn !== FN_WRITE_COIL && fn !== FN_WRITE_COILS) return exception(1);
    if (pdu.length < 5) return exception(3);
    const address = pdu.readUInt16BE(1);
    const word = pdu.readUInt16BE(3);
    if (fn === FN_WRITE_COIL) {
      if (word !== 0xff00 && word !== 0x0000) return exception(3);
      if (address >= this.state.length) return exception(2);
      this.write(address, [word === 0xff00], via);
      return Buffer.from(pdu.subarray(0, 5));
    }
    if (word < 1 || word > (fn === FN_READ_COILS ? 2000 : 1968)) return exception(3);
    if (address + word > this.state.length) return exception(2);
    if (fn === FN_READ_COILS) {
      const bits = packBits(this.state.slice(address, address + word));
      return Buffer.concat([Buffer.from([fn, bits.length]), bits]);
    }
    if (pdu[5] !== Math.ceil(word / 8) || pdu.length !== 6 + pdu[5]) return exception(3);
    this.write(address, unpackBits(pdu.subarray(6), word), via);
    return Buffer.from(pdu.subarray(0, 5));
  }

  private write(address: number, values: boolean[], via: 'tcp' | 'rtu'): void {
    this.writes.push({ at: this.now().toISOString(), via, address, values });
    values.forEach((v, i) => {
      const coil = address + i;
      const stuck = this.mode === 'stuck' && (this.stuckCoil === null || this.stuckCoil === coil);
      if (!stuck) this.state[coil] = v;
    });
  }

  private reply(send: () => void): void {
    if (this.mode === 'slow') setTimeout(send, this.slowMs).unref?.();
    else send();
  }

  /** Modbus TCP on `host` (loopback by default); resolves to the port. */
  listenTcp(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = net.createServer((socket) => {
      if (this.mode === 'offline') {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let buffer: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        const split = splitMbap(buffer);
        buffer = split.rest;
        if (split.bad) {
          socket.destroy(); // not Modbus: a real gateway hangs up too
          return;
        }
        for (const frame of split.frames) {
          if (this.mode === 'offline') return;
          this.requests++;
          const pdu = this.answer(frame.pdu, 'tcp');
          if (pdu) this.reply(() => socket.writable && socket.write(encodeMbap(frame.transactionId, frame.unitId, pdu)));
        }
      });
    });
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  /** Modbus RTU on a stream; returns a function that detaches it. Garbage is skipped byte by byte. */
  attach(stream: Duplex): () => void {
    let buffer: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      let at = 0;
      while (buffer.length - at >= 4) {
        const length = rtuRequestLength(buffer, at);
        if (length === null) break;
        if (length > 0 && buffer.length - at < length) {
          // Not all there yet, or the start was noise: skip ahead only if a whole good frame follows.
          const next = this.nextGoodFrame(buffer, at + 1);
          if (next === null) break;
          at = next;
          continue;
        }
        const frame = length > 0 ? buffer.subarray(at, at + length) : null;
        if (frame && frame[0] === this.unitId && rtuCrcOk(frame)) {
          at += length;
          if (this.mode === 'offline') continue;
          this.requests++;
          const pdu = this.answer(Buffer.from(frame.subarray(1, length - 2)), 'rtu');
          if (pdu) this.reply(() => stream.writable && stream.write(encodeRtu(this.unitId, pdu)));
          continue;
        }
        if (frame && rtuCrcOk(frame)) {
          at += length; // a good frame for another unit on the bus: not ours to answer
          continue;
        }
        at++;
      }
      buffer = buffer.subarray(at);
    };
    stream.on('data', onData);
    const detach = () => stream.off('data', onData);
    this.detachers.push(detach);
    return detach;
  }

  private nextGoodFrame(buffer: Buffer, from: number): number | null {
    for (let j = from; j + 4 <= buffer.length; j++) {
      const length = rtuRequestLength(buffer, j);
      if (length && j + length <= buffer.length && rtuCrcOk(buffer.subarray(j, j + length))) return j;
    }
    return null;
  }

  /** Opens a serial path (e.g. one end of a socat pty pair) and answers Modbus RTU on it. */
  async openPty(path: string, baudRate = 9600): Promise<void> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on('error', () => undefined); // the other end going away is the test's business
    this.attach(port);
    this.detachers.push(() => {
      if (port.isOpen) port.close();
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    for (const d of this.detachers.splice(0)) d();
    await Promise.all(this.servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
