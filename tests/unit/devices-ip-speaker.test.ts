/**
 * The `ip-speaker` driver (electron/core/devices/ip-speaker.ts) against the terminal simulator
 * (electron/core/sim/devices/terminal-sim.ts) over loopback TCP, with the audio served by a real
 * node:http server so the terminal's download is proven, not assumed:
 *   - init (time sync + query status), start → reply ok → playing → succeeded with the EBM id,
 *     the WAV fetched (bytes, content type), stop → cancelled, download failure, fail-playback;
 *   - refusals named with their result code (13 refuse, 60 fault), fault report → health fault;
 *   - a reply that never comes (retried with the same session id, then failed and dropped), a
 *     slow reply rescued by a retry, missed heartbeats → offline → back online, offline → online;
 *   - garbage and a bad-CRC frame on the wire before valid frames; work state 3 in a heartbeat;
 *     an undecodable request from the terminal answered with result 13;
 *   - a 75-terminal fleet: all reach `succeeded` for one broadcast.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HallError } from '../../electron/core/api/errors';
import type { BroadcastResult, IpSpeakerDriver, StartBroadcast } from '../../electron/core/devices/driver';
import { formatEbmId } from '../../electron/core/devices/ebm';
import { IpTerminalParser, crc32, encodeFrame, type FrameInput, type IpFrame } from '../../electron/core/devices/ip-terminal';
import { DISTRICT_PLATFORM_CODE, createIpSpeaker, type IpSpeakerEntry, type IpSpeakerOptions } from '../../electron/core/devices/ip-speaker';
import {
  TerminalFleet,
  TerminalSimulator,
  makeWav,
  terminalSpec,
  wavDurationMs,
  type TerminalSimOptions,
  type TerminalSpec,
} from '../../electron/core/sim/devices/terminal-sim';

const WAV = makeWav(200);
const VILLAGE = terminalSpec({ code: '441602101001', name: '上城村', kind: 'village' });
const EBM_ID = formatEbmId(DISTRICT_PLATFORM_CODE, '20261129', 1);
const WAIT = { timeout: 8_000, interval: 10 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Serves the WAV at /warning.wav (404 elsewhere) and counts the downloads. */
async function startAudioServer(): Promise<{ url: (path?: string) => string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/warning.wav') {
      res.writeHead(404).end();
      return;
    }
    hits++;
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': WAV.length }).end(WAV);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as net.AddressInfo;
  return { url: (path = '/warning.wav') => `http://127.0.0.1:${port}${path}`, hits: () => hits };
}

function entryFor(spec: TerminalSpec, port: number): IpSpeakerEntry {
  return { id: `speaker-${spec.stationCode}`, kind: 'ip-speaker', name: spec.name, tcp: { host: '127.0.0.1', port }, resourceCode: spec.resourceCode, stationCode: spec.stationCode };
}

const FAST_DRIVER: IpSpeakerOptions = { replyTimeoutMs: 200, heartbeatIntervalMs: 1_000, reconnectMinMs: 20, reconnectMaxMs: 200 };

function watch(driver: IpSpeakerDriver): BroadcastResult[] {
  const results: BroadcastResult[] = [];
  driver.onBroadcastResult((r) => results.push(r));
  return results;
}

/** One simulated terminal and a driver connected to it (waits until the driver is online). */
async function rig(simOptions: Partial<TerminalSimOptions> = {}, driverOptions: IpSpeakerOptions = {}) {
  // The terminal beats twice as often as the driver expects, so a busy CI box cannot fake a missed one.
  const sim = new TerminalSimulator({ ...VILLAGE, heartbeatIntervalMs: 100, speed: 4, ...simOptions });
  await sim.start();
  const logs: string[] = [];
  const driver = createIpSpeaker(entryFor(VILLAGE, sim.port), { ...FAST_DRIVER, log: (l) => logs.push(l), ...driverOptions });
  cleanups.push(async () => {
    await driver.close();
    await sim.close();
  });
  const results = watch(driver);
  driver.start();
  await vi.waitFor(() => expect(driver.health().state).toBe('online'), WAIT);
  return { sim, driver, logs, results };
}

function start(audioUrl: string, over: Partial<StartBroadcast> = {}): StartBroadcast {
  return { ebmId: EBM_ID, kind: 'emergency', eventLevel: 2, eventType: '11B03', volume: 80, repeat: 2, audioUrl, ...over };
}

async function refusal(promise: Promise<unknown>): Promise<HallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HallError);
  return error as HallError;
}

