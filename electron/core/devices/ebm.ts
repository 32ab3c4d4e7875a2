/**
 * Emergency-broadcast identifiers (应急广播), pure functions, no I/O:
 *
 *  - Resource code (应急广播资源编码), 23 digits:
 *      level (1: 4 county/district, 5 town/street, 6 village/community)
 *      + administrative division (12: GB/T 2260 six digits + 3 town + 3 village)
 *      + resource type (4) + type sequence (2) + subtype (2) + subtype sequence (2)
 *    e.g. 5 441602100000 0314 01 01 01 for a terminal of 源南镇.
 *
 *  - EBM ID (message id), 35 digits: the sending platform's 23-digit resource code + the date
 *    `yyyyMMdd` in China time (UTC+8) + a 4-digit daily sequence 0001–9999.
 *
 *  - On the wire (IP terminal protocol) both travel as packed BCD with leading F nibbles:
 *    23 digits → 12 bytes (F + 23 digits), 35 digits → 18 bytes (F + 35 digits).
 *
 * Resource-type numbers (the 4-digit field) come from the deployment's resource catalogue; this
 * module checks their shape, not their meaning.
 */

export class EbmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EbmError';
  }
}

// ---------------------------------------------------------------------------------------------
// BCD with leading F padding
// ---------------------------------------------------------------------------------------------

/**
 * Packs decimal digits into `bytes` octets, high nibble first, padded at the front with F
 * nibbles: "123" in 2 bytes → F1 23.
 */
export function digitsToBcd(digits: string, bytes: number): Buffer {
  if (!/^\d*$/.test(digits)) throw new EbmError(`"${digits}" is not all decimal digits`);
  const pad = bytes * 2 - digits.length;
  if (pad < 0) throw new EbmError(`${digits.length} digits do not fit in ${bytes} BCD bytes`);
  const nibbles = [...Array<number>(pad).fill(0xf), ...[...digits].map(Number)];
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (nibbles[2 * i]! << 4) | nibbles[2 * i + 1]!;
  return out;
}

