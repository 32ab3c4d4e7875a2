/**
 * IP terminal protocol for the village/town loudspeakers (大喇叭), pure codec, no I/O.
 *
 * Frame structure of the IP command interface of GD/J 089-2018 as common vendors implement it
 * (docs: /work/shared/specs/devices-v1.md, "IP terminal protocol"). Integers are big-endian.
 *
 *   off  size  field
 *   0    2     magic FE FD
 *   2    2     version 01 00
 *   4    4     session id (the reply carries the requester's id)
 *   8    1     packet type: 1 request/report, 2 reply
 *   9    1     signature flag: 0 none (v1 never signs)
 *   10   2     length of the whole packet, header to CRC inclusive
 *   12   12    source resource code, BCD: one F nibble + 23 digits
 *   24   2     target count n
 *   26   12n   target resource codes
 *   26+12n 1   business type
 *   27+12n 2   business data length m
 *   29+12n m   business data
 *   …      …   signature block (only when the flag is set; kept raw, never produced)
 *   L-4    4   CRC32 (IEEE 802.3, as zlib.crc32) over every preceding byte
 *
 * So a frame is 33 + 12n + m bytes (plus any signature). Business-type codes differ between
 * vendors: they live in ONE table, BUSINESS, to be confirmed against the vendor's documentation.
 *
 * `IpTerminalParser` takes arbitrary TCP chunks and returns whole frames; a frame with a bad CRC
 * or an impossible length is dropped (reported through `onDrop`) and the reader resynchronises on
 * the next magic.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { bcdToEbmId, bcdToResourceCode, ebmIdToBcd, resourceCodeToBcd } from './ebm';

export class IpTerminalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpTerminalError';
  }
}

export const MAGIC = Buffer.from([0xfe, 0xfd]);
export const PROTOCOL_VERSION = 0x0100;
export const PACKET_REQUEST = 1;
export const PACKET_REPLY = 2;
/** Bytes before the source resource code. */
export const HEADER_BYTES = 12;
/** Frame with no target and no business data. */
export const MIN_FRAME_BYTES = 33;
const CODE_BYTES = 12;

/** CRC-32/IEEE as zlib computes it (node:zlib has crc32 from Node 20.15; the project needs ≥ 20.19). */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Business data, per type
// ---------------------------------------------------------------------------------------------

/** Broadcast kind (1 byte). */
export const BROADCAST_KIND = { 'platform-drill': 1, 'simulated-drill': 2, 'real-drill': 3, emergency: 4, daily: 5 } as const;
export type BroadcastKind = keyof typeof BROADCAST_KIND;
/** Terminal work state (1 byte). */
export const WORK_STATE = { idle: 1, broadcasting: 2, fault: 3 } as const;
export type WorkState = keyof typeof WORK_STATE;
/** Reply result (1 byte). */
export const REPLY_RESULT = { ok: 0, 'bad-request': 13, 'terminal-error': 60 } as const;
export type ReplyResult = keyof typeof REPLY_RESULT;
/** Fault report status (1 byte). */
export const FAULT_STATUS = { fault: 1, recovered: 2 } as const;
export type FaultStatus = keyof typeof FAULT_STATUS;
/** Broadcast result state (1 byte). */
export const BROADCAST_STATE = { 'not-processed': 0, waiting: 1, playing: 2, succeeded: 3, failed: 4, cancelled: 5 } as const;
export type BroadcastState = keyof typeof BROADCAST_STATE;

export interface StartBroadcastData {
  /** 35-digit EBM ID (see ebm.ts). */
  ebmId: string;
  kind: BroadcastKind;
  /** Event level 1 特别重大, 2 重大, 3 较大, 4 一般. */
  level: 1 | 2 | 3 | 4;
  /** Event type code, exactly 5 ASCII characters (e.g. "11B03"). */
  eventType: string;
  /** 0–100, or null to leave the terminal's volume unchanged (0xFF on the wire). */
  volume: number | null;
  /** Repeat count 0–255. */
  repeat: number;
  /** Where the terminal fetches the audio (UTF-8, up to 65535 bytes). */
  audioUrl: string;
}
export interface StopBroadcastData { ebmId: string }
export interface SetVolumeData { volume: number }
export type QueryStatusData = Record<string, never>;
export interface TimeSyncData { utcSeconds: number }
export interface HeartbeatData {
  workState: WorkState;
  firstRegistration: boolean;
  /** Physical (MAC) address as "AA:BB:CC:DD:EE:FF". */
  physicalAddress: string;
}
export interface ReplyData { result: ReplyResult; workState: WorkState; volume: number }
export interface FaultReportData {
  status: FaultStatus;
  /** Vendor-specific fault type code. */
  faultType: number;
}
export interface BroadcastResultData {
  ebmId: string;
  state: BroadcastState;
  startUtc: number;
  endUtc: number;
  playCount: number;
}

