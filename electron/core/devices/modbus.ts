/**
 * A small Modbus codec and client for the amplifier zone relays (devices-v1 `amplifier-zones`).
 * Hand-written because only coils are needed: 0x01 read coils, 0x05 write single coil, 0x0F write
 * multiple coils, and the exception answers (function | 0x80, exception code).
 *
 *   RTU (RS-485):  unit · PDU · CRC-16/MODBUS (low byte first)
 *   TCP (MBAP):    transaction id (2) · protocol 0 (2) · length of unit+PDU (2) · unit · PDU
 *
 * RTU has no framing of its own (the standard uses 3.5 character times of silence, which a
 * USB adapter or a pty does not preserve), so a response is found by what it must look like:
 * our unit id, our function (or function | 0x80), the length that function implies, and a CRC
 * that matches. Anything else before it is garbage and is dropped byte by byte.
 *
 * Addresses here are PDU addresses (0-based): coil 0 is what mbpoll calls reference 1 (or 0 with -0).
 */
import { HallError } from '../api/errors';
import type { DeviceLink } from './device-link';

export const FN_READ_COILS = 0x01;
export const FN_WRITE_COIL = 0x05;
export const FN_WRITE_COILS = 0x0f;

/** Exception codes by number, in the words of the Modbus application protocol spec. */
export const MODBUS_EXCEPTIONS: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'slave device failure',
  5: 'acknowledge',
  6: 'slave device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};
export const exceptionName = (code: number): string => MODBUS_EXCEPTIONS[code] ?? `unknown exception ${code}`;

/** CRC-16/MODBUS: poly 0xA001 (reflected 0x8005), init 0xFFFF. */
export function crc16Modbus(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export type ModbusRequest =
  | { fn: typeof FN_READ_COILS; address: number; count: number }
  | { fn: typeof FN_WRITE_COIL; address: number; value: boolean }
  | { fn: typeof FN_WRITE_COILS; address: number; values: readonly boolean[] };

export type ModbusResponse =
  | { fn: typeof FN_READ_COILS; bits: boolean[] }
  | { fn: typeof FN_WRITE_COIL; address: number; value: boolean }
  | { fn: typeof FN_WRITE_COILS; address: number; count: number }
  | { fn: number; exception: number; name: string };

export function packBits(values: readonly boolean[]): Buffer {
  const out = Buffer.alloc(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}
export function unpackBits(bytes: Uint8Array, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => ((bytes[i >> 3]! >> (i & 7)) & 1) === 1);
}

function checkAddress(address: number, count: number, max: number, what: string): void {
  if (!Number.isInteger(address) || address < 0 || address > 0xffff) throw new RangeError(`${what}: coil address ${address} is not 0–65535`);
  if (!Number.isInteger(count) || count < 1 || count > max || address + count > 0x10000) throw new RangeError(`${what}: ${count} coils from ${address} is not 1–${max} within 0–65535`);
}

export function encodeRequestPdu(req: ModbusRequest): Buffer {
  switch (req.fn) {
    case FN_READ_COILS:
      checkAddress(req.address, req.count, 2000, 'read coils');
      return Buffer.from([req.fn, req.address >> 8, req.address & 0xff, req.count >> 8, req.count & 0xff]);
    case FN_WRITE_COIL:
      checkAddress(req.address, 1, 1, 'write coil');
      return Buffer.from([req.fn, req.address >> 8, req.address & 0xff, req.value ? 0xff : 0x00, 0x00]);
    case FN_WRITE_COILS: {
      checkAddress(req.address, req.values.length, 1968, 'write coils');
      const bits = packBits(req.values);
      const n = req.values.length;
      return Buffer.concat([Buffer.from([req.fn, req.address >> 8, req.address & 0xff, n >> 8, n & 0xff, bits.length]), bits]);
    }
  }
}

/** How many PDU bytes the normal answer to `req` has (the exception answer always has 2). */
export function responsePduLength(req: ModbusRequest): number {
  return req.fn === FN_READ_COILS ? 2 + Math.ceil(req.count / 8) : 5;
}

/** Decodes a response PDU and checks that it answers `req`; a mismatch throws. */
export function decodeResponsePdu(pdu: Buffer, req: ModbusRequest): ModbusResponse {
  const fn = pdu[0] ?? -1;
  if (fn === (req.fn | 0x80) && pdu.length === 2) return { fn: req.fn, exception: pdu[1]!, name: exceptionName(pdu[1]!) };
  if (fn !== req.fn || pdu.length !== responsePduLength(req)) throw new Error(`response ${pdu.toString('hex')} does not answer function 0x${req.fn.toString(16)}`);
  if (req.fn === FN_READ_COILS) {
    if (pdu[1] !== pdu.length - 2) throw new Error(`read coils: byte count ${pdu[1]} in a ${pdu.length}-byte response`);
    return { fn: FN_READ_COILS, bits: unpackBits(pdu.subarray(2), req.count) };
  }
  const address = pdu.readUInt16BE(1);
  if (address !== req.address) throw new Error(`response names coil ${address}, the request coil ${req.address}`);
  if (req.fn === FN_WRITE_COIL) return { fn: FN_WRITE_COIL, address, value: pdu.readUInt16BE(3) === 0xff00 };
  return { fn: FN_WRITE_COILS, address, count: pdu.readUInt16BE(3) };
}

export function encodeRtu(unitId: number, pdu: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([unitId]), pdu]);
  const crc = crc16Modbus(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]);
}

