/**
 * Pelco-D (and Pelco-P) frames for PTZ cameras on an RS-485 line.
 *
 * Pelco-D: `FF addr cmd1 cmd2 data1 data2 checksum`, checksum = (addr+cmd1+cmd2+data1+data2) mod 256.
 * Standard commands are bits in cmd1/cmd2 (cmd2 bit 0 clear); data1 is the pan speed, data2 the
 * tilt speed (0x00–0x3F, 0xFF turbo on pan). Extended commands have cmd2 bit 0 set: presets are
 * cmd2 0x03 set / 0x05 clear / 0x07 go to with the preset number in data2.
 *
 * Pelco-P: `A0 addr data1 data2 data3 data4 AF xor`, 0-based address, xor over bytes 0–6; the
 * pan/tilt/zoom bits of data2 match Pelco-D's cmd2, focus sits in data1 (far 0x01, near 0x02).
 */
import type { PtzAction } from '../../../shared/contract';

export const PELCO_D_SYNC = 0xff;
/** Pelco-D's fastest proportional speed; the API's 1–63 maps onto 0x01–0x3F one to one. */
export const PELCO_D_MAX_SPEED = 0x3f;
/** A moderate default when the caller gives no speed. */
export const PELCO_D_DEFAULT_SPEED = 0x20;

// Standard command bits.
const CMD1_FOCUS_NEAR = 0x01;
const CMD1_IRIS_OPEN = 0x02;
const CMD1_IRIS_CLOSE = 0x04;
const CMD2_RIGHT = 0x02;
const CMD2_LEFT = 0x04;
const CMD2_UP = 0x08;
const CMD2_DOWN = 0x10;
const CMD2_ZOOM_TELE = 0x20;
const CMD2_ZOOM_WIDE = 0x40;
const CMD2_FOCUS_FAR = 0x80;

export const PRESET_OPCODES = { set: 0x03, clear: 0x05, goto: 0x07 } as const;
export type PresetOp = keyof typeof PRESET_OPCODES;

const EXTENDED_NAMES: Record<number, string> = {
  0x03: 'set preset',
  0x05: 'clear preset',
  0x07: 'goto preset',
  0x09: 'set aux',
  0x0b: 'clear aux',
  0x0f: 'remote reset',
  0x11: 'set zone start',
  0x13: 'set zone end',
  0x15: 'write character',
  0x17: 'clear screen',
  0x19: 'alarm acknowledge',
  0x1b: 'zone scan on',
  0x1d: 'zone scan off',
  0x1f: 'set pattern start',
  0x21: 'set pattern stop',
  0x23: 'run pattern',
  0x25: 'set zoom speed',
  0x27: 'set focus speed',
};

/** The API speed (1–63, default 32) as a Pelco-D speed byte (0x00–0x3F). */
export function pelcoSpeed(speed: number | undefined): number {
  if (speed === undefined || !Number.isFinite(speed)) return PELCO_D_DEFAULT_SPEED;
  return Math.max(0, Math.min(PELCO_D_MAX_SPEED, Math.round(speed)));
}

function checkAddress(address: number): void {
  if (!Number.isInteger(address) || address < 1 || address > 255) throw new RangeError(`Pelco-D address ${address} is outside 1–255`);
}

function byte(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`Pelco-D ${name} ${value} is not a byte`);
  return value;
}

/** One raw Pelco-D frame with its checksum. */
export function pelcoDFrame(address: number, cmd1: number, cmd2: number, data1: number, data2: number): Buffer {
  checkAddress(address);
  const body = [address, byte('cmd1', cmd1), byte('cmd2', cmd2), byte('data1', data1), byte('data2', data2)];
  const checksum = body.reduce((a, b) => a + b, 0) % 256;
  return Buffer.from([PELCO_D_SYNC, ...body, checksum]);
}

