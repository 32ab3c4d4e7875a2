/**
 * IP terminal protocol (大喇叭) codec and stream parser (electron/core/devices/ip-terminal.ts) and
 * the emergency-broadcast identifiers (electron/core/devices/ebm.ts):
 *   - frames spelled out byte by byte, CRC checked against node:zlib and Python's zlib.crc32;
 *   - round trips of every business type in the table;
 *   - the stream parser: one byte at a time, many frames per chunk, garbage, bad CRC, impossible
 *     lengths, resynchronisation;
 *   - resource codes, BCD, EBM IDs and the daily sequence.
 */
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BUSINESS,
  IpTerminalError,
  IpTerminalParser,
  MIN_FRAME_BYTES,
  PACKET_REPLY,
  PACKET_REQUEST,
  businessName,
  crc32,
  decodeFrame,
  encodeFrame,
  type BusinessDataMap,
  type BusinessName,
  type DropInfo,
  type FrameInput,
  type IpFrame,
} from '../../electron/core/devices/ip-terminal';
import {
  EbmError,
  EbmIdAllocator,
  bcdToDigits,
  bcdToEbmId,
  bcdToResourceCode,
  chinaDay,
  digitsToBcd,
  ebmIdProblem,
  ebmIdToBcd,
  formatEbmId,
  isEbmId,
  isResourceCode,
  nextEbmSequence,
  parseEbmId,
  parseResourceCode,
  resourceCodeProblem,
  resourceCodeToBcd,
  stationResourceCode,
} from '../../electron/core/devices/ebm';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const bytes = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');

/** Python's zlib.crc32 (an independent implementation) of some bytes, via /usr/bin/python3. */
function pythonCrc32(b: Uint8Array): number {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, zlib; print(zlib.crc32(bytes.fromhex(sys.argv[1])))', hex(b)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 zlib.crc32 failed: ${r.stderr || r.error?.message}`);
  return Number(r.stdout.trim());
}

// The county platform (level 4, 源城区 441602, type 0101 01 01 01) and a 源南镇 terminal
// (level 5, 441602 100 000, type 0314 01 01 01). Resource-type numbers are illustrative.
const PLATFORM = '44416020000000101010101';
const TERMINAL = '54416021000000314010101';
const EBM_ID = `${PLATFORM}202607130001`;