export function encodeMbap(transactionId: number, unitId: number, pdu: Buffer): Buffer {
  const head = Buffer.alloc(7);
  head.writeUInt16BE(transactionId & 0xffff, 0);
  head.writeUInt16BE(0, 2);
  head.writeUInt16BE(pdu.length + 1, 4);
  head[6] = unitId;
  return Buffer.concat([head, pdu]);
}

/** True when the last two bytes of `frame` are the CRC of the rest. */
export function rtuCrcOk(frame: Uint8Array): boolean {
  if (frame.length < 4) return false;
  const crc = crc16Modbus(frame.subarray(0, frame.length - 2));
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >> 8;
}

/**
 * Finds the answer to one RTU request in the bytes received so far. Returns the PDU once a whole
 * frame with a good CRC is there, `null` while one may still be arriving; `dropped` counts the
 * garbage bytes skipped (a noisy line, a late answer, another master on the bus).
 */
export function findRtuResponse(buffer: Buffer, unitId: number, req: ModbusRequest): { pdu: Buffer | null; consumed: number; dropped: number } {
  const normal = 1 + responsePduLength(req) + 2;
  for (let i = 0; i < buffer.length; i++) {
    if (buffer[i] !== unitId) continue;
    if (i + 1 >= buffer.length) return { pdu: null, consumed: i, dropped: i };
    const fn = buffer[i + 1]!;
    const length = fn === req.fn ? normal : fn === (req.fn | 0x80) ? 5 : 0;
    if (length === 0) continue;
    if (i + length > buffer.length) return { pdu: null, consumed: i, dropped: i };
    const frame = buffer.subarray(i, i + length);
    if (rtuCrcOk(frame)) return { pdu: Buffer.from(frame.subarray(1, length - 2)), consumed: i + length, dropped: i };
  }
  return { pdu: null, consumed: buffer.length, dropped: buffer.length };
}

/** Splits MBAP frames off a TCP stream; `bad` when the header cannot be Modbus (the stream is lost). */
export function splitMbap(buffer: Buffer): { frames: { transactionId: number; unitId: number; pdu: Buffer }[]; rest: Buffer; bad: boolean } {
  const frames: { transactionId: number; unitId: number; pdu: Buffer }[] = [];
  let at = 0;
  while (buffer.length - at >= 7) {
    const length = buffer.readUInt16BE(at + 4);
    if (buffer.readUInt16BE(at + 2) !== 0 || length < 2 || length > 254) return { frames, rest: buffer.subarray(at), bad: true };
    if (buffer.length - at < 6 + length) break;
    frames.push({ transactionId: buffer.readUInt16BE(at), unitId: buffer[at + 6]!, pdu: Buffer.from(buffer.subarray(at + 7, at + 6 + length)) });
    at += 6 + length;
  }
  return { frames, rest: buffer.subarray(at), bad: false };
}

// --- the client --------------------------------------------------------------------------------

export interface ModbusClientOptions {
  /** "amplifier-zones amp-1": starts every error message. */
  label: string;
  framing: 'rtu' | 'tcp';
  unitId: number;
  timeoutMs: number;
}