export interface BusinessDataMap {
  startBroadcast: StartBroadcastData;
  stopBroadcast: StopBroadcastData;
  setVolume: SetVolumeData;
  queryStatus: QueryStatusData;
  timeSync: TimeSyncData;
  heartbeat: HeartbeatData;
  reply: ReplyData;
  faultReport: FaultReportData;
  broadcastResult: BroadcastResultData;
}
export type BusinessName = keyof BusinessDataMap;

interface BusinessCodec<T> {
  /** Business-type code on the wire: CONFIRM AGAINST THE VENDOR'S DOCUMENTATION. */
  code: number;
  direction: 'console→terminal' | 'terminal→console';
  encode(data: T): Buffer;
  decode(buf: Buffer): T;
}

function byName<M extends Record<string, number>>(map: M, value: number, what: string): keyof M {
  for (const [k, v] of Object.entries(map)) if (v === value) return k;
  throw new IpTerminalError(`unknown ${what} ${value}`);
}

function u8(v: number, what: string, max = 255): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new IpTerminalError(`${what} ${v} is out of range 0–${max}`);
  return v;
}

function u32be(v: number, what: string): Buffer {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new IpTerminalError(`${what} ${v} is not a 32-bit unsigned integer`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}

function exactLength(buf: Buffer, n: number, what: string): void {
  if (buf.length !== n) throw new IpTerminalError(`${what} data is ${buf.length} bytes, expected ${n}`);
}

function volumeByte(v: number | null): number {
  return v === null ? 0xff : u8(v, 'volume', 100);
}

/**
 * THE business-type table: code, direction and data codec of every type the console uses.
 * Codes follow the spec's tables; vendors differ, so a deployment adjusts them here only.
 */
export const BUSINESS: { readonly [K in BusinessName]: BusinessCodec<BusinessDataMap[K]> } = {
  startBroadcast: {
    code: 0x01,
    direction: 'console→terminal',
    // EBM ID (18) · kind (1) · level (1) · event type (5 ASCII) · volume (1) · repeat (1) · URL length (2) · URL
    encode(d) {
      if (!/^[\x20-\x7e]{5}$/.test(d.eventType)) throw new IpTerminalError(`event type "${d.eventType}" must be 5 ASCII characters`);
      if (![1, 2, 3, 4].includes(d.level)) throw new IpTerminalError(`event level ${d.level} is not 1–4`);
      const url = Buffer.from(d.audioUrl, 'utf8');
      if (url.length > 0xffff) throw new IpTerminalError('audio URL longer than 65535 bytes');
      const fixed = Buffer.alloc(11);
      fixed[0] = BROADCAST_KIND[d.kind];
      fixed[1] = d.level;
      fixed.write(d.eventType, 2, 'latin1');
      fixed[7] = volumeByte(d.volume);
      fixed[8] = u8(d.repeat, 'repeat count');
      fixed.writeUInt16BE(url.length, 9);
      return Buffer.concat([ebmIdToBcd(d.ebmId), fixed, url]);
    },
    decode(b) {
      if (b.length < 29) throw new IpTerminalError(`start broadcast data is ${b.length} bytes, at least 29 expected`);
      const urlLen = b.readUInt16BE(27);
      exactLength(b, 29 + urlLen, 'start broadcast');
      const level = b[19]!;
      if (level < 1 || level > 4) throw new IpTerminalError(`event level ${level} is not 1–4`);
      const vol = b[25]!;
      return {
        ebmId: bcdToEbmId(b.subarray(0, 18)),
        kind: byName(BROADCAST_KIND, b[18]!, 'broadcast kind'),
        level: level as 1 | 2 | 3 | 4,
        eventType: b.toString('latin1', 20, 25),
        volume: vol === 0xff ? null : u8(vol, 'volume', 100),
        repeat: b[26]!,
        audioUrl: b.toString('utf8', 29, 29 + urlLen),
      };
    },
  },
  stopBroadcast: {
    code: 0x02,
    direction: 'console→terminal',
    encode: (d) => ebmIdToBcd(d.ebmId),
    decode(b) {
      exactLength(b, 18, 'stop broadcast');
      return { ebmId: bcdToEbmId(b) };
    },
  },
  setVolume: {
    code: 0x03,
    direction: 'console→terminal',
    encode: (d) => Buffer.from([u8(d.volume, 'volume', 100)]),
    decode(b) {
      exactLength(b, 1, 'set volume');
      return { volume: u8(b[0]!, 'volume', 100) };
    },
  },
  queryStatus: {
    code: 0x04,
    direction: 'console→terminal',
    encode: () => Buffer.alloc(0),
    decode(b) {
      exactLength(b, 0, 'query status');
      return {};
    },
  },
  timeSync: {
    code: 0x05,
    direction: 'console→terminal',
    encode: (d) => u32be(d.utcSeconds, 'UTC seconds'),
    decode(b) {
      exactLength(b, 4, 'time sync');
      return { utcSeconds: b.readUInt32BE(0) };
    },
  },
  heartbeat: {
    code: 0x10,
    direction: 'terminal→console',
    // work state (1) · first registration (1: 0/1) · physical address (6)
    encode(d) {
      const mac = d.physicalAddress.split(/[:-]/).map((x) => parseInt(x, 16));
      if (mac.length !== 6 || mac.some((x) => !(x >= 0 && x <= 255))) throw new IpTerminalError(`"${d.physicalAddress}" is not a 6-byte physical address`);
      return Buffer.from([WORK_STATE[d.workState], d.firstRegistration ? 1 : 0, ...mac]);
    },
    decode(b) {
      exactLength(b, 8, 'heartbeat');
      if (b[1]! > 1) throw new IpTerminalError(`first-registration flag ${b[1]} is not 0/1`);
      return {
        workState: byName(WORK_STATE, b[0]!, 'work state'),
        firstRegistration: b[1] === 1,
        physicalAddress: [...b.subarray(2)].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':'),
      };
    },
  },
  reply: {
    code: 0x11,
    direction: 'terminal→console',
    // result (1) · work state (1) · volume (1)
    encode: (d) => Buffer.from([REPLY_RESULT[d.result], WORK_STATE[d.workState], u8(d.volume, 'volume', 100)]),
    decode(b) {
      exactLength(b, 3, 'reply');
      return { result: byName(REPLY_RESULT, b[0]!, 'reply result'), workState: byName(WORK_STATE, b[1]!, 'work state'), volume: u8(b[2]!, 'volume', 100) };
    },
  },
  faultReport: {
    code: 0x13,
    direction: 'terminal→console',
    encode: (d) => Buffer.from([FAULT_STATUS[d.status], u8(d.faultType, 'fault type')]),
    decode(b) {
      exactLength(b, 2, 'fault report');
      return { status: byName(FAULT_STATUS, b[0]!, 'fault status'), faultType: b[1]! };
    },
  },
  broadcastResult: {
    code: 0x15,
    direction: 'terminal→console',
    // EBM ID (18) · state (1) · start UTC (4) · end UTC (4) · play count (1)
    encode: (d) =>
      Buffer.concat([
        ebmIdToBcd(d.ebmId),
        Buffer.from([BROADCAST_STATE[d.state]]),
        u32be(d.startUtc, 'start UTC'),
        u32be(d.endUtc, 'end UTC'),
        Buffer.from([u8(d.playCount, 'play count')]),
      ]),
    decode(b) {
      exactLength(b, 28, 'broadcast result');
      return {
        ebmId: bcdToEbmId(b.subarray(0, 18)),
        state: byName(BROADCAST_STATE, b[18]!, 'broadcast state'),
        startUtc: b.readUInt32BE(19),
        endUtc: b.readUInt32BE(23),
        playCount: b[27]!,
      };
    },
  },
};