describe('known frames, byte by byte', () => {
  it('set volume 80 from the platform to one terminal', () => {
    const spelled = [
      'FE FD', //                                   magic
      '01 00', //                                   version 1.0
      '00 00 00 2A', //                             session id 42
      '01', //                                      packet type 1: request
      '00', //                                      signature flag 0
      '00 2E', //                                   length 46 = 33 + 12×1 target + 1 data byte
      'F4 44 16 02 00 00 00 01 01 01 01 01', //     source: F + 4 441602000000 0101 01 01 01
      '00 01', //                                   1 target
      'F5 44 16 02 10 00 00 03 14 01 01 01', //     target: F + 5 441602100000 0314 01 01 01
      '03', //                                      business type 0x03: set volume
      '00 01', //                                   data length 1
      '50', //                                      volume 80
      'B0 F5 07 1B', //                             CRC32 of the 42 bytes above (zlib)
    ].join(' ');
    const frame = encodeFrame({ sessionId: 42, packetType: PACKET_REQUEST, source: PLATFORM, targets: [TERMINAL], business: 'setVolume', data: { volume: 80 } });
    expect(hex(frame)).toBe(hex(bytes(spelled)));
    expect(frame.length).toBe(46);
    const body = frame.subarray(0, 42);
    expect(zlib.crc32(body)).toBe(0xb0f5071b);
    expect(pythonCrc32(body)).toBe(0xb0f5071b);
    expect(crc32(body)).toBe(0xb0f5071b);
    expect(decodeFrame(frame)).toMatchObject({ sessionId: 42, packetType: 1, signatureFlag: 0, source: PLATFORM, targets: [TERMINAL], business: 'setVolume', data: { volume: 80 } });
  });

  it('heartbeat from a terminal (no targets)', () => {
    const spelled =
      'FE FD 01 00 00 00 00 07 01 00 00 29' + //  header, length 41 = 33 + 8
      ' F5 44 16 02 10 00 00 03 14 01 01 01' + // source: the terminal
      ' 00 00' + //                               no targets
      ' 10 00 08' + //                            0x10 heartbeat, 8 data bytes
      ' 01 01 00 1A 2B 3C 4D 5E' + //             idle, first registration, MAC 00:1A:2B:3C:4D:5E
      ' EF 49 9A DB'; //                          CRC32
    const frame = encodeFrame({
      sessionId: 7, packetType: PACKET_REQUEST, source: TERMINAL, targets: [], business: 'heartbeat',
      data: { workState: 'idle', firstRegistration: true, physicalAddress: '00:1A:2B:3C:4D:5E' },
    });
    expect(hex(frame)).toBe(hex(bytes(spelled)));
    expect(pythonCrc32(frame.subarray(0, 37))).toBe(0xef499adb);
  });

  it('start broadcast (EBM ID in 18 BCD bytes, event type, volume, repeat, URL)', () => {
    const spelled =
      'FE FD 01 00 00 00 01 00 01 00 00 58' + //                   session 256, length 88 = 33 + 12 + 43
      ' F4 44 16 02 00 00 00 01 01 01 01 01 00 01' + //            source, 1 target
      ' F5 44 16 02 10 00 00 03 14 01 01 01' + //                  target
      ' 01 00 2B' + //                                             0x01 start, 43 data bytes
      ' F4 44 16 02 00 00 00 01 01 01 01 01 20 26 07 13 00 01' + // EBM ID: F + platform + 20260713 + 0001
      ' 04 02' + //                                                kind 4 emergency, level 2 重大
      ' 31 31 42 30 33' + //                                       event type "11B03"
      ' 50 03' + //                                                volume 80, repeat 3
      ' 00 0E 68 74 74 70 3A 2F 2F 61 2F 31 2E 6D 70 33' + //      URL length 14, "http://a/1.mp3"
      ' 81 46 97 94'; //                                           CRC32
    const frame = encodeFrame({
      sessionId: 256, packetType: PACKET_REQUEST, source: PLATFORM, targets: [TERMINAL], business: 'startBroadcast',
      data: { ebmId: EBM_ID, kind: 'emergency', level: 2, eventType: '11B03', volume: 80, repeat: 3, audioUrl: 'http://a/1.mp3' },
    });
    expect(hex(frame)).toBe(hex(bytes(spelled)));
    expect(pythonCrc32(frame.subarray(0, 84))).toBe(0x81469794);
  });
});