/** The frame for one API action; `stop` is the all-zero command. */
export function pelcoDAction(address: number, action: PtzAction, speed?: number): Buffer {
  const s = pelcoSpeed(speed);
  const pan = (bits: number) => ({ cmd2: bits, data1: s });
  const tilt = (bits: number) => ({ cmd2: bits, data2: s });
  const table: Record<PtzAction, { cmd1?: number; cmd2?: number; data1?: number; data2?: number }> = {
    stop: {},
    left: pan(CMD2_LEFT),
    right: pan(CMD2_RIGHT),
    up: tilt(CMD2_UP),
    down: tilt(CMD2_DOWN),
    upleft: { cmd2: CMD2_UP | CMD2_LEFT, data1: s, data2: s },
    upright: { cmd2: CMD2_UP | CMD2_RIGHT, data1: s, data2: s },
    downleft: { cmd2: CMD2_DOWN | CMD2_LEFT, data1: s, data2: s },
    downright: { cmd2: CMD2_DOWN | CMD2_RIGHT, data1: s, data2: s },
    zoomin: { cmd2: CMD2_ZOOM_TELE },
    zoomout: { cmd2: CMD2_ZOOM_WIDE },
    focusnear: { cmd1: CMD1_FOCUS_NEAR },
    focusfar: { cmd2: CMD2_FOCUS_FAR },
  };
  const f = table[action];
  return pelcoDFrame(address, f.cmd1 ?? 0, f.cmd2 ?? 0, f.data1 ?? 0, f.data2 ?? 0);
}

/** Set, clear or go to preset `n` (1–255). */
export function pelcoDPreset(address: number, op: PresetOp, n: number): Buffer {
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new RangeError(`Pelco-D preset ${n} is outside 1–255`);
  return pelcoDFrame(address, 0, PRESET_OPCODES[op], 0, n);
}

export interface PelcoDStandard {
  kind: 'standard';
  address: number;
  pan: 'left' | 'right' | null;
  tilt: 'up' | 'down' | null;
  zoom: 'in' | 'out' | null;
  focus: 'near' | 'far' | null;
  iris: 'open' | 'close' | null;
  panSpeed: number;
  tiltSpeed: number;
  /** Every bit clear: stop all motion. */
  stop: boolean;
  /** Opposite bits set at once (left+right, up+down, …): a receiver should ignore the motion. */
  conflicting: boolean;
}

export interface PelcoDExtended {
  kind: 'extended';
  address: number;
  opcode: number;
  /** Known name ("goto preset", "set aux", …) or null for an opcode outside the table. */
  name: string | null;
  data1: number;
  data2: number;
}

export type PelcoDCommand = PelcoDStandard | PelcoDExtended;

function bits<A extends string, B extends string>(value: number, a: number, nameA: A, b: number, nameB: B): A | B | null {
  if (value & a && value & b) return null;
  if (value & a) return nameA;
  if (value & b) return nameB;
  return null;
}

/** Decode one 7-byte Pelco-D frame; throws on a wrong length, sync byte or checksum. */
export function decodePelcoD(frame: Uint8Array): PelcoDCommand {
  if (frame.length !== 7) throw new Error(`Pelco-D frame has ${frame.length} bytes, expected 7`);
  if (frame[0] !== PELCO_D_SYNC) throw new Error(`Pelco-D frame starts with 0x${frame[0]!.toString(16)}, expected 0xFF`);
  const [, address, cmd1, cmd2, data1, data2, checksum] = frame as unknown as number[] as [number, number, number, number, number, number, number];
  const expected = (address + cmd1 + cmd2 + data1 + data2) % 256;
  if (checksum !== expected) throw new Error(`Pelco-D checksum 0x${checksum.toString(16)} is wrong, expected 0x${expected.toString(16)}`);
  if (cmd2 & 0x01) return { kind: 'extended', address, opcode: cmd2, name: EXTENDED_NAMES[cmd2] ?? null, data1, data2 };
  const conflicting =
    (cmd2 & CMD2_LEFT && cmd2 & CMD2_RIGHT) ||
    (cmd2 & CMD2_UP && cmd2 & CMD2_DOWN) ||
    (cmd2 & CMD2_ZOOM_TELE && cmd2 & CMD2_ZOOM_WIDE) ||
    (cmd1 & CMD1_FOCUS_NEAR && cmd2 & CMD2_FOCUS_FAR) ||
    (cmd1 & CMD1_IRIS_OPEN && cmd1 & CMD1_IRIS_CLOSE);
  return {
    kind: 'standard',
    address,
    pan: bits(cmd2, CMD2_LEFT, 'left', CMD2_RIGHT, 'right'),
    tilt: bits(cmd2, CMD2_UP, 'up', CMD2_DOWN, 'down'),
    zoom: bits(cmd2, CMD2_ZOOM_TELE, 'in', CMD2_ZOOM_WIDE, 'out'),
    focus: cmd1 & CMD1_FOCUS_NEAR && cmd2 & CMD2_FOCUS_FAR ? null : cmd1 & CMD1_FOCUS_NEAR ? 'near' : cmd2 & CMD2_FOCUS_FAR ? 'far' : null,
    iris: bits(cmd1, CMD1_IRIS_OPEN, 'open', CMD1_IRIS_CLOSE, 'close'),
    panSpeed: data1,
    tiltSpeed: data2,
    stop: cmd1 === 0 && cmd2 === 0,
    conflicting: Boolean(conflicting),
  };
}

