/**
 * SMS PDU codec (3GPP TS 23.040 TPDUs, TS 23.038 alphabets, TS 27.005 PDU-mode framing).
 *
 * Pure: no I/O, no clocks, no state. The GSM-modem driver uses it to
 *   - build the PDUs it sends with `AT+CMGS=<tpduLength>` (SMS-SUBMIT, one per part), and
 *   - read what the modem hands back: `+CDS` status reports (delivery), `+CMT`/`+CMGR` deliveries.
 *
 * A PDU string in 27.005 PDU mode is the SMSC address field (length octet, type, semi-octets; a lone
 * `00` means "use the SMSC stored in the modem") followed by the TPDU. `AT+CMGS` wants the TPDU
 * length only, i.e. the octet count *after* the SMSC part — returned as `tpduLength`.
 *
 * SMS-SUBMIT layout (TS 23.040 §9.2.2.2):
 *   first octet  bit0-1 TP-MTI=01 · bit2 TP-RD · bit3-4 TP-VPF · bit5 TP-SRR · bit6 TP-UDHI · bit7 TP-RP
 *   TP-MR (1)    message reference; we send 0 and the modem assigns the real one (`+CMGS: <mr>`)
 *   TP-DA        address: length in digits, type-of-address, BCD semi-octets (F padded)
 *   TP-PID (1)   00 (plain SME-to-SME)
 *   TP-DCS (1)   00 GSM 7-bit default alphabet, 08 UCS-2 (10/18: the same as class 0 "flash")
 *   TP-VP (0/1/7) depending on TP-VPF: relative (1 octet) or absolute (7 octets, a timestamp)
 *   TP-UDL (1)   septets for 7-bit (header included), octets otherwise
 *   TP-UD        [UDHL, IEs…, fill bits] + text
 *
 * Long texts are split into parts carrying a concatenation IE (IEI 0x00: 8-bit reference, or IEI
 * 0x08: 16-bit reference). Per part: 153 septets / 67 UCS-2 units with the 8-bit reference (152 /
 * 66 with the 16-bit one), against 160 / 70 for a single message. A GSM escape pair (0x1B + char)
 * and a UTF-16 surrogate pair are never split across two parts.
 */

/** Any malformed input (bad hex, reserved message type, unencodable text…). */
export class SmsPduError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmsPduError';
  }
}

// ---------------------------------------------------------------------------------------------
// GSM 7-bit default alphabet and its extension table (TS 23.038 §6.2.1)
// ---------------------------------------------------------------------------------------------

/** The basic table, indexed by septet value. 0x1B is the escape to the extension table. */
const GSM7_BASIC: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u001b', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];
const GSM7_ESCAPE = 0x1b;
/** Extension table: character → septet that follows the 0x1B escape. */
const GSM7_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
]);
const GSM7_BASIC_INDEX: ReadonlyMap<string, number> = new Map(
  GSM7_BASIC.map((ch, i) => [ch, i] as [string, number]).filter(([, i]) => i !== GSM7_ESCAPE),
);
const GSM7_EXTENSION_REVERSE: ReadonlyMap<number, string> = new Map([...GSM7_EXTENSION].map(([c, s]) => [s, c]));

/** Septets for one character (1 or 2 with the escape), or undefined when it is not in the alphabet. */
function gsm7Septets(ch: string): number[] | undefined {
  const basic = GSM7_BASIC_INDEX.get(ch);
  if (basic !== undefined) return [basic];
  const ext = GSM7_EXTENSION.get(ch);
  if (ext !== undefined) return [GSM7_ESCAPE, ext];
  return undefined;
}

/** True when every character of `text` is in the GSM default alphabet or its extension table. */
export function fitsGsm7(text: string): boolean {
  for (const ch of text) if (gsm7Septets(ch) === undefined) return false;
  return true;
}

/**
 * Text → unpacked septet values (one number per septet; extension characters take two).
 * `discardInvalid` drops characters outside the alphabet instead of throwing.
 */
export function textToSeptets(text: string, opts: { discardInvalid?: boolean } = {}): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const s = gsm7Septets(ch);
    if (s) out.push(...s);
    else if (!opts.discardInvalid) throw new SmsPduError(`character ${JSON.stringify(ch)} is not in the GSM 7-bit alphabet`);
  }
  return out;
}

/** Unpacked septets → text. An escape followed by an unknown code yields the basic-table char (23.038). */
export function septetsToText(septets: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i]! & 0x7f;
    if (s === GSM7_ESCAPE) {
      const next = septets[i + 1];
      if (next === undefined) break; // dangling escape at the very end: ignore
      i++;
      out += GSM7_EXTENSION_REVERSE.get(next & 0x7f) ?? GSM7_BASIC[next & 0x7f] ?? '';
    } else {
      out += GSM7_BASIC[s]!;
    }
  }
  return out;
}