describe('every business type round-trips', () => {
  const samples: { [K in BusinessName]: BusinessDataMap[K][] } = {
    startBroadcast: [
      { ebmId: EBM_ID, kind: 'emergency', level: 1, eventType: '11B01', volume: 100, repeat: 2, audioUrl: 'http://10.0.0.5/ebm/暴雨橙色预警.mp3' },
      { ebmId: EBM_ID, kind: 'daily', level: 4, eventType: '00000', volume: null, repeat: 0, audioUrl: '' },
      { ebmId: EBM_ID, kind: 'platform-drill', level: 3, eventType: 'A B C', volume: 0, repeat: 255, audioUrl: 'rtsp://x/y' },
    ],
    stopBroadcast: [{ ebmId: EBM_ID }],
    setVolume: [{ volume: 0 }, { volume: 100 }],
    queryStatus: [{}],
    timeSync: [{ utcSeconds: 0 }, { utcSeconds: 1_785_000_000 }, { utcSeconds: 0xffffffff }],
    heartbeat: [
      { workState: 'broadcasting', firstRegistration: false, physicalAddress: 'FF:00:AB:CD:EF:01' },
      { workState: 'fault', firstRegistration: true, physicalAddress: '00:00:00:00:00:00' },
    ],
    reply: [
      { result: 'ok', workState: 'idle', volume: 60 },
      { result: 'bad-request', workState: 'broadcasting', volume: 0 },
      { result: 'terminal-error', workState: 'fault', volume: 100 },
    ],
    faultReport: [{ status: 'fault', faultType: 3 }, { status: 'recovered', faultType: 255 }],
    broadcastResult: (['not-processed', 'waiting', 'playing', 'succeeded', 'failed', 'cancelled'] as const).map((state, i) => ({
      ebmId: EBM_ID, state, startUtc: 1_785_000_000 + i, endUtc: 1_785_000_100 + i, playCount: i,
    })),
  };

  for (const name of Object.keys(BUSINESS) as BusinessName[]) {
    it(`${name} (0x${BUSINESS[name].code.toString(16).padStart(2, '0')})`, () => {
      for (const data of samples[name]) {
        const reply = name === 'reply';
        const input = {
          sessionId: 0xdeadbeef, packetType: reply ? PACKET_REPLY : PACKET_REQUEST,
          source: BUSINESS[name].direction === 'console→terminal' ? PLATFORM : TERMINAL,
          targets: BUSINESS[name].direction === 'console→terminal' ? [TERMINAL, '64416021002010314010101'] : [PLATFORM],
          business: name, data,
        } as FrameInput;
        const frame = encodeFrame(input);
        const decoded = decodeFrame(frame);
        expect(decoded).toMatchObject({ ...input, version: 0x0100, signatureFlag: 0, length: frame.length, businessType: BUSINESS[name].code });
        expect(decoded.business === null ? decoded.error : decoded.data).toEqual(data);
        expect(BUSINESS[name].decode(BUSINESS[name].encode(data as never))).toEqual(data);
      }
    });
  }

  it('the table has the spec codes, each once', () => {
    const codes = Object.fromEntries((Object.keys(BUSINESS) as BusinessName[]).map((k) => [k, BUSINESS[k].code]));
    expect(codes).toEqual({
      startBroadcast: 0x01, stopBroadcast: 0x02, setVolume: 0x03, queryStatus: 0x04, timeSync: 0x05,
      heartbeat: 0x10, reply: 0x11, faultReport: 0x13, broadcastResult: 0x15,
    });
    expect(new Set(Object.values(codes)).size).toBe(9);
    expect(businessName(0x15)).toBe('broadcastResult');
    expect(businessName(0x99)).toBeUndefined();
  });

  it('rejects bad business data when encoding', () => {
    const base = { sessionId: 1, packetType: PACKET_REQUEST, source: PLATFORM, targets: [TERMINAL] };
    const start = samples.startBroadcast[0]!;
    expect(() => encodeFrame({ ...base, business: 'setVolume', data: { volume: 101 } })).toThrow(IpTerminalError);
    expect(() => encodeFrame({ ...base, business: 'startBroadcast', data: { ...start, eventType: '11B0' } })).toThrow(IpTerminalError);
    expect(() => encodeFrame({ ...base, business: 'startBroadcast', data: { ...start, eventType: '预警类型五' } })).toThrow(IpTerminalError);
    expect(() => encodeFrame({ ...base, business: 'startBroadcast', data: { ...start, ebmId: EBM_ID.slice(1) } })).toThrow(EbmError);
    expect(() => encodeFrame({ ...base, business: 'timeSync', data: { utcSeconds: -1 } })).toThrow(IpTerminalError);
    expect(() => encodeFrame({ ...base, business: 'heartbeat', data: { workState: 'idle', firstRegistration: false, physicalAddress: '00:11' } })).toThrow(IpTerminalError);
    expect(() => encodeFrame({ ...base, sessionId: 2 ** 32, business: 'queryStatus', data: {} })).toThrow(IpTerminalError);
    expect(() => encodeFrame({ ...base, targets: ['123'], business: 'queryStatus', data: {} })).toThrow(EbmError);
  });

  it('a CRC-valid frame with an unknown type or bad data decodes with business null (to answer 13)', () => {
    const frame = encodeFrame({ sessionId: 5, packetType: PACKET_REQUEST, source: PLATFORM, targets: [TERMINAL], business: 'setVolume', data: { volume: 10 } });
    const patch = (f: Buffer) => {
      f.writeUInt32BE(zlib.crc32(f.subarray(0, f.length - 4)), f.length - 4);
      return f;
    };
    const unknown = Buffer.from(frame);
    unknown[38] = 0x7e; // business type byte (26 + 12 targets)
    expect(decodeFrame(patch(unknown))).toMatchObject({ business: null, businessType: 0x7e, error: 'unknown business type 0x7e', sessionId: 5 });
    const badVolume = Buffer.from(frame);
    badVolume[41] = 200;
    expect(decodeFrame(patch(badVolume))).toMatchObject({ business: null, error: 'volume 200 is out of range 0–100' });
  });

  it('decodeFrame throws on a bad CRC, magic, version or length', () => {
    const frame = encodeFrame({ sessionId: 5, packetType: PACKET_REQUEST, source: PLATFORM, targets: [], business: 'queryStatus', data: {} });
    expect(frame.length).toBe(MIN_FRAME_BYTES);
    const flip = (i: number) => {
      const f = Buffer.from(frame);
      f[i]! ^= 0x01;
      return f;
    };
    expect(() => decodeFrame(flip(32))).toThrow(/bad CRC/);
    expect(() => decodeFrame(flip(0))).toThrow(/bad magic/);
    expect(() => decodeFrame(flip(3))).toThrow(/version/);
    expect(() => decodeFrame(flip(11))).toThrow(/impossible length/);
    expect(() => decodeFrame(frame.subarray(0, 30))).toThrow(IpTerminalError);
  });
});