/** Unpacks BCD: leading F nibbles are skipped; any other non-decimal nibble is an error. */
export function bcdToDigits(bcd: Uint8Array): string {
  let out = '';
  let leading = true;
  for (const b of bcd) {
    for (const nib of [b >> 4, b & 0x0f]) {
      if (leading && nib === 0xf) continue;
      leading = false;
      if (nib > 9) throw new EbmError(`BCD nibble 0x${nib.toString(16)} is not a digit`);
      out += String(nib);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resource codes
// ---------------------------------------------------------------------------------------------

export type ResourceLevel = 4 | 5 | 6;

export interface ResourceCodeParts {
  /** 4 county/district, 5 town/street, 6 village/community. */
  level: ResourceLevel;
  /** 12-digit division code: 6 county + 3 town + 3 village. */
  division: string;
  /** 4-digit resource type. */
  resourceType: string;
  /** 2-digit sequence within the type. */
  typeSeq: string;
  /** 2-digit subtype. */
  subtype: string;
  /** 2-digit sequence within the subtype. */
  subtypeSeq: string;
}

export const RESOURCE_CODE_DIGITS = 23;
export const RESOURCE_CODE_BCD_BYTES = 12;

/** Why `code` is not a valid resource code, or null when it is. */
export function resourceCodeProblem(code: string): string | null {
  if (typeof code !== 'string' || !/^\d{23}$/.test(code)) return 'a resource code is 23 decimal digits';
  const level = Number(code[0]);
  if (level !== 4 && level !== 5 && level !== 6) return `level digit ${code[0]} is not 4 (county), 5 (town) or 6 (village)`;
  const county = code.slice(1, 7);
  const town = code.slice(7, 10);
  const village = code.slice(10, 13);
  if (!/^[1-9]\d[0-9]{4}$/.test(county) || county.endsWith('00')) return `division ${county} is not a county-level GB/T 2260 code`;
  if (level === 4 && (town !== '000' || village !== '000')) return 'a county-level (4) code has town and village digits 000000';
  if (level === 5 && (town === '000' || village !== '000')) return 'a town-level (5) code has a non-zero town part and village 000';
  if (level === 6 && (town === '000' || village === '000')) return 'a village-level (6) code has non-zero town and village parts';
  return null;
}

export function isResourceCode(code: string): boolean {
  return resourceCodeProblem(code) === null;
}

/** Splits a resource code into its fields; throws EbmError when it is not valid. */
export function parseResourceCode(code: string): ResourceCodeParts {
  const problem = resourceCodeProblem(code);
  if (problem) throw new EbmError(`invalid resource code "${code}": ${problem}`);
  return {
    level: Number(code[0]) as ResourceLevel,
    division: code.slice(1, 13),
    resourceType: code.slice(13, 17),
    typeSeq: code.slice(17, 19),
    subtype: code.slice(19, 21),
    subtypeSeq: code.slice(21, 23),
  };
}

export function formatResourceCode(p: ResourceCodeParts): string {
  const code = `${p.level}${p.division}${p.resourceType}${p.typeSeq}${p.subtype}${p.subtypeSeq}`;
  parseResourceCode(code);
  return code;
}

export type StationKind = 'district' | 'town' | 'street' | 'village' | 'community';

const LEVEL_OF: Record<StationKind, ResourceLevel> = { district: 4, town: 5, street: 5, village: 6, community: 6 };

export interface StationCodeInput {
  /** district → level 4; town or street (街道) → 5; village or community (社区) → 6. */
  kind: StationKind;
  /** Division code: 6 digits (county), 9 (town) or 12; shorter ones are zero-filled to 12. */
  division: string;
  /** 4-digit resource type from the deployment's catalogue (e.g. the loudspeaker terminal type). */
  resourceType: string | number;
  /** Default 1. */
  typeSeq?: number;
  /** Default 1. */
  subtype?: number;
  /** Default 1. */
  subtypeSeq?: number;
}

/** Builds the 23-digit resource code of a station's device from its place in the district. */
export function stationResourceCode(s: StationCodeInput): string {
  if (!/^\d{6}(\d{3}){0,2}$/.test(s.division)) throw new EbmError(`division "${s.division}" must be 6, 9 or 12 digits`);
  const division = s.division.padEnd(12, '0');
  const two = (n: number | undefined, what: string) => {
    const v = n ?? 1;
    if (!Number.isInteger(v) || v < 0 || v > 99) throw new EbmError(`${what} ${v} is not 0–99`);
    return String(v).padStart(2, '0');
  };
  const resourceType = typeof s.resourceType === 'number' ? String(s.resourceType).padStart(4, '0') : s.resourceType;
  if (!/^\d{4}$/.test(resourceType)) throw new EbmError(`resource type "${resourceType}" must be 4 digits`);
  return formatResourceCode({
    level: LEVEL_OF[s.kind],
    division,
    resourceType,
    typeSeq: two(s.typeSeq, 'type sequence'),
    subtype: two(s.subtype, 'subtype'),
    subtypeSeq: two(s.subtypeSeq, 'subtype sequence'),
  });
}

export function resourceCodeToBcd(code: string): Buffer {
  parseResourceCode(code);
  return digitsToBcd(code, RESOURCE_CODE_BCD_BYTES);
}

/** 12 BCD bytes → 23 digits (the format, not the level/division rules, is enforced). */
export function bcdToResourceCode(bcd: Uint8Array): string {
  if (bcd.length !== RESOURCE_CODE_BCD_BYTES || bcd[0]! >> 4 !== 0xf) throw new EbmError('a resource code is 12 BCD bytes starting with an F nibble');
  const code = bcdToDigits(bcd);
  if (code.length !== RESOURCE_CODE_DIGITS) throw new EbmError(`resource code has ${code.length} digits, not 23`);
  return code;
}

// ---------------------------------------------------------------------------------------------
// EBM IDs
// ---------------------------------------------------------------------------------------------

export const EBM_ID_DIGITS = 35;
export const EBM_ID_BCD_BYTES = 18;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** yyyyMMdd of `date` in China time (UTC+8, no DST). */
export function chinaDay(date: Date): string {
  const d = new Date(date.getTime() + CHINA_OFFSET_MS);
  if (Number.isNaN(d.getTime())) throw new EbmError('invalid date');
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

function isCalendarDay(day: string): boolean {
  if (!/^\d{8}$/.test(day)) return false;
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(4, 6));
  const d = Number(day.slice(6, 8));
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 2000 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export interface EbmIdParts {
  platformCode: string;
  /** yyyyMMdd, China time. */
  day: string;
  /** 1–9999. */
  sequence: number;
}

export function ebmIdProblem(id: string): string | null {
  if (typeof id !== 'string' || !/^\d{35}$/.test(id)) return 'an EBM ID is 35 decimal digits';
  const rc = resourceCodeProblem(id.slice(0, 23));
  if (rc) return `platform resource code: ${rc}`;
  if (!isCalendarDay(id.slice(23, 31))) return `"${id.slice(23, 31)}" is not a yyyyMMdd date`;
  if (id.slice(31) === '0000') return 'the daily sequence starts at 0001';
  return null;
}

export function isEbmId(id: string): boolean {
  return ebmIdProblem(id) === null;
}

export function parseEbmId(id: string): EbmIdParts {
  const problem = ebmIdProblem(id);
  if (problem) throw new EbmError(`invalid EBM ID "${id}": ${problem}`);
  return { platformCode: id.slice(0, 23), day: id.slice(23, 31), sequence: Number(id.slice(31)) };
}

/** platform code + day (a Date, taken in China time, or a yyyyMMdd string) + sequence. */
export function formatEbmId(platformCode: string, day: Date | string, sequence: number): string {
  const d = typeof day === 'string' ? day : chinaDay(day);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 9999) throw new EbmError(`daily sequence ${sequence} is not 1–9999`);
  const id = `${platformCode}${d}${String(sequence).padStart(4, '0')}`;
  parseEbmId(id);
  return id;
}

export function ebmIdToBcd(id: string): Buffer {
  parseEbmId(id);
  return digitsToBcd(id, EBM_ID_BCD_BYTES);
}

/** 18 BCD bytes → 35 digits (format only; use parseEbmId for the rules). */
export function bcdToEbmId(bcd: Uint8Array): string {
  if (bcd.length !== EBM_ID_BCD_BYTES || bcd[0]! >> 4 !== 0xf) throw new EbmError('an EBM ID is 18 BCD bytes starting with an F nibble');
  const id = bcdToDigits(bcd);
  if (id.length !== EBM_ID_DIGITS) throw new EbmError(`EBM ID has ${id.length} digits, not 35`);
  return id;
}

/** What the allocator must persist between runs (so a restart never reuses an ID). */
export interface EbmSequenceState {
  day: string;
  sequence: number;
}

/**
 * Next daily sequence. Rules:
 *  - the day is the China-time date of `now`; a new day starts again at 0001 (rollover at
 *    00:00 China time = 16:00 UTC);
 *  - on the same day the sequence goes up by one; past 9999 there is no ID left for that day
 *    (EbmError) — the alternative, wrapping, would reuse IDs;
 *  - if the clock has gone back to an earlier day, the stored day is kept and its sequence goes
 *    on, so no ID is ever issued twice.
 */
export function nextEbmSequence(prev: EbmSequenceState | null, now: Date): EbmSequenceState {
  const today = chinaDay(now);
  if (!prev || today > prev.day) return { day: today, sequence: 1 };
  if (prev.sequence >= 9999) throw new EbmError(`EBM daily sequence exhausted for ${prev.day}`);
  return { day: prev.day, sequence: prev.sequence + 1 };
}

/**
 * Issues EBM IDs for one platform. Pure apart from its own state: the caller passes the time
 * and persists `state` after each call.
 */
export class EbmIdAllocator {
  private current: EbmSequenceState | null;

  constructor(
    readonly platformCode: string,
    state: EbmSequenceState | null = null,
  ) {
    parseResourceCode(platformCode);
    this.current = state;
  }

  get state(): EbmSequenceState | null {
    return this.current && { ...this.current };
  }

  next(now: Date): string {
    const s = nextEbmSequence(this.current, now);
    const id = formatEbmId(this.platformCode, s.day, s.sequence);
    this.current = s;
    return id;
  }
}