/**
 * Packs septets LSB-first into octets (23.038 §6.1.2.1.1), after `fillBits` zero bits — the fill
 * that aligns the text on a septet boundary after a user-data header.
 */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Buffer {
  const totalBits = fillBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(totalBits / 8));
  for (let i = 0; i < septets.length; i++) {
    const bit = fillBits + i * 7;
    const v = (septets[i]! & 0x7f) << (bit % 8);
    const o = bit >> 3;
    out[o]! |= v & 0xff;
    if (v > 0xff) out[o + 1]! |= v >> 8;
  }
  return out;
}

/** Inverse of packSeptets: reads `count` septets after `fillBits` bits (clamped to what is there). */
export function unpackSeptets(octets: ArrayLike<number>, count: number, fillBits = 0): number[] {
  const available = Math.floor((octets.length * 8 - fillBits) / 7);
  const n = Math.max(0, Math.min(count, available));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const bit = fillBits + i * 7;
    const o = bit >> 3;
    const word = (octets[o] ?? 0) | ((octets[o + 1] ?? 0) << 8);
    out.push((word >> (bit % 8)) & 0x7f);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// UCS-2 (really UTF-16BE: handsets and gammu accept surrogate pairs in DCS 0x08)
// ---------------------------------------------------------------------------------------------

export function encodeUcs2(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

export function decodeUcs2(data: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i + 1 < data.length; i += 2) out += String.fromCharCode((data[i]! << 8) | data[i + 1]!);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Semi-octets, addresses, SMSC field
// ---------------------------------------------------------------------------------------------

/** BCD digit alphabet of address fields (23.040 §9.1.2.3): 0-9, *, #, a, b, c; F is padding. */
const SEMI_OCTET_DIGITS = '0123456789*#abc';

/** "15125551234" → 51 21 55 15 32 F4 (digits swapped per octet, odd count padded with F). */
export function encodeSemiOctets(digits: string): Buffer {
  const nibbles = [...digits].map((d) => {
    const v = SEMI_OCTET_DIGITS.indexOf(d.toLowerCase());
    if (v < 0) throw new SmsPduError(`"${d}" is not a valid address digit`);
    return v;
  });
  if (nibbles.length % 2) nibbles.push(0xf);
  const out = Buffer.alloc(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = nibbles[2 * i]! | (nibbles[2 * i + 1]! << 4);
  return out;
}

/** Inverse of encodeSemiOctets; stops at an F filler. `maxDigits` bounds the output. */
export function decodeSemiOctets(octets: ArrayLike<number>, maxDigits = Infinity): string {
  let out = '';
  for (let i = 0; i < octets.length; i++) {
    for (const nib of [octets[i]! & 0x0f, octets[i]! >> 4]) {
      if (out.length >= maxDigits || nib === 0xf) return out;
      out += SEMI_OCTET_DIGITS[nib]!;
    }
  }
  return out;
}

/** Type-of-address octets we produce. */
export const TOA_INTERNATIONAL = 0x91; // TON 001 international, NPI 0001 ISDN/E.164
export const TOA_UNKNOWN = 0x81; // TON 000 unknown (national number written as dialled), NPI ISDN
export const TOA_NATIONAL = 0xa1; // TON 010 national, NPI ISDN
export const TOA_ALPHANUMERIC = 0xd0; // TON 101 alphanumeric (GSM 7-bit packed), NPI 0000

export interface AddressOptions {
  /** Type-of-address for numbers without "+": 0x81 (default; what most modems and node-sms-pdu use) or 0xA1. */
  nationalToa?: number;
}

function addressParts(address: string, opts: AddressOptions): { toa: number; body: Buffer; digits: number } {
  const a = address.replace(/[\s-]/g, '');
  if (/^\+[0-9*#abc]+$/i.test(a)) {
    const d = a.slice(1);
    return { toa: TOA_INTERNATIONAL, body: encodeSemiOctets(d), digits: d.length };
  }
  if (/^[0-9*#abc]+$/i.test(a) && /^[0-9]/.test(a)) {
    return { toa: opts.nationalToa ?? TOA_UNKNOWN, body: encodeSemiOctets(a), digits: a.length };
  }
  if (a.length === 0) throw new SmsPduError('empty address');
  // Alphanumeric (sender names such as "Megafon"); the length counts semi-octets actually used.
  const septets = textToSeptets(address);
  return { toa: TOA_ALPHANUMERIC, body: packSeptets(septets), digits: Math.ceil((septets.length * 7) / 4) };
}

/** TP-DA / TP-OA / TP-RA: [length in digits][type][semi-octets]. */
export function encodeAddress(address: string, opts: AddressOptions = {}): Buffer {
  const { toa, body, digits } = addressParts(address, opts);
  if (digits > 20) throw new SmsPduError(`address "${address}" is longer than 20 digits`);
  return Buffer.concat([Buffer.from([digits, toa]), body]);
}

/** The SMSC part of a 27.005 PDU: [length in octets incl. type][type][semi-octets], or 00 for none. */
export function encodeSmscField(smsc: string | null | undefined, opts: AddressOptions = {}): Buffer {
  if (!smsc) return Buffer.from([0]);
  const { toa, body } = addressParts(smsc, opts);
  if (toa === TOA_ALPHANUMERIC) throw new SmsPduError(`SMSC "${smsc}" must be a number`);
  return Buffer.concat([Buffer.from([body.length + 1, toa]), body]);
}

export interface DecodedAddress {
  /** "+8613800000000" for international numbers, the digits otherwise, the text for alphanumeric. */
  number: string;
  /** Raw type-of-address octet. */
  toa: number;
  /** Octets consumed from the input, length octet included. */
  bytesRead: number;
}

function decodeAddressBody(toa: number, body: ArrayLike<number>, digits: number): string {
  const ton = (toa >> 4) & 0x07;
  if (ton === 5) return septetsToText(unpackSeptets(body, Math.floor((digits * 4) / 7)));
  const n = decodeSemiOctets(body, digits);
  return ton === 1 ? `+${n}` : n;
}

/** Reads an address field (TP-DA/OA/RA) at `offset`. */
export function decodeAddress(buf: ArrayLike<number>, offset = 0): DecodedAddress {
  const digits = need(buf, offset);
  const toa = need(buf, offset + 1);
  const octets = Math.ceil(digits / 2);
  const body = slice(buf, offset + 2, octets);
  return { number: decodeAddressBody(toa, body, digits), toa, bytesRead: 2 + octets };
}

/** Reads the SMSC part at `offset`; `number` is null for the empty `00` field. */
export function decodeSmscField(buf: ArrayLike<number>, offset = 0): { number: string | null; toa: number | null; bytesRead: number } {
  const len = need(buf, offset);
  if (len === 0) return { number: null, toa: null, bytesRead: 1 };
  const toa = need(buf, offset + 1);
  const body = slice(buf, offset + 2, len - 1);
  return { number: decodeAddressBody(toa, body, (len - 1) * 2), toa, bytesRead: 1 + len };
}

// ---------------------------------------------------------------------------------------------
// Timestamps (TP-SCTS, TP-DT, absolute TP-VP) and relative validity
// ---------------------------------------------------------------------------------------------

export interface SmsTime {
  /** Local wall time with its offset, e.g. "2013-03-08T15:02:16+02:00". */
  iso: string;
  /** The instant. */
  date: Date;
  /** Offset from UTC in minutes (a multiple of 15). */
  offsetMinutes: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function isoWithOffset(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}` +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

/**
 * 7 swapped-BCD octets: YY MM DD hh mm ss TZ; TZ in quarter hours, sign in bit 3 of the first
 * (low) nibble. Years are 20YY (SMS has no century).
 */
export function decodeTimestamp(buf: ArrayLike<number>, offset = 0): SmsTime {
  const b = slice(buf, offset, 7);
  if (b.length < 7) throw new SmsPduError('truncated timestamp');
  const f = (x: number) => (x & 0x0f) * 10 + (x >> 4);
  const [yy, mo, dd, hh, mi, ss] = [0, 1, 2, 3, 4, 5].map((i) => f(b[i]!)) as [number, number, number, number, number, number];
  const tz = b[6]!;
  const quarters = (tz & 0x07) * 10 + (tz >> 4);
  const offsetMinutes = (tz & 0x08 ? -1 : 1) * quarters * 15;
  const date = new Date(Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss) - offsetMinutes * 60_000);
  return { iso: isoWithOffset(date, offsetMinutes), date, offsetMinutes };
}

/** Encodes an instant as the wall time at `offsetMinutes` (default China, +08:00). */
export function encodeTimestamp(date: Date, offsetMinutes = 480): Buffer {
  if (offsetMinutes % 15 !== 0 || Math.abs(offsetMinutes) > 79 * 15) throw new SmsPduError(`bad UTC offset ${offsetMinutes}`);
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const bcd = (n: number) => ((n % 10) << 4) | Math.floor(n / 10);
  const q = Math.abs(offsetMinutes) / 15;
  const tz = ((q % 10) << 4) | Math.floor(q / 10) | (offsetMinutes < 0 ? 0x08 : 0);
  return Buffer.from([
    bcd(local.getUTCFullYear() % 100), bcd(local.getUTCMonth() + 1), bcd(local.getUTCDate()),
    bcd(local.getUTCHours()), bcd(local.getUTCMinutes()), bcd(local.getUTCSeconds()), tz,
  ]);
}

/** TP-VP relative (23.040 §9.2.3.12.1) → seconds. */
export function decodeRelativeValidity(vp: number): number {
  if (!Number.isInteger(vp) || vp < 0 || vp > 255) throw new SmsPduError(`TP-VP ${vp} out of range`);
  if (vp <= 143) return (vp + 1) * 5 * 60;
  if (vp <= 167) return 12 * 3600 + (vp - 143) * 30 * 60;
  if (vp <= 196) return (vp - 166) * 86400;
  return (vp - 192) * 7 * 86400;
}

/** Seconds → the smallest TP-VP whose period is at least that long (never shorter than asked). */
export function encodeRelativeValidity(seconds: number): number {
  if (!(seconds > 0)) throw new SmsPduError(`validity ${seconds}s must be positive`);
  for (let vp = 0; vp <= 255; vp++) if (decodeRelativeValidity(vp) >= seconds) return vp;
  throw new SmsPduError(`validity ${seconds}s is longer than 63 weeks`);
}

// ---------------------------------------------------------------------------------------------
// User data header
// ---------------------------------------------------------------------------------------------

export interface UdhElement {
  iei: number;
  data: Buffer;
}

export interface ConcatInfo {
  reference: number;
  parts: number;
  part: number;
  /** 8 for IEI 0x00, 16 for IEI 0x08. */
  referenceBits: 8 | 16;
}

/** Concatenation IE: 00 03 ref total seq, or 08 04 refHi refLo total seq. */
export function encodeConcatIe(c: ConcatInfo): Buffer {
  if (c.referenceBits === 16) return Buffer.from([0x08, 4, (c.reference >> 8) & 0xff, c.reference & 0xff, c.parts, c.part]);
  return Buffer.from([0x00, 3, c.reference & 0xff, c.parts, c.part]);
}

/** Application port IE: 04 02 dst src (8-bit) or 05 04 dst16 src16 (16-bit, chosen if either > 255). */
export function encodePortIe(destination: number, source: number): Buffer {
  if (destination > 255 || source > 255) {
    return Buffer.from([0x05, 4, destination >> 8, destination & 0xff, source >> 8, source & 0xff]);
  }
  return Buffer.from([0x04, 2, destination, source]);
}

export function parseUdh(udh: ArrayLike<number>): UdhElement[] {
  const out: UdhElement[] = [];
  let i = 0;
  while (i + 1 < udh.length) {
    const iei = udh[i]!;
    const len = udh[i + 1]!;
    out.push({ iei, data: Buffer.from(slice(udh, i + 2, len)) });
    i += 2 + len;
  }
  return out;
}

export function concatFromUdh(udh: readonly UdhElement[]): ConcatInfo | undefined {
  for (const e of udh) {
    if (e.iei === 0x00 && e.data.length === 3) return { reference: e.data[0]!, parts: e.data[1]!, part: e.data[2]!, referenceBits: 8 };
    if (e.iei === 0x08 && e.data.length === 4) return { reference: e.data.readUInt16BE(0), parts: e.data[2]!, part: e.data[3]!, referenceBits: 16 };
  }
  return undefined;
}

export function portsFromUdh(udh: readonly UdhElement[]): { destination: number; source: number } | undefined {
  for (const e of udh) {
    if (e.iei === 0x04 && e.data.length === 2) return { destination: e.data[0]!, source: e.data[1]! };
    if (e.iei === 0x05 && e.data.length === 4) return { destination: e.data.readUInt16BE(0), source: e.data.readUInt16BE(2) };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// SMS-SUBMIT encoding
// ---------------------------------------------------------------------------------------------

export type SmsEncoding = 'gsm7' | 'ucs2';

export type SmsValidity = { relativeSeconds: number } | { absolute: Date; offsetMinutes?: number };

export interface SubmitOptions extends AddressOptions {
  /** Service centre number; null/undefined/'' → `00` (the modem's stored SMSC, see AT+CSCA?). */
  smsc?: string | null;
  /** TP-SRR: ask for a status report (`+CDS`). Default true: that is the "delivered" state. */
  requestStatusReport?: boolean;
  /** TP-RD: ask the SC to reject a duplicate (same MR and destination). Default false. */
  rejectDuplicates?: boolean;
  /** TP-VP; omitted → TP-VPF 00 (the network's default validity). */
  validity?: SmsValidity | null;
  /** TP-MR; default 0 (the modem assigns the reference it reports in `+CMGS: <mr>`). */
  messageReference?: number;
  /** Concatenation reference shared by the parts of one text; the caller rotates it. Default 0. */
  concatReference?: number;
  /** Use the 16-bit reference IE (0x08) instead of the 8-bit one (0x00). */
  concatReference16?: boolean;
  /** Force an alphabet; default 'auto' (GSM 7-bit if every character fits, else UCS-2). */
  encoding?: SmsEncoding | 'auto';
  /** Class 0 ("flash") message: DCS 0x10 / 0x18. */
  flash?: boolean;
}

export interface SubmitPart {
  /** Whole PDU for AT+CMGS, SMSC part included, uppercase hex. */
  pdu: string;
  /** Octets after the SMSC part: the argument of AT+CMGS. */
  tpduLength: number;
  /** Total number of parts of this text. */
  parts: number;
  /** 1-based part number. */
  part: number;
  encoding: SmsEncoding;
  /** Text septets (gsm7) or UTF-16 code units (ucs2) carried by this part, header excluded. */
  units: number;
  /** The slice of the text carried by this part. */
  text: string;
}

/** Units per message: [single, per part with 8-bit ref, per part with 16-bit ref]. */
export const SMS_LIMITS = { gsm7: { single: 160, concat8: 153, concat16: 152 }, ucs2: { single: 70, concat8: 67, concat16: 66 } } as const;

interface Chunk {
  text: string;
  units: number;
}

/** Splits text into chunks of at most `max` units, never splitting an escape pair or a surrogate pair. */
function splitText(text: string, encoding: SmsEncoding, max: number): Chunk[] {
  const chunks: Chunk[] = [];
  let cur = '';
  let units = 0;
  for (const ch of text) {
    // `for…of` walks code points: a surrogate pair arrives whole (2 UCS-2 units).
    const w = encoding === 'gsm7' ? gsm7Septets(ch)!.length : ch.length;
    if (units + w > max) {
      chunks.push({ text: cur, units });
      cur = '';
      units = 0;
    }
    cur += ch;
    units += w;
  }
  if (cur.length || chunks.length === 0) chunks.push({ text: cur, units });
  return chunks;
}

function dcsFor(encoding: SmsEncoding, flash: boolean): number {
  return (encoding === 'ucs2' ? 0x08 : 0x00) | (flash ? 0x10 : 0x00);
}

/**
 * Encodes `text` to `number` as one or more SMS-SUBMIT PDUs, ready for `AT+CMGS`.
 *
 * @example encodeSmsSubmit('+8613800138000', '暴雨橙色预警…', { concatReference: 42 })
 */
export function encodeSmsSubmit(number: string, text: string, opts: SubmitOptions = {}): SubmitPart[] {
  const encoding: SmsEncoding = !opts.encoding || opts.encoding === 'auto' ? (fitsGsm7(text) ? 'gsm7' : 'ucs2') : opts.encoding;
  if (encoding === 'gsm7' && !fitsGsm7(text)) throw new SmsPduError('text does not fit the GSM 7-bit alphabet');
  const limits = SMS_LIMITS[encoding];
  const total = encoding === 'gsm7' ? textToSeptets(text).length : text.length;
  const chunks =
    total <= limits.single
      ? [{ text, units: total }]
      : splitText(text, encoding, opts.concatReference16 ? limits.concat16 : limits.concat8);
  if (chunks.length > 255) throw new SmsPduError(`text needs ${chunks.length} parts (max 255)`);

  const smscField = encodeSmscField(opts.smsc, opts);
  const da = encodeAddress(number, opts);
  const mr = opts.messageReference ?? 0;
  if (!Number.isInteger(mr) || mr < 0 || mr > 255) throw new SmsPduError(`TP-MR ${mr} out of range`);
  const concatRef = opts.concatReference ?? 0;
  const refMax = opts.concatReference16 ? 0xffff : 0xff;
  if (!Number.isInteger(concatRef) || concatRef < 0 || concatRef > refMax) throw new SmsPduError(`concatenation reference ${concatRef} out of range`);

  let vpf = 0;
  let vp: Buffer = Buffer.alloc(0);
  if (opts.validity && 'relativeSeconds' in opts.validity) {
    vpf = 0x10;
    vp = Buffer.from([encodeRelativeValidity(opts.validity.relativeSeconds)]);
  } else if (opts.validity && 'absolute' in opts.validity) {
    vpf = 0x18;
    vp = encodeTimestamp(opts.validity.absolute, opts.validity.offsetMinutes ?? 480);
  }

  const multi = chunks.length > 1;
  return chunks.map((chunk, i) => {
    const udh = multi
      ? encodeConcatIe({ reference: concatRef, parts: chunks.length, part: i + 1, referenceBits: opts.concatReference16 ? 16 : 8 })
      : Buffer.alloc(0);
    const udhBlock = udh.length ? Buffer.concat([Buffer.from([udh.length]), udh]) : udh;
    let udl: number;
    let ud: Buffer;
    if (encoding === 'gsm7') {
      // Header octets are followed by fill bits so the first text septet starts on a septet boundary.
      const headerSeptets = Math.ceil((udhBlock.length * 8) / 7);
      const fill = headerSeptets * 7 - udhBlock.length * 8;
      const packed = packSeptets(textToSeptets(chunk.text), fill);
      ud = Buffer.concat([udhBlock, packed]);
      udl = headerSeptets + chunk.units;
    } else {
      ud = Buffer.concat([udhBlock, encodeUcs2(chunk.text)]);
      udl = ud.length;
    }
    const first =
      0x01 | (opts.rejectDuplicates ? 0x04 : 0) | vpf | ((opts.requestStatusReport ?? true) ? 0x20 : 0) | (multi ? 0x40 : 0);
    const tpdu = Buffer.concat([
      Buffer.from([first, mr]),
      da,
      Buffer.from([0x00, dcsFor(encoding, opts.flash ?? false)]),
      vp,
      Buffer.from([udl]),
      ud,
    ]);
    return {
      pdu: Buffer.concat([smscField, tpdu]).toString('hex').toUpperCase(),
      tpduLength: tpdu.length,
      parts: chunks.length,
      part: i + 1,
      encoding,
      units: chunk.units,
      text: chunk.text,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Decoding (SMS-DELIVER, SMS-SUBMIT, SMS-STATUS-REPORT)
// ---------------------------------------------------------------------------------------------

export type DataCoding = 'gsm7' | '8bit' | 'ucs2';

/** Alphabet and message class from TP-DCS (23.038 §4). Reserved groups are read as GSM 7-bit. */
export function parseDcs(dcs: number): { coding: DataCoding; messageClass: number | null; compressed: boolean } {
  const group = dcs >> 4;
  if (group <= 0x7) {
    const alphabet = (dcs >> 2) & 0x03;
    return {
      coding: alphabet === 1 ? '8bit' : alphabet === 2 ? 'ucs2' : 'gsm7',
      messageClass: dcs & 0x10 ? dcs & 0x03 : null,
      compressed: (dcs & 0x20) !== 0,
    };
  }
  if (group === 0xe) return { coding: 'ucs2', messageClass: null, compressed: false };
  if (group === 0xf) return { coding: dcs & 0x04 ? '8bit' : 'gsm7', messageClass: dcs & 0x03, compressed: false };
  return { coding: 'gsm7', messageClass: null, compressed: false };
}

export interface DecodedUserData {
  coding: DataCoding;
  /** TP-UDL as received (septets for gsm7, octets otherwise). */
  udl: number;
  udh: UdhElement[];
  concat?: ConcatInfo;
  text: string;
  /** Payload octets after the header (for 8-bit data; for gsm7 the unpacked septets). */
  data: Buffer;
}

export type Validity =
  | { kind: 'none' }
  | { kind: 'relative'; seconds: number; vp: number }
  | { kind: 'absolute'; time: SmsTime }
  | { kind: 'enhanced'; raw: string };

interface Common {
  /** SMSC from the 27.005 prefix (null when `00` or absent). */
  smsc: string | null;
  firstOctet: number;
}

export interface DecodedDeliver extends Common, DecodedUserData {
  type: 'SMS-DELIVER';
  /** Originator (TP-OA). */
  number: string;
  numberToa: number;
  pid: number;
  dcs: number;
  /** Service-centre timestamp. */
  time: SmsTime;
  moreMessagesToSend: boolean;
  statusReportIndication: boolean;
}

export interface DecodedSubmit extends Common, DecodedUserData {
  type: 'SMS-SUBMIT';
  reference: number;
  /** Destination (TP-DA). */
  number: string;
  numberToa: number;
  pid: number;
  dcs: number;
  validity: Validity;
  requestStatusReport: boolean;
  rejectDuplicates: boolean;
}

export type DeliveryState = 'delivered' | 'pending' | 'failed';

export interface DecodedStatusReport extends Common {
  type: 'SMS-STATUS-REPORT';
  /** TP-MR of the SMS-SUBMIT this report is about (the `+CMGS: <mr>` value). */
  reference: number;
  /** Recipient (TP-RA). */
  number: string;
  numberToa: number;
  /** When the SC received the SMS-SUBMIT. */
  time: SmsTime;
  /** TP-DT: delivery time, or the time of the last attempt/failure. */
  discharge: SmsTime;
  /** TP-ST raw code. */
  status: number;
  state: DeliveryState;
  /** Short English description of the TP-ST code. */
  statusText: string;
}

export type DecodedPdu = DecodedDeliver | DecodedSubmit | DecodedStatusReport;

/**
 * The bits of a TPDU first octet, named per direction-neutral position (23.040 §9.2.3):
 * bit2 is TP-MMS in SC→MS messages and TP-RD in SMS-SUBMIT; bit5 is TP-SRI / TP-SRR / TP-SRQ.
 */
export function parseFirstOctet(b: number): { mti: number; bit2: boolean; lp: boolean; vpf: number; bit5: boolean; udhi: boolean; rp: boolean } {
  return {
    mti: b & 0x03,
    bit2: (b & 0x04) !== 0,
    lp: (b & 0x08) !== 0,
    vpf: (b >> 3) & 0x03,
    bit5: (b & 0x20) !== 0,
    udhi: (b & 0x40) !== 0,
    rp: (b & 0x80) !== 0,
  };
}

const TP_ST_TEXT: Readonly<Record<number, string>> = {
  0x00: 'received by the SME',
  0x01: 'forwarded by the SC to the SME but the SC is unable to confirm delivery',
  0x02: 'replaced by the SC',
  0x20: 'congestion (SC still trying)',
  0x21: 'SME busy (SC still trying)',
  0x22: 'no response from SME (SC still trying)',
  0x23: 'service rejected (SC still trying)',
  0x24: 'quality of service not available (SC still trying)',
  0x25: 'error in SME (SC still trying)',
  0x40: 'remote procedure error',
  0x41: 'incompatible destination',
  0x42: 'connection rejected by SME',
  0x43: 'not obtainable',
  0x44: 'quality of service not available',
  0x45: 'no interworking available',
  0x46: 'SM validity period expired',
  0x47: 'SM deleted by originating SME',
  0x48: 'SM deleted by SC administration',
  0x49: 'SM does not exist',
  0x60: 'congestion (SC gave up)',
  0x61: 'SME busy (SC gave up)',
  0x62: 'no response from SME (SC gave up)',
  0x63: 'service rejected (SC gave up)',
  0x64: 'quality of service not available (SC gave up)',
  0x65: 'error in SME (SC gave up)',
};

/**
 * TP-ST (23.040 §9.2.3.15) → state: 0x00–0x1F transaction completed (delivered), 0x20–0x3F
 * temporary error with the SC still trying (pending), 0x40–0x7F permanent error or the SC gave up
 * (failed). Reserved values ≥ 0x80 are read as failed.
 */
export function statusToState(st: number): { state: DeliveryState; text: string } {
  const state: DeliveryState = st <= 0x1f ? 'delivered' : st <= 0x3f ? 'pending' : 'failed';
  const text =
    TP_ST_TEXT[st] ??
    (st <= 0x1f ? 'transaction completed (reserved/SC-specific code)' : st <= 0x3f ? 'temporary error, SC still trying' : st <= 0x5f ? 'permanent error' : st <= 0x7f ? 'temporary error, SC gave up' : 'reserved code');
  return { state, text };
}

/** Parses a hex PDU string (whitespace allowed) into octets; throws SmsPduError on anything else. */
export function hexToBytes(hex: string): Buffer {
  const h = hex.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(h)) throw new SmsPduError('PDU is not an even-length hex string');
  return Buffer.from(h, 'hex');
}

function need(buf: ArrayLike<number>, i: number): number {
  const v = buf[i];
  if (v === undefined) throw new SmsPduError(`PDU truncated at octet ${i}`);
  return v;
}

function slice(buf: ArrayLike<number>, start: number, len: number): number[] {
  const out: number[] = [];
  for (let i = start; i < start + len && i < buf.length; i++) out.push(buf[i]!);
  return out;
}

/** TP-UD: header (when UDHI) + text. Lenient: a UDL longer than the data is clamped. */
function decodeUserData(buf: Buffer, offset: number, udl: number, dcs: number, udhi: boolean): DecodedUserData {
  const { coding } = parseDcs(dcs);
  const raw = buf.subarray(offset);
  let udh: UdhElement[] = [];
  let headerOctets = 0;
  if (udhi && raw.length > 0) {
    headerOctets = 1 + raw[0]!;
    udh = parseUdh(raw.subarray(1, headerOctets));
  }
  let text: string;
  let data: Buffer;
  if (coding === 'gsm7') {
    const headerSeptets = Math.ceil((headerOctets * 8) / 7);
    const septets = unpackSeptets(raw, udl).slice(headerSeptets);
    data = Buffer.from(septets);
    text = septetsToText(septets);
  } else {
    data = raw.subarray(headerOctets, Math.max(headerOctets, Math.min(udl, raw.length)));
    text = coding === 'ucs2' ? decodeUcs2(data) : data.toString('latin1');
  }
  const concat = concatFromUdh(udh);
  return { coding, udl, udh, ...(concat ? { concat } : {}), text, data };
}

export interface DecodeOptions {
  /** The PDU starts with the SMSC field (27.005 `+CMT`, `+CMGR`, `+CDS`, and what we send). Default true. */
  hasSmsc?: boolean;
}

/** Decodes an SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT PDU given as hex. */
export function decodeSmsPdu(hex: string, opts: DecodeOptions = {}): DecodedPdu {
  const buf = hexToBytes(hex);
  let i = 0;
  let smsc: string | null = null;
  if (opts.hasSmsc ?? true) {
    const s = decodeSmscField(buf, 0);
    smsc = s.number;
    i = s.bytesRead;
  }
  const first = need(buf, i++);
  const mti = first & 0x03;
  const udhi = (first & 0x40) !== 0;

  if (mti === 0) {
    const oa = decodeAddress(buf, i);
    i += oa.bytesRead;
    const pid = need(buf, i++);
    const dcs = need(buf, i++);
    const time = decodeTimestamp(buf, i);
    i += 7;
    const udl = need(buf, i++);
    return {
      type: 'SMS-DELIVER', smsc, firstOctet: first, number: oa.number, numberToa: oa.toa, pid, dcs, time,
      moreMessagesToSend: (first & 0x04) === 0, statusReportIndication: (first & 0x20) !== 0,
      ...decodeUserData(buf, i, udl, dcs, udhi),
    };
  }
  if (mti === 1) {
    const reference = need(buf, i++);
    const da = decodeAddress(buf, i);
    i += da.bytesRead;
    const pid = need(buf, i++);
    const dcs = need(buf, i++);
    const vpf = (first >> 3) & 0x03;
    let validity: Validity = { kind: 'none' };
    if (vpf === 2) {
      const vp = need(buf, i++);
      validity = { kind: 'relative', vp, seconds: decodeRelativeValidity(vp) };
    } else if (vpf === 3) {
      validity = { kind: 'absolute', time: decodeTimestamp(buf, i) };
      i += 7;
    } else if (vpf === 1) {
      validity = { kind: 'enhanced', raw: Buffer.from(slice(buf, i, 7)).toString('hex').toUpperCase() };
      i += 7;
    }
    const udl = need(buf, i++);
    return {
      type: 'SMS-SUBMIT', smsc, firstOctet: first, reference, number: da.number, numberToa: da.toa, pid, dcs, validity,
      requestStatusReport: (first & 0x20) !== 0, rejectDuplicates: (first & 0x04) !== 0,
      ...decodeUserData(buf, i, udl, dcs, udhi),
    };
  }
  if (mti === 2) {
    const reference = need(buf, i++);
    const ra = decodeAddress(buf, i);
    i += ra.bytesRead;
    const time = decodeTimestamp(buf, i);
    i += 7;
    const discharge = decodeTimestamp(buf, i);
    i += 7;
    const status = need(buf, i++);
    const { state, text } = statusToState(status);
    // Optional TP-PI / PID / DCS / UDL / UD follow; the console has no use for them.
    return {
      type: 'SMS-STATUS-REPORT', smsc, firstOctet: first, reference, number: ra.number, numberToa: ra.toa,
      time, discharge, status, state, statusText: text,
    };
  }
  throw new SmsPduError(`reserved TP-MTI 3 (first octet 0x${first.toString(16).padStart(2, '0')})`);
}

/** Decodes a `+CDS` PDU; throws unless it is an SMS-STATUS-REPORT. */
export function decodeStatusReport(hex: string, opts: DecodeOptions = {}): DecodedStatusReport {
  const d = decodeSmsPdu(hex, opts);
  if (d.type !== 'SMS-STATUS-REPORT') throw new SmsPduError(`expected SMS-STATUS-REPORT, got ${d.type}`);
  return d;
}