describe('stream parser', () => {
  const mk = (sessionId: number, volume = 50): Buffer =>
    encodeFrame({ sessionId, packetType: PACKET_REQUEST, source: PLATFORM, targets: [TERMINAL], business: 'setVolume', data: { volume } });
  const ids = (frames: IpFrame[]) => frames.map((f) => f.sessionId);
  const collect = () => {
    const drops: DropInfo[] = [];
    const parser = new IpTerminalParser({ onDrop: (d) => drops.push(d) });
    return { parser, drops };
  };

  it('assembles frames fed one byte at a time', () => {
    const { parser, drops } = collect();
    const stream = Buffer.concat([mk(1), mk(2), encodeFrame({ sessionId: 3, packetType: PACKET_REQUEST, source: PLATFORM, targets: [], business: 'startBroadcast', data: { ebmId: EBM_ID, kind: 'emergency', level: 1, eventType: '11B01', volume: null, repeat: 1, audioUrl: 'http://h/a.mp3' } })]);
    const out: IpFrame[] = [];
    for (const b of stream) out.push(...parser.push(Buffer.from([b])));
    expect(ids(out)).toEqual([1, 2, 3]);
    expect(drops).toEqual([]);
    expect(parser.buffered).toBe(0);
  });

  it('returns many frames from one chunk, and frames split anywhere across chunks', () => {
    const { parser, drops } = collect();
    const stream = Buffer.concat([1, 2, 3, 4, 5].map((i) => mk(i)));
    expect(ids(parser.push(stream))).toEqual([1, 2, 3, 4, 5]);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const p = new IpTerminalParser();
      expect(ids([...p.push(stream.subarray(0, cut)), ...p.push(stream.subarray(cut))])).toEqual([1, 2, 3, 4, 5]);
    }
    expect(drops).toEqual([]);
  });

  it('skips garbage before and between frames and reports it', () => {
    const { parser, drops } = collect();
    const junk1 = bytes('00 11 22 FE 33 FD');
    const junk2 = bytes('0D 0A 4F 4B 0D 0A FE');
    expect(ids(parser.push(Buffer.concat([junk1, mk(1), junk2, mk(2)])))).toEqual([1, 2]);
    expect(drops.map((d) => [d.reason, hex(d.bytes)])).toEqual([
      ['garbage', hex(junk1)],
      ['garbage', hex(junk2)],
    ]);
    // Garbage alone is dropped except a trailing FE, which may start a magic.
    drops.length = 0;
    expect(parser.push(bytes('01 02 03 FE'))).toEqual([]);
    expect(parser.buffered).toBe(1);
    expect(ids(parser.push(mk(9).subarray(1)))).toEqual([9]);
    expect(drops.map((d) => hex(d.bytes))).toEqual(['010203']);
  });

  it('drops a frame with a bad CRC and still emits the good one after it', () => {
    const { parser, drops } = collect();
    const bad = mk(1);
    bad[41] = 99; // change the volume, keep the CRC
    expect(ids(parser.push(Buffer.concat([bad, mk(2)])))).toEqual([2]);
    expect(drops[0]!.reason).toBe('bad-crc');
    expect(drops.reduce((n, d) => n + d.bytes.length, 0)).toBe(bad.length);
    expect(drops.slice(1).every((d) => d.reason === 'garbage')).toBe(true);
  });

  it('a good frame hidden inside a corrupt frame’s claimed length is recovered', () => {
    const { parser, drops } = collect();
    const liar = Buffer.from(mk(1).subarray(0, 20)); // truncated frame whose length says 46
    const out = parser.push(Buffer.concat([liar, mk(2), mk(3)]));
    expect(ids(out)).toEqual([2, 3]);
    expect(drops.some((d) => d.reason === 'impossible-length' || d.reason === 'bad-crc')).toBe(true);
  });

  it('drops impossible lengths at once (too small, too large, inconsistent with counts)', () => {
    const { parser, drops } = collect();
    const tooSmall = mk(1);
    tooSmall.writeUInt16BE(20, 10);
    const tooLarge = mk(2);
    tooLarge.writeUInt16BE(60_000, 10);
    const inconsistent = mk(3);
    inconsistent.writeUInt16BE(47, 10); // 46 bytes of structure claimed as 47
    const manyTargets = mk(4);
    manyTargets.writeUInt16BE(500, 24); // 500 targets cannot fit in 46 bytes
    for (const f of [tooSmall, tooLarge, inconsistent, manyTargets]) {
      drops.length = 0;
      expect(ids(parser.push(Buffer.concat([f, mk(7)])))).toEqual([7]);
      expect(drops[0]!.reason).toBe('impossible-length');
      expect(parser.buffered).toBe(0);
    }
    // A header that claims 60000 bytes does not make the parser wait for them.
    const p2 = new IpTerminalParser();
    const big = mk(8);
    big.writeUInt16BE(60_000, 10);
    expect(p2.push(big.subarray(0, 12))).toEqual([]);
    expect(p2.buffered).toBe(0);
  });

  it('drops a wrong version and resynchronises', () => {
    const { parser, drops } = collect();
    const v2 = mk(1);
    v2[2] = 0x02;
    expect(ids(parser.push(Buffer.concat([v2, mk(2)])))).toEqual([2]);
    expect(drops[0]!.reason).toBe('bad-version');
  });

  it('drops a CRC-valid frame whose resource code is not BCD ("undecodable") and goes on', () => {
    const { parser, drops } = collect();
    const f = mk(1);
    f[12] = 0x05; // source code without its leading F nibble
    f.writeUInt32BE(zlib.crc32(f.subarray(0, f.length - 4)), f.length - 4);
    expect(ids(parser.push(Buffer.concat([f, mk(2)])))).toEqual([2]);
    expect(drops.map((d) => [d.reason, d.bytes.length])).toEqual([['undecodable', 46]]);
  });

  it('reset() forgets a partial frame', () => {
    const parser = new IpTerminalParser();
    parser.push(mk(1).subarray(0, 30));
    expect(parser.buffered).toBe(30);
    expect(parser.reset()).toBe(30);
    expect(ids(parser.push(mk(2)))).toEqual([2]);
  });
});