interface Pending {
  req: ModbusRequest;
  transactionId: number;
  resolve: (pdu: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const describe = (req: ModbusRequest): string =>
  req.fn === FN_READ_COILS
    ? `read coils ${req.address}–${req.address + req.count - 1}`
    : req.fn === FN_WRITE_COIL
      ? `write coil ${req.address} ${req.value ? 'on' : 'off'}`
      : `write coils ${req.address}–${req.address + req.values.length - 1}`;

/**
 * One request at a time over a DeviceLink (RS-485 is half duplex and cheap TCP gateways serialise
 * anyway). Each attempt is timed out; a silent device gets one retry. A timeout with garbage on
 * the line, or a second timeout, drops the link: the next connect re-reads the coils before the
 * device is called online again, so health never claims a device that does not answer.
 */
export class ModbusClient {
  private link: Pick<DeviceLink, 'write' | 'drop' | 'markGood' | 'fault' | 'clearFault'> | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private garbage = 0;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private transactionId = 0;

  constructor(private readonly options: ModbusClientOptions) {}

  attach(link: Pick<DeviceLink, 'write' | 'drop' | 'markGood' | 'fault' | 'clearFault'>): void {
    this.link = link;
  }

  readCoils(address: number, count: number): Promise<boolean[]> {
    return this.request({ fn: FN_READ_COILS, address, count }).then((r) => (r as { bits: boolean[] }).bits);
  }
  async writeCoil(address: number, value: boolean): Promise<void> {
    await this.request({ fn: FN_WRITE_COIL, address, value });
  }
  async writeCoils(address: number, values: readonly boolean[]): Promise<void> {
    await this.request({ fn: FN_WRITE_COILS, address, values });
  }

  /** Queued behind the previous request; rejects with HallError('unavailable') naming the request. */
  request(req: ModbusRequest): Promise<ModbusResponse> {
    const run = this.queue.then(() => this.exchange(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async exchange(req: ModbusRequest): Promise<ModbusResponse> {
    const what = `${this.options.label}: ${describe(req)}`;
    encodeRequestPdu(req); // range errors before anything goes out
    let pdu: Buffer | null = null;
    for (let attempt = 1; attempt <= 2 && !pdu; attempt++) {
      try {
        pdu = await this.attempt(req);
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        const garbage = this.garbage > 0 || this.buffer.length > 0;
        if (garbage || attempt === 2) {
          const reason = `no valid answer to ${describe(req)} within ${this.options.timeoutMs} ms${garbage ? ' (garbage on the line)' : ` (${attempt} attempts)`}`;
          this.link?.drop(reason);
          throw new HallError('unavailable', `${this.options.label}: ${reason}`, { deviceReason: 'timeout' });
        }
      }
    }
    let response: ModbusResponse;
    try {
      response = decodeResponsePdu(pdu!, req);
    } catch (error) {
      const reason = `bad answer: ${(error as Error).message}`;
      this.link?.drop(reason);
      throw new HallError('unavailable', `${what}: ${reason}`, { deviceReason: reason });
    }
    this.link?.markGood();
    if ('exception' in response) {
      // The device answers but says no: it is reachable, so 'fault' rather than 'offline'.
      const reason = `exception ${response.exception} (${response.name})`;
      this.link?.fault(reason);
      throw new HallError('unavailable', `${what}: ${reason}`, { deviceReason: response.name, code: response.exception });
    }
    this.link?.clearFault();
    return response;
  }

  private attempt(req: ModbusRequest): Promise<Buffer> {
    const link = this.link;
    if (!link) return Promise.reject(new HallError('unavailable', `${this.options.label}: not attached to a link`));
    // Bytes left from before this request are late answers or noise: never part of this answer.
    this.buffer = Buffer.alloc(0);
    this.garbage = 0;
    this.transactionId = (this.transactionId + 1) & 0xffff;
    const pdu = encodeRequestPdu(req);
    const frame = this.options.framing === 'rtu' ? encodeRtu(this.options.unitId, pdu) : encodeMbap(this.transactionId, this.options.unitId, pdu);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new TimeoutError());
      }, this.options.timeoutMs);
      this.pending = { req, transactionId: this.transactionId, resolve, reject, timer };
      link.write(frame).catch((error: Error) => this.settle(error));
    });
  }

  private settle(result: Buffer | Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    clearTimeout(pending.timer);
    if (result instanceof Error) pending.reject(result);
    else pending.resolve(result);
  }

  /** Every chunk from the link. */
  onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const pending = this.pending;
    if (!pending) {
      // Nobody asked: count it so a timeout in progress knows the line is noisy, keep it bounded.
      this.garbage += chunk.length;
      this.buffer = Buffer.alloc(0);
      return;
    }
    if (this.options.framing === 'rtu') {
      const found = findRtuResponse(this.buffer, this.options.unitId, pending.req);
      this.garbage += found.dropped;
      this.buffer = this.buffer.subarray(found.consumed);
      if (found.pdu) this.settle(found.pdu);
      return;
    }
    const split = splitMbap(this.buffer);
    this.buffer = split.rest;
    if (split.bad) {
      this.link?.drop('the peer does not speak Modbus TCP (bad MBAP header)');
      return;
    }
    // A frame with another transaction id answers a request that already timed out: skip it.
    const mine = split.frames.find((f) => f.transactionId === pending.transactionId);
    this.garbage += split.frames.length - (mine ? 1 : 0);
    if (mine) this.settle(mine.pdu);
  }

  /** The link went down: the request in flight fails now rather than at its timeout. */
  onDown(reason: string): void {
    this.buffer = Buffer.alloc(0);
    const pending = this.pending;
    if (pending) this.settle(new HallError('unavailable', `${this.options.label}: ${describe(pending.req)}: link lost: ${reason}`, { deviceReason: reason }));
  }
}

class TimeoutError extends Error {}