describe('ip-speaker driver against the terminal simulator', () => {
  it('a result reached while no console is connected is sent to the next console that connects (store and forward)', async () => {
    const audio = await startAudioServer();
    const { sim, driver } = await rig({ playMs: 600 });
    await driver.startBroadcast(start(audio.url()));
    // The console goes away (a restart) while the terminal plays on.
    await driver.close();
    await vi.waitFor(() => expect(sim.broadcasts[0]?.states).toContain('succeeded'), WAIT);
    const next = createIpSpeaker(entryFor(VILLAGE, sim.port), FAST_DRIVER);
    cleanups.push(() => next.close());
    const results = watch(next);
    next.start();
    await vi.waitFor(() => expect(results.map((r) => [r.ebmId, r.state])).toEqual([[EBM_ID, 'succeeded']]), WAIT);
    // Acknowledged now: a third console hears nothing more of it.
    const third = createIpSpeaker(entryFor(VILLAGE, sim.port), FAST_DRIVER);
    cleanups.push(() => third.close());
    const none = watch(third);
    await next.close();
    third.start();
    await vi.waitFor(() => expect(third.health().state).toBe('online'), WAIT);
    await third.queryStatus();
    expect(none).toEqual([]);
  });

  it('initialises, broadcasts a downloaded WAV and reports playing → succeeded with the EBM id', async () => {
    const audio = await startAudioServer();
    const { sim, driver, results } = await rig();
    // Init on connect: time sync, then query status (the console's replies to heartbeats aside).
    const requests = sim.received.filter((r) => r.frame.packetType === 1).map((r) => r.frame.business);
    expect(requests.slice(0, 2)).toEqual(['timeSync', 'queryStatus']);

    await driver.startBroadcast(start(audio.url()));
    await vi.waitFor(() => expect(results.map((r) => r.state)).toEqual(['playing', 'succeeded']), WAIT);
    expect(results.every((r) => r.ebmId === EBM_ID)).toBe(true);
    expect(results[1]!.playCount).toBe(2);
    expect(results[1]!.endUtc).toBeGreaterThanOrEqual(results[1]!.startUtc);

    const [b] = sim.broadcasts;
    expect(b).toMatchObject({ ebmId: EBM_ID, kind: 'emergency', level: 2, eventType: '11B03', volume: 80, repeat: 2, audioBytes: WAV.length, contentType: 'audio/wav' });
    expect(b!.states).toEqual(['playing', 'succeeded']);
    expect(audio.hits()).toBe(1);
    // The console acknowledged both reports (packet type 2 replies with the reports' session ids).
    await vi.waitFor(() => expect(sim.received.filter((r) => r.frame.packetType === 2).length).toBeGreaterThanOrEqual(3), WAIT);

    await driver.setVolume(35);
    expect(sim.volume).toBe(35);
    expect(await driver.probe()).toContain('work state idle, volume 35');
    expect(driver.health().lastGoodAt).not.toBeNull();
  });

  it('stops a playing broadcast (cancelled), and reports failed when the audio cannot be fetched or played', async () => {
    const audio = await startAudioServer();
    const { sim, driver, results } = await rig({ playMs: 60_000 });
    await driver.startBroadcast(start(audio.url()));
    await vi.waitFor(() => expect(results.map((r) => r.state)).toEqual(['playing']), WAIT);
    await driver.stopBroadcast(EBM_ID);
    await vi.waitFor(() => expect(results.map((r) => r.state)).toEqual(['playing', 'cancelled']), WAIT);

    const missing = formatEbmId(DISTRICT_PLATFORM_CODE, '20261129', 2);
    await driver.startBroadcast(start(audio.url('/missing.wav'), { ebmId: missing }));
    await vi.waitFor(() => expect(results.filter((r) => r.ebmId === missing).map((r) => r.state)).toEqual(['failed']), WAIT);
    expect(sim.broadcasts[1]!.downloadError).toContain('404');

    await sim.setMode('fail-playback');
    const broken = formatEbmId(DISTRICT_PLATFORM_CODE, '20261129', 3);
    await driver.startBroadcast(start(audio.url(), { ebmId: broken }));
    await vi.waitFor(() => expect(results.filter((r) => r.ebmId === broken).map((r) => r.state)).toEqual(['failed']), WAIT);
    expect(sim.broadcasts[2]!.audioBytes).toBe(WAV.length);
  });

  it('rejects a refused start with result 13 named, and a faulty terminal with health fault and result 60', async () => {
    const audio = await startAudioServer();
    const { sim, driver } = await rig();
    await sim.setMode('refuse');
    const refused = await refusal(driver.startBroadcast(start(audio.url())));
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toContain(VILLAGE.name);
    expect(refused.message).toContain('result 13');
    expect(refused.details).toEqual({ deviceReason: 'bad-request', code: 13 });

    await sim.setMode('fault');
    await vi.waitFor(() => expect(driver.health()).toMatchObject({ state: 'fault', reason: expect.stringContaining('fault type 2') as unknown }), WAIT);
    const faulty = await refusal(driver.startBroadcast(start(audio.url())));
    expect(faulty.details).toEqual({ deviceReason: 'terminal-error', code: 60 });
    expect(audio.hits()).toBe(0);

    await sim.setMode('normal');
    await vi.waitFor(() => expect(driver.health()).toMatchObject({ state: 'online', reason: null }), WAIT);
  });

  it('retries a request that gets no reply with the same session id, then fails it and drops the link', async () => {
    const { sim, driver } = await rig({}, { heartbeatIntervalMs: 60_000 });
    await sim.setMode('silent');
    const before = sim.receivedOf('queryStatus').length;
    const t0 = Date.now();
    const error = await refusal(driver.queryStatus());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 200 - 20);
    expect(error.message).toMatch(/no reply to query status after 3 attempts/);
    expect(error.details).toEqual({ deviceReason: 'no reply' });
    const sent = sim.receivedOf('queryStatus').slice(before);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((f) => f.sessionId)).size).toBe(1);
    await vi.waitFor(() => expect(driver.health().state).toBe('offline'), WAIT);

    await sim.setMode('normal');
    await vi.waitFor(() => expect(driver.health().state).toBe('online'), WAIT);
  });

  it('a late reply is rescued by the retry', async () => {
    const { sim, driver, logs } = await rig({ slowEvery: 2, slowReplyMs: 1_000 });
    await sim.setMode('slow');
    const before = sim.receivedOf('queryStatus').length;
    const status = await driver.queryStatus();
    expect(status).toMatchObject({ result: 'ok', workState: 'idle' });
    const sent = sim.receivedOf('queryStatus').slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.sessionId).toBe(sent[1]!.sessionId);
    expect(logs.some((l) => l.includes('retry 1/2'))).toBe(true);
  });

  it('goes offline after three missed heartbeats and comes back when the terminal does', async () => {
    const { sim, driver } = await rig({ heartbeatIntervalMs: 50 }, { heartbeatIntervalMs: 100 });
    const states: string[] = [];
    driver.onHealth((h) => states.push(h.state));
    await sim.setMode('silent');
    await vi.waitFor(() => expect(driver.health()).toMatchObject({ state: 'offline', reason: expect.stringContaining('missed 3 heartbeats') as unknown }), WAIT);
    await sim.setMode('normal');
    await vi.waitFor(() => expect(driver.health().state).toBe('online'), WAIT);
    expect(states).toEqual(['offline', 'online']);
  });

  it('goes offline when the terminal drops off the network and resumes on its own', async () => {
    const audio = await startAudioServer();
    const { sim, driver, results } = await rig();
    await sim.setMode('offline');
    await vi.waitFor(() => expect(driver.health().state).toBe('offline'), WAIT);
    const error = await refusal(driver.startBroadcast(start(audio.url())));
    expect(error.message).toContain(VILLAGE.name);
    expect(error.details).toMatchObject({ deviceReason: expect.any(String) as unknown });
    await sim.setMode('normal');
    await vi.waitFor(() => expect(driver.health().state).toBe('online'), WAIT);
    await driver.startBroadcast(start(audio.url()));
    await vi.waitFor(() => expect(results.map((r) => r.state)).toEqual(['playing', 'succeeded']), WAIT);
  });

  it('skips random bytes and a bad-CRC frame on the wire and still handles the valid frame after them', async () => {
    const audio = await startAudioServer();
    // Long heartbeat interval: the next three frames from the terminal are reply, playing, succeeded.
    const { sim, driver, logs, results } = await rig({ heartbeatIntervalMs: 60_000 }, { heartbeatIntervalMs: 60_000 });
    sim.injectGarbage(3);
    await driver.startBroadcast(start(audio.url()));
    await vi.waitFor(() => expect(results.map((r) => r.state)).toEqual(['playing', 'succeeded']), WAIT);
    expect(logs.filter((l) => l.includes('bad-crc')).length).toBeGreaterThanOrEqual(3);
    expect(logs.some((l) => l.includes('garbage'))).toBe(true);
    expect(driver.health().state).toBe('online');
  });

  it('a fleet of 75 terminals starts in well under a second and all reach succeeded for one broadcast', async () => {
    const audio = await startAudioServer();
    const specs: TerminalSpec[] = [];
    for (let town = 1; town <= 7; town++) specs.push(terminalSpec({ code: `4416021${String(town).padStart(2, '0')}000`, name: `镇${town}`, kind: 'town' }));
    for (let v = 0; specs.length < 75; v++) {
      const town = (v % 7) + 1;
      specs.push(terminalSpec({ code: `4416021${String(town).padStart(2, '0')}${String(Math.floor(v / 7) + 1).padStart(3, '0')}`, name: `村${v}`, kind: 'village' }));
    }
    const fleet = new TerminalFleet(specs, { heartbeatIntervalMs: 5_000, speed: 4 });
    cleanups.push(() => fleet.close());
    const t0 = performance.now();
    await fleet.start();
    expect(performance.now() - t0).toBeLessThan(1_000);

    const entries = fleet.deviceEntries();
    expect(new Set(entries.map((e) => e.tcp.port)).size).toBe(75);
    const drivers = entries.map((e) => createIpSpeaker(e, { ...FAST_DRIVER, replyTimeoutMs: 2_000, heartbeatIntervalMs: 5_000 }));
    cleanups.push(async () => {
      await Promise.all(drivers.map((d) => d.close()));
    });
    const done = new Map<string, BroadcastResult>();
    for (const d of drivers) d.onBroadcastResult((r) => r.state === 'succeeded' && done.set(d.stationCode, r));
    drivers.forEach((d) => d.start());
    await vi.waitFor(() => expect(drivers.filter((d) => d.health().state === 'online')).toHaveLength(75), WAIT);

    await Promise.all(drivers.map((d) => d.startBroadcast(start(audio.url(), { repeat: 1 }))));
    await vi.waitFor(() => expect(done.size).toBe(75), WAIT);
    expect([...done.values()].every((r) => r.ebmId === EBM_ID && r.playCount === 1)).toBe(true);
    expect(audio.hits()).toBe(75);
    expect(fleet.terminal(specs[10]!.stationCode).broadcasts[0]!.audioBytes).toBe(WAV.length);
  });

  it('takes work state 3 in a heartbeat as a fault, and answers a request it cannot decode with result 13', async () => {
    // A hand-written terminal: the simulator always pairs a fault with a fault report.
    const parser = new IpTerminalParser();
    const fromConsole: IpFrame[] = [];
    let peer: net.Socket | null = null;
    const frame = (sessionId: number, packetType: number, f: Pick<FrameInput, 'business' | 'data'>) =>
      encodeFrame({ sessionId, packetType, source: VILLAGE.resourceCode, targets: [DISTRICT_PLATFORM_CODE], ...f } as FrameInput);
    const beat = (workState: 'idle' | 'fault') => frame(7, 1, { business: 'heartbeat', data: { workState, firstRegistration: false, physicalAddress: '02:00:00:00:00:01' } });
    const server = net.createServer((socket) => {
      peer = socket;
      socket.on('data', (chunk: Buffer) => {
        for (const f of parser.push(chunk)) {
          fromConsole.push(f);
          if (f.packetType === 1) socket.write(frame(f.sessionId, 2, { business: 'reply', data: { result: 'ok', workState: 'idle', volume: 50 } }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const driver = createIpSpeaker(entryFor(VILLAGE, (server.address() as net.AddressInfo).port), FAST_DRIVER);
    cleanups.push(() => driver.close());
    driver.start();
    await vi.waitFor(() => expect(driver.health().state).toBe('online'), WAIT);

    peer!.write(beat('fault'));
    await vi.waitFor(() => expect(driver.health()).toMatchObject({ state: 'fault', reason: expect.stringContaining('work state fault') as unknown }), WAIT);
    peer!.write(beat('idle'));
    await vi.waitFor(() => expect(driver.health().state).toBe('online'), WAIT);

    // Business type 0x7F is in no table: patch it into a valid frame and fix the CRC.
    const odd = Buffer.from(frame(0xabcdef, 1, { business: 'queryStatus', data: {} }));
    odd[26 + 12] = 0x7f;
    odd.writeUInt32BE(crc32(odd.subarray(0, odd.length - 4)), odd.length - 4);
    peer!.write(odd);
    await vi.waitFor(() => expect(fromConsole.find((f) => f.sessionId === 0xabcdef)).toMatchObject({ packetType: 2, business: 'reply', data: { result: 'bad-request' } }), WAIT);
  });

  it('reads a WAV duration from its header', () => {
    expect(wavDurationMs(makeWav(1_500))).toBeCloseTo(1_500, 0);
    expect(wavDurationMs(Buffer.from('not a wav at all'))).toBeNull();
  });
});