describe('resource codes and BCD', () => {
  it('packs 23 digits as F + digits in 12 bytes and back', () => {
    expect(hex(resourceCodeToBcd(PLATFORM))).toBe('F44416020000000101010101');
    expect(hex(resourceCodeToBcd(TERMINAL))).toBe('F54416021000000314010101');
    expect(bcdToResourceCode(bytes('F54416021000000314010101'))).toBe(TERMINAL);
    expect(hex(digitsToBcd('123', 2))).toBe('F123');
    expect(hex(digitsToBcd('1234', 3))).toBe('FF1234');
    expect(bcdToDigits(bytes('FF1234'))).toBe('1234');
    expect(() => bcdToDigits(bytes('F1A3'))).toThrow(EbmError);
    expect(() => digitsToBcd('12345', 2)).toThrow(EbmError);
    expect(() => bcdToResourceCode(bytes('054416021000000314010101'))).toThrow(EbmError);
    expect(() => bcdToResourceCode(bytes('F544160210000003140101'))).toThrow(EbmError);
  });

  it('validates level, division and shape', () => {
    expect(parseResourceCode(TERMINAL)).toEqual({ level: 5, division: '441602100000', resourceType: '0314', typeSeq: '01', subtype: '01', subtypeSeq: '01' });
    expect(isResourceCode(PLATFORM)).toBe(true);
    expect(isResourceCode('64416021002010314010101')).toBe(true);
    expect(resourceCodeProblem('3441602000000010101010')).toMatch(/23 decimal digits/);
    expect(resourceCodeProblem('34416020000000101010101')).toMatch(/level digit 3/);
    expect(resourceCodeProblem('44416021000000101010101')).toMatch(/county-level/); // level 4 with a town part
    expect(resourceCodeProblem('54416020000000314010101')).toMatch(/town-level/); // level 5 without a town
    expect(resourceCodeProblem('54416021002010314010101')).toMatch(/town-level/); // level 5 with a village
    expect(resourceCodeProblem('64416021000000314010101')).toMatch(/village-level/);
    expect(resourceCodeProblem('40000000000000101010101')).toMatch(/GB\/T 2260/);
    expect(() => parseResourceCode('x')).toThrow(EbmError);
  });

  it('builds station codes: district → 4, town/street → 5, village/community → 6', () => {
    expect(stationResourceCode({ kind: 'district', division: '441602', resourceType: '0101' })).toBe(PLATFORM);
    expect(stationResourceCode({ kind: 'town', division: '441602100000', resourceType: '0314' })).toBe(TERMINAL);
    expect(stationResourceCode({ kind: 'street', division: '441602001', resourceType: 314, typeSeq: 2, subtype: 3, subtypeSeq: 4 })).toBe('54416020010000314020304');
    expect(stationResourceCode({ kind: 'village', division: '441602100201', resourceType: '0314' })).toBe('64416021002010314010101');
    expect(stationResourceCode({ kind: 'community', division: '441602001003', resourceType: '0314' })[0]).toBe('6');
    expect(() => stationResourceCode({ kind: 'village', division: '441602100', resourceType: '0314' })).toThrow(/village-level/);
    expect(() => stationResourceCode({ kind: 'town', division: '4416021', resourceType: '0314' })).toThrow(EbmError);
    expect(() => stationResourceCode({ kind: 'town', division: '441602100', resourceType: '31' })).toThrow(EbmError);
    expect(() => stationResourceCode({ kind: 'town', division: '441602100', resourceType: '0314', typeSeq: 100 })).toThrow(EbmError);
  });
});