/** Business name of a wire code, or undefined when the table has none. */
export function businessName(code: number): BusinessName | undefined {
  return (Object.keys(BUSINESS) as BusinessName[]).find((k) => BUSINESS[k].code === code);
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

interface FrameHeader {
  sessionId: number;
  /** 1 request/report, 2 reply. */
  packetType: number;
  /** 23-digit resource code of the sender. */
  source: string;
  /** 23-digit resource codes of the addressees. */
  targets: string[];
}

/** What encodeFrame takes: a header plus one typed business payload. */
export type FrameInput = {
  [K in BusinessName]: FrameHeader & { business: K; data: BusinessDataMap[K] };
}[BusinessName];

interface DecodedHeader extends FrameHeader {
  version: number;
  signatureFlag: number;
  /** Business-type code as received. */
  businessType: number;
  /** Business data as received. */
  raw: Buffer;
  /** Signature block between business data and CRC (only when signatureFlag ≠ 0). */
  signature?: Buffer;
  /** Whole frame length. */
  length: number;
}

/**
 * A decoded frame. `business` is null (with `error`) when the CRC was good but the business
 * type is unknown or its data does not fit the table: the driver answers those with result 13.
 */
export type IpFrame =
  | { [K in BusinessName]: DecodedHeader & { business: K; data: BusinessDataMap[K] } }[BusinessName]
  | (DecodedHeader & { business: null; error: string });

/** Encodes one frame, CRC included. */
export function encodeFrame(f: FrameInput): Buffer {
  if (!Number.isInteger(f.sessionId) || f.sessionId < 0 || f.sessionId > 0xffffffff) throw new IpTerminalError(`session id ${f.sessionId} is not a 32-bit unsigned integer`);
  if (f.packetType !== PACKET_REQUEST && f.packetType !== PACKET_REPLY) throw new IpTerminalError(`packet type ${f.packetType} is not 1 or 2`);
  if (f.targets.length > 0xffff) throw new IpTerminalError('too many targets');
  const codec = BUSINESS[f.business] as BusinessCodec<unknown>;
  const data = codec.encode(f.data);
  if (data.length > 0xffff) throw new IpTerminalError('business data longer than 65535 bytes');
  const length = MIN_FRAME_BYTES + CODE_BYTES * f.targets.length + data.length;
  if (length > 0xffff) throw new IpTerminalError(`frame of ${length} bytes exceeds the 16-bit length field`);

  const head = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(head, 0);
  head.writeUInt16BE(PROTOCOL_VERSION, 2);
  head.writeUInt32BE(f.sessionId, 4);
  head[8] = f.packetType;
  head[9] = 0; // v1 sends no signature block
  head.writeUInt16BE(length, 10);
  const count = Buffer.alloc(2);
  count.writeUInt16BE(f.targets.length);
  const biz = Buffer.alloc(3);
  biz[0] = codec.code;
  biz.writeUInt16BE(data.length, 1);
  const body = Buffer.concat([head, resourceCodeToBcd(f.source), count, ...f.targets.map(resourceCodeToBcd), biz, data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([body, crc]);
}

/**
 * Structural checks that need only the first bytes of a frame. Returns a reason when the length
 * field cannot be right, null when it is plausible or more bytes are needed to tell.
 */
function impossibleLength(buf: Buffer, maxFrameBytes: number): string | null {
  if (buf.length < HEADER_BYTES) return null;
  const length = buf.readUInt16BE(10);
  if (length < MIN_FRAME_BYTES) return `length ${length} < ${MIN_FRAME_BYTES}`;
  if (length > maxFrameBytes) return `length ${length} > ${maxFrameBytes}`;
  if (buf.length < 26) return null;
  const n = buf.readUInt16BE(24);
  if (MIN_FRAME_BYTES + CODE_BYTES * n > length) return `length ${length} cannot hold ${n} targets`;
  const dataLenAt = 27 + CODE_BYTES * n;
  if (buf.length < dataLenAt + 2) return null;
  const m = buf.readUInt16BE(dataLenAt);
  const expected = MIN_FRAME_BYTES + CODE_BYTES * n + m;
  const signed = buf[9] !== 0;
  if (signed ? expected > length : expected !== length) return `length ${length} ≠ ${expected} for ${n} targets and ${m} data bytes`;
  return null;
}

/** Decodes exactly one whole frame; throws IpTerminalError on a bad magic/version/length/CRC. */
export function decodeFrame(frame: Buffer, opts: { maxFrameBytes?: number } = {}): IpFrame {
  if (frame.length < MIN_FRAME_BYTES) throw new IpTerminalError(`frame of ${frame.length} bytes is shorter than ${MIN_FRAME_BYTES}`);
  if (frame[0] !== 0xfe || frame[1] !== 0xfd) throw new IpTerminalError('bad magic');
  const version = frame.readUInt16BE(2);
  if (version !== PROTOCOL_VERSION) throw new IpTerminalError(`unsupported version 0x${version.toString(16).padStart(4, '0')}`);
  const bad = impossibleLength(frame, opts.maxFrameBytes ?? 0xffff);
  if (bad) throw new IpTerminalError(`impossible length: ${bad}`);
  const length = frame.readUInt16BE(10);
  if (frame.length !== length) throw new IpTerminalError(`frame is ${frame.length} bytes, its length field says ${length}`);
  const want = frame.readUInt32BE(length - 4);
  const got = crc32(frame.subarray(0, length - 4));
  if (want !== got) throw new IpTerminalError(`bad CRC: frame says ${hex32(want)}, computed ${hex32(got)}`);

  const n = frame.readUInt16BE(24);
  const targets: string[] = [];
  for (let i = 0; i < n; i++) targets.push(bcdToResourceCode(frame.subarray(26 + CODE_BYTES * i, 38 + CODE_BYTES * i)));
  const at = 26 + CODE_BYTES * n;
  const businessType = frame[at]!;
  const m = frame.readUInt16BE(at + 1);
  const raw = frame.subarray(at + 3, at + 3 + m);
  const sigEnd = length - 4;
  const header: DecodedHeader = {
    version,
    sessionId: frame.readUInt32BE(4),
    packetType: frame[8]!,
    signatureFlag: frame[9]!,
    source: bcdToResourceCode(frame.subarray(12, 24)),
    targets,
    businessType,
    raw,
    length,
    ...(frame[9] !== 0 ? { signature: frame.subarray(at + 3 + m, sigEnd) } : {}),
  };
  const name = businessName(businessType);
  if (!name) return { ...header, business: null, error: `unknown business type 0x${businessType.toString(16).padStart(2, '0')}` };
  try {
    const data = (BUSINESS[name] as BusinessCodec<unknown>).decode(raw);
    return { ...header, business: name, data } as IpFrame;
  } catch (e) {
    return { ...header, business: null, error: (e as Error).message };
  }
}

const hex32 = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

// ---------------------------------------------------------------------------------------------
// Stream parser
// ---------------------------------------------------------------------------------------------

export type DropReason = 'garbage' | 'bad-version' | 'impossible-length' | 'bad-crc' | 'undecodable';

export interface DropInfo {
  reason: DropReason;
  /** The bytes thrown away (for a bad frame: its first byte; the rest is rescanned). */
  bytes: Buffer;
  detail: string;
}

export interface ParserOptions {
  /** Called for every run of dropped bytes. */
  onDrop?: (info: DropInfo) => void;
  /** Largest frame accepted (default 16 KiB: 1000+ targets or a very long URL). */
  maxFrameBytes?: number;
}

/**
 * Incremental reader: `push(chunk)` returns every whole, CRC-valid frame now available.
 *
 * Resynchronisation: bytes before a magic are garbage; a frame whose header is implausible or
 * whose CRC is wrong loses only its first byte, then the scan for `FE FD` goes on from the next
 * byte — so a good frame hidden behind (or inside) a corrupt one is still found.
 */
export class IpTerminalParser {
  private buf: Buffer = Buffer.alloc(0);
  private readonly maxFrameBytes: number;

  constructor(private readonly opts: ParserOptions = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? 16 * 1024;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Forgets any partial frame (e.g. after a reconnect). Returns how many bytes were held. */
  reset(): number {
    const n = this.buf.length;
    this.buf = Buffer.alloc(0);
    return n;
  }

  push(chunk: Uint8Array): IpFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const frames: IpFrame[] = [];
    for (;;) {
      const start = this.buf.indexOf(MAGIC);
      if (start < 0) {
        // Keep a trailing FE: it may be the first half of a magic split across chunks.
        const keep = this.buf.length > 0 && this.buf[this.buf.length - 1] === 0xfe ? 1 : 0;
        this.drop(this.buf.length - keep, 'garbage', 'no magic');
        return frames;
      }
      if (start > 0) this.drop(start, 'garbage', 'bytes before magic');
      if (this.buf.length < 4) return frames;
      if (this.buf.readUInt16BE(2) !== PROTOCOL_VERSION) {
        this.drop(1, 'bad-version', `version 0x${this.buf.readUInt16BE(2).toString(16).padStart(4, '0')}`);
        continue;
      }
      const bad = impossibleLength(this.buf, this.maxFrameBytes);
      if (bad) {
        this.drop(1, 'impossible-length', bad);
        continue;
      }
      if (this.buf.length < HEADER_BYTES) return frames;
      const length = this.buf.readUInt16BE(10);
      if (this.buf.length < length) return frames;
      const want = this.buf.readUInt32BE(length - 4);
      const got = crc32(this.buf.subarray(0, length - 4));
      if (want !== got) {
        this.drop(1, 'bad-crc', `frame of ${length} bytes says CRC ${hex32(want)}, computed ${hex32(got)}`);
        continue;
      }
      const frame = Buffer.from(this.buf.subarray(0, length));
      this.buf = this.buf.subarray(length);
      try {
        frames.push(decodeFrame(frame, { maxFrameBytes: this.maxFrameBytes }));
      } catch (e) {
        // CRC-valid yet undecodable (e.g. a resource code with non-BCD nibbles): drop it whole.
        this.opts.onDrop?.({ reason: 'undecodable', bytes: frame, detail: (e as Error).message });
      }
    }
  }

  private drop(n: number, reason: DropReason, detail: string): void {
    if (n <= 0) return;
    const bytes = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    this.opts.onDrop?.({ reason, bytes, detail });
  }
}