/**
 * Splits a byte stream into valid Pelco-D frames, resynchronising after garbage: a candidate
 * whose checksum fails is dropped one byte at a time until the next sync byte. Returns the frames
 * and the bytes to keep for the next chunk (an incomplete frame at the end).
 */
export function splitPelcoD(buffer: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let i = 0;
  while (i < buffer.length) {
    if (buffer[i] !== PELCO_D_SYNC) {
      i++;
      continue;
    }
    if (buffer.length - i < 7) break;
    const candidate = buffer.subarray(i, i + 7);
    const sum = (candidate[1]! + candidate[2]! + candidate[3]! + candidate[4]! + candidate[5]!) % 256;
    if (sum === candidate[6]) {
      frames.push(Buffer.from(candidate));
      i += 7;
    } else {
      i++;
    }
  }
  return { frames, rest: Buffer.from(buffer.subarray(i)) };
}

// ---- Pelco-P ----

export const PELCO_P_STX = 0xa0;
export const PELCO_P_ETX = 0xaf;

/** A Pelco-P frame for an action; `address` is 1-based here (camera 1 is 0x00 on the wire). */
export function pelcoPAction(address: number, action: PtzAction, speed?: number): Buffer {
  checkAddress(address);
  const d = pelcoDAction(address, action, speed);
  // Same pan/tilt/zoom bits and speeds as Pelco-D; focus moves to data1 (far 0x01, near 0x02).
  const data1 = action === 'focusfar' ? 0x01 : action === 'focusnear' ? 0x02 : 0;
  const data2 = d[3]! & 0x7e;
  const body = [PELCO_P_STX, address - 1, data1, data2, d[4]!, d[5]!, PELCO_P_ETX];
  return Buffer.from([...body, body.reduce((a, b) => a ^ b, 0)]);
}

export interface PelcoPCommand {
  /** 0-based as on the wire. */
  address: number;
  pan: 'left' | 'right' | null;
  tilt: 'up' | 'down' | null;
  zoom: 'in' | 'out' | null;
  focus: 'near' | 'far' | null;
  panSpeed: number;
  tiltSpeed: number;
  stop: boolean;
}

/** Decode one 8-byte Pelco-P frame; throws on a wrong length, framing or XOR. */
export function decodePelcoP(frame: Uint8Array): PelcoPCommand {
  if (frame.length !== 8) throw new Error(`Pelco-P frame has ${frame.length} bytes, expected 8`);
  if (frame[0] !== PELCO_P_STX || frame[6] !== PELCO_P_ETX) throw new Error('Pelco-P frame lacks STX 0xA0 / ETX 0xAF');
  const xor = Array.from(frame.subarray(0, 7)).reduce((a, b) => a ^ b, 0);
  if (xor !== frame[7]) throw new Error(`Pelco-P check byte 0x${frame[7]!.toString(16)} is wrong, expected 0x${xor.toString(16)}`);
  const [, address, data1, data2, data3, data4] = Array.from(frame) as [number, number, number, number, number, number];
  return {
    address,
    pan: bits(data2, CMD2_LEFT, 'left', CMD2_RIGHT, 'right'),
    tilt: bits(data2, CMD2_UP, 'up', CMD2_DOWN, 'down'),
    zoom: bits(data2, CMD2_ZOOM_TELE, 'in', CMD2_ZOOM_WIDE, 'out'),
    focus: bits(data1, 0x02, 'near', 0x01, 'far'),
    panSpeed: data3,
    tiltSpeed: data4,
    stop: data1 === 0 && data2 === 0,
  };
}