describe('EBM IDs', () => {
  it('35 digits: platform code + yyyyMMdd (China time) + 4-digit sequence', () => {
    const id = formatEbmId(PLATFORM, new Date('2026-07-12T16:30:00Z'), 1); // 00:30 on 13 July in China
    expect(id).toBe(EBM_ID);
    expect(id).toHaveLength(35);
    expect(parseEbmId(id)).toEqual({ platformCode: PLATFORM, day: '20260713', sequence: 1 });
    expect(formatEbmId(PLATFORM, '20261231', 9999)).toBe(`${PLATFORM}202612319999`);
    expect(hex(ebmIdToBcd(id))).toBe('F44416020000000101010101202607130001');
    expect(bcdToEbmId(ebmIdToBcd(id))).toBe(id);
    expect(ebmIdToBcd(id)).toHaveLength(18);
  });

  it('rejects malformed IDs', () => {
    expect(isEbmId(EBM_ID)).toBe(true);
    expect(ebmIdProblem(EBM_ID.slice(0, 34))).toMatch(/35 decimal digits/);
    expect(ebmIdProblem(`${PLATFORM}202602300001`)).toMatch(/yyyyMMdd/); // 30 February
    expect(ebmIdProblem(`${PLATFORM}202607130000`)).toMatch(/0001/);
    expect(ebmIdProblem(`3${PLATFORM.slice(1)}202607130001`)).toMatch(/platform resource code/);
    expect(() => formatEbmId(PLATFORM, '20260713', 0)).toThrow(EbmError);
    expect(() => formatEbmId(PLATFORM, '20260713', 10000)).toThrow(EbmError);
    expect(() => bcdToEbmId(bytes('F4441602000000010101010120260713000'))).toThrow(EbmError);
  });

  it('the China day turns at 16:00 UTC', () => {
    expect(chinaDay(new Date('2026-07-12T15:59:59Z'))).toBe('20260712');
    expect(chinaDay(new Date('2026-07-12T16:00:00Z'))).toBe('20260713');
    expect(chinaDay(new Date('2026-12-31T16:00:00Z'))).toBe('20270101');
  });

  it('daily sequence: +1 within a day, back to 0001 after China midnight, never past 9999, never backwards', () => {
    const t = (iso: string) => new Date(iso);
    let s = nextEbmSequence(null, t('2026-07-13T01:00:00Z'));
    expect(s).toEqual({ day: '20260713', sequence: 1 });
    s = nextEbmSequence(s, t('2026-07-13T15:59:59Z')); // 23:59:59 China
    expect(s).toEqual({ day: '20260713', sequence: 2 });
    s = nextEbmSequence(s, t('2026-07-13T16:00:00Z')); // 00:00 China, next day
    expect(s).toEqual({ day: '20260714', sequence: 1 });
    expect(() => nextEbmSequence({ day: '20260714', sequence: 9999 }, t('2026-07-14T10:00:00Z'))).toThrow(/exhausted/);
    expect(nextEbmSequence({ day: '20260714', sequence: 9999 }, t('2026-07-14T16:00:00Z'))).toEqual({ day: '20260715', sequence: 1 });
    // Clock set back a day: keep counting on the stored day rather than reissue old IDs.
    expect(nextEbmSequence({ day: '20260714', sequence: 5 }, t('2026-07-12T10:00:00Z'))).toEqual({ day: '20260714', sequence: 6 });
  });

  it('the allocator issues unique IDs and resumes from saved state', () => {
    const a = new EbmIdAllocator(PLATFORM);
    const now = new Date('2026-07-13T02:00:00Z');
    const ids = [a.next(now), a.next(now), a.next(now)];
    expect(ids.map((id) => id.slice(23))).toEqual(['202607130001', '202607130002', '202607130003']);
    const saved = a.state!;
    const b = new EbmIdAllocator(PLATFORM, saved);
    expect(b.next(now).slice(23)).toBe('202607130004');
    expect(b.next(new Date('2026-07-13T16:00:01Z')).slice(23)).toBe('202607140001');
    expect(() => new EbmIdAllocator('123')).toThrow(EbmError);
  });
});
