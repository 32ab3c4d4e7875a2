/**
 * Simulated IP loudspeaker terminals (大喇叭) for demo mode, tests and the benchmark. Each
 * `TerminalSimulator` is a loopback TCP server that speaks the IP terminal protocol
 * (../shared/specs/devices-v1.md) as a terminal does: it answers every request with a reply of the
 * same session id, sends heartbeats, and on "start broadcast" replies ok, fetches the audio URL
 * over HTTP (so a test proves the audio really was reachable), reports `playing`, and after the
 * audio's length (WAV header × repeat count ÷ `speed`) reports `succeeded`.
 *
 * Modes let tests and demo mode break it the ways real terminals break: offline, fault, refuse,
 * slow, fail-playback, and silent (connected but mute: a hung terminal or a half-open link, the
 * case only the heartbeat watchdog can catch). Everything received is recorded for assertions.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { IpSpeakerEntry } from '../../devices/ip-speaker';
import { stationResourceCode, type StationKind } from '../../devices/ebm';
import { BUSINESS, IpTerminalParser, PACKET_REPLY, PACKET_REQUEST, encodeFrame } from '../../devices/ip-terminal';
import type { BroadcastState, DropInfo, FrameInput, IpFrame, ReplyResult, StartBroadcastData, WorkState } from '../../devices/ip-terminal';

export type TerminalMode = 'normal' | 'offline' | 'fault' | 'refuse' | 'slow' | 'fail-playback' | 'silent';

/** Resource type of a loudspeaker terminal in the deployment's catalogue (as in ebm.ts's example). */
export const TERMINAL_RESOURCE_TYPE = '0314';

export interface TerminalSpec {
  stationCode: string;
  resourceCode: string;
  name: string;
}

export interface TerminalSimOptions extends TerminalSpec {
  host?: string;
  /** 0 (default): an ephemeral port, kept across offline/online. */
  port?: number;
  /** Default 30 000 (spec); tests use tens of ms. */
  heartbeatIntervalMs?: number;
  /** Playback runs this many times faster than the audio (default 1). */
  speed?: number;
  /** Fixed playback time for all repeats, instead of the WAV's duration. */
  playMs?: number;
  /** How late a slow reply is (default 6 000: past the console's 5 s timeout). */
  slowReplyMs?: number;
  /** In 'slow' mode replies 0, n, 2n, … are late (default 2: every other one; 1: all). */
  slowEvery?: number;
  /** Fault type sent in 'fault' mode (default 2). */
  faultType?: number;
  volume?: number;
  downloadTimeoutMs?: number;
  /** Received frames kept for inspection (default 10 000): a long demo run must not grow forever. */
  recordLimit?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

/** One start-broadcast request as the terminal handled it. */
export interface SimBroadcast extends StartBroadcastData {
  sessionId: number;
  audioBytes: number;
  contentType: string | null;
  downloadError: string | null;
  /** Every state reported with 0x15, in order. */
  states: BroadcastState[];
  playCount: number;
}

export interface ReceivedFrame {
  at: number;
  frame: IpFrame;
}

interface Playback {
  broadcast: SimBroadcast;
  abort: AbortController;
  timer: NodeJS.Timeout | null;
  startedAt: number;
  perPlayMs: number;
}

interface Connection {
  parser: IpTerminalParser;
  heartbeat: NodeJS.Timeout;
}

export class TerminalSimulator {
  readonly resourceCode: string;
  readonly stationCode: string;
  readonly name: string;
  /** Every CRC-valid frame received, in order. */
  readonly received: ReceivedFrame[] = [];
  /** Bytes the terminal's own parser threw away. */
  readonly dropped: DropInfo[] = [];
  readonly broadcasts: SimBroadcast[] = [];
  volume: number;

  private server: net.Server | null = null;
  private readonly connections = new Map<net.Socket, Connection>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private currentMode: TerminalMode = 'normal';
  private boundPort: number;
  private replies = 0;
  private garbageLeft = 0;
  private registered = false;
  /**
   * Final broadcast results not yet acknowledged by a console, by session id: a terminal keeps
   * them and sends them again to the next console that connects (store and forward), so a
   * result reached during a console restart is not lost.
   */
  private readonly unacked = new Map<number, Pick<FrameInput, 'business' | 'data'>>();
  private playback: Playback | null = null;
  private readonly now: () => Date;
  private readonly physicalAddress: string;

  constructor(private readonly options: TerminalSimOptions) {
    this.resourceCode = options.resourceCode;
    this.stationCode = options.stationCode;
    this.name = options.name;
    this.volume = options.volume ?? 60;
    this.boundPort = options.port ?? 0;
    this.now = options.now ?? (() => new Date());
    // A stable, locally administered MAC from the digits that differ between terminals (town,
    // village, type and subtype sequence), so a fleet has no duplicate addresses.
    const digits = options.resourceCode.slice(7, 13) + options.resourceCode.slice(17, 19) + options.resourceCode.slice(21, 23);
    this.physicalAddress = ['02', ...(digits.match(/\d\d/g) ?? [])].join(':');
  }

  get mode(): TerminalMode {
    return this.currentMode;
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get workState(): WorkState {
    if (this.currentMode === 'fault') return 'fault';
    return this.playback ? 'broadcasting' : 'idle';
  }

  /** The frames received of one business type (e.g. to count retries). */
  receivedOf(business: NonNullable<IpFrame['business']>): IpFrame[] {
    return this.received.filter((r) => r.frame.business === business).map((r) => r.frame);
  }

  async start(): Promise<void> {
    if (this.currentMode !== 'offline') await this.listen();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.playback) this.endPlayback(this.playback, 'cancelled', false);
    await this.stopServer();
  }

  /** Precedes each of the next `frames` outgoing frames with random bytes and a bad-CRC copy. */
  injectGarbage(frames = 1): void {
    this.garbageLeft += frames;
  }

  async setMode(mode: TerminalMode): Promise<void> {
    const prev = this.currentMode;
    if (mode === prev) return;
    this.currentMode = mode;
    if (mode === 'offline') {
      await this.stopServer();
      return;
    }
    if (prev === 'offline') {
      this.registered = false;
      await this.listen();
    }
    if (mode === 'fault') this.sendAll({ business: 'faultReport', data: { status: 'fault', faultType: this.options.faultType ?? 2 } });
    else if (prev === 'fault') this.sendAll({ business: 'faultReport', data: { status: 'recovered', faultType: this.options.faultType ?? 2 } });
  }

  // --- server and connections ---------------------------------------------------------------

  private listen(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.removeListener('error', reject);
        this.boundPort = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of [...this.connections.keys()]) this.forget(socket, true);
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const heartbeat = setInterval(() => this.heartbeat(socket, false), this.options.heartbeatIntervalMs ?? 30_000);
    heartbeat.unref();
    const parser = new IpTerminalParser({ onDrop: (d) => this.dropped.push(d) });
    this.connections.set(socket, { parser, heartbeat });
    socket.on('data', (chunk: Buffer) => {
      for (const frame of parser.push(chunk)) this.onFrame(socket, frame);
    });
    socket.on('error', () => this.forget(socket, true));
    socket.on('close', () => this.forget(socket, false));
    // A terminal announces itself at once (first registration after boot), then every interval;
    // a faulty one repeats its fault report so a console that just (re)connected learns of it.
    this.heartbeat(socket, !this.registered);
    this.registered = true;
    if (this.currentMode === 'fault') this.send(socket, { business: 'faultReport', data: { status: 'fault', faultType: this.options.faultType ?? 2 } });
    for (const [sessionId, msg] of this.unacked) this.send(socket, msg, undefined, sessionId);
  }

  private forget(socket: net.Socket, destroy: boolean): void {
    const c = this.connections.get(socket);
    if (c) clearInterval(c.heartbeat);
    this.connections.delete(socket);
    if (destroy) socket.destroy();
  }

  private heartbeat(socket: net.Socket, first: boolean): void {
    if (this.currentMode === 'silent') return;
    this.send(socket, { business: 'heartbeat', data: { workState: this.workState, firstRegistration: first, physicalAddress: this.physicalAddress } });
  }

  private send(socket: net.Socket, msg: Pick<FrameInput, 'business' | 'data'>, reply?: { sessionId: number; to: string }, sessionId?: number): void {
    if (socket.destroyed) return;
    const frame = encodeFrame({
      sessionId: reply?.sessionId ?? sessionId ?? randomBytes(4).readUInt32BE(0),
      packetType: reply ? PACKET_REPLY : PACKET_REQUEST,
      source: this.resourceCode,
      // A report goes to the platform as a whole; a reply goes back to whoever asked.
      targets: reply ? [reply.to] : [],
      ...msg,
    } as FrameInput);
    if (this.garbageLeft > 0) {
      this.garbageLeft--;
      // 0xFE is scrubbed from the noise so it cannot by chance start a plausible header that holds
      // the line waiting for bytes; the parser's own tests cover that case.
      const noise = randomBytes(16).map((b) => (b === 0xfe ? 0 : b));
      const badCrc = Buffer.from(frame);
      badCrc[badCrc.length - 1]! ^= 0xff;
      socket.write(Buffer.concat([noise, badCrc, frame]));
      return;
    }
    socket.write(frame);
  }

  private sendAll(msg: Pick<FrameInput, 'business' | 'data'>): void {
    for (const socket of this.connections.keys()) this.send(socket, msg);
  }

  // --- requests -----------------------------------------------------------------------------

  private onFrame(socket: net.Socket, frame: IpFrame): void {
    this.received.push({ at: Date.now(), frame });
    const limit = this.options.recordLimit ?? 10_000;
    if (this.received.length > limit) this.received.splice(0, this.received.length - limit);
    // Replies are the console acknowledging our reports; a silent terminal hears but never speaks.
    if (frame.packetType === PACKET_REPLY) {
      this.unacked.delete(frame.sessionId);
      return;
    }
    if (this.currentMode === 'silent') return;
    let result: ReplyResult = 'ok';
    let workState = this.workState;
    let then: (() => void) | null = null;
    if (frame.business === null || BUSINESS[frame.business].direction !== 'console→terminal' || !frame.targets.includes(this.resourceCode)) {
      // Undecodable, the wrong direction, or addressed to another terminal (a config mix-up the
      // console should hear about rather than time out on).
      result = 'bad-request';
    } else if (frame.business === 'startBroadcast') {
      if (this.currentMode === 'fault') result = 'terminal-error';
      else if (this.currentMode === 'refuse') result = 'bad-request';
      else {
        const data = frame.data;
        workState = 'broadcasting';
        then = () => this.begin(data, frame.sessionId);
      }
    } else if (frame.business === 'stopBroadcast') {
      const ebmId = frame.data.ebmId;
      then = () => this.stop(ebmId);
    } else if (frame.business === 'setVolume') {
      this.volume = frame.data.volume;
    }
    const reply = () => this.send(socket, { business: 'reply', data: { result, workState, volume: this.volume } }, { sessionId: frame.sessionId, to: frame.source });
    const late = this.currentMode === 'slow' && this.replies++ % Math.max(1, this.options.slowEvery ?? 2) === 0;
    if (late) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        reply();
      }, this.options.slowReplyMs ?? 6_000);
      this.timers.add(t);
    } else reply();
    // The terminal acts on the request at once, whether or not its reply is late.
    then?.();
  }

  // --- playback -----------------------------------------------------------------------------

  private begin(data: StartBroadcastData, sessionId: number): void {
    // A resend of a request already acted on (same session, or the same message still playing).
    if (this.broadcasts.some((b) => b.ebmId === data.ebmId && b.sessionId === sessionId)) return;
    if (this.playback?.broadcast.ebmId === data.ebmId) return;
    if (this.playback) this.endPlayback(this.playback, 'cancelled'); // a newer message preempts
    const broadcast: SimBroadcast = { ...data, sessionId, audioBytes: 0, contentType: null, downloadError: null, states: [], playCount: 0 };
    if (data.volume !== null) this.volume = data.volume;
    this.broadcasts.push(broadcast);
    const run: Playback = { broadcast, abort: new AbortController(), timer: null, startedAt: 0, perPlayMs: 0 };
    this.playback = run;
    void this.play(run);
  }

  private async play(run: Playback): Promise<void> {
    const b = run.broadcast;
    let audio: Buffer;
    try {
      const signal = AbortSignal.any([run.abort.signal, AbortSignal.timeout(this.options.downloadTimeoutMs ?? 10_000)]);
      const res = await fetch(b.audioUrl, { signal });
      if (!res.ok) throw new Error(`HTTP ${res.status} from ${b.audioUrl}`);
      audio = Buffer.from(await res.arrayBuffer());
      b.audioBytes = audio.length;
      b.contentType = res.headers.get('content-type');
    } catch (e) {
      if (this.playback !== run) return; // stopped or preempted meanwhile: already reported
      b.downloadError = e instanceof Error ? e.message : String(e);
      this.options.log?.(`[terminal-sim] ${this.name}: audio download failed: ${b.downloadError}`);
      this.endPlayback(run, 'failed');
      return;
    }
    if (this.playback !== run) return;
    if (this.currentMode === 'fail-playback') {
      this.endPlayback(run, 'failed');
      return;
    }
    const plays = Math.max(1, b.repeat); // repeat 0 still plays the message once
    run.perPlayMs = this.options.playMs !== undefined ? this.options.playMs / plays : (wavDurationMs(audio) ?? 1_000) / (this.options.speed ?? 1);
    run.startedAt = this.now().getTime();
    this.report(b, 'playing', run.startedAt, 0);
    run.timer = setTimeout(() => this.endPlayback(run, 'succeeded'), run.perPlayMs * plays);
    run.timer.unref();
  }

  private stop(ebmId: string): void {
    if (this.playback?.broadcast.ebmId === ebmId) this.endPlayback(this.playback, 'cancelled');
  }

  private endPlayback(run: Playback, state: 'succeeded' | 'failed' | 'cancelled', report = true): void {
    if (run.timer) clearTimeout(run.timer);
    run.abort.abort();
    if (this.playback === run) this.playback = null;
    const end = this.now().getTime();
    const plays = Math.max(1, run.broadcast.repeat);
    run.broadcast.playCount =
      state === 'succeeded' ? plays : run.startedAt && run.perPlayMs > 0 ? Math.min(plays, Math.floor((end - run.startedAt) / run.perPlayMs)) : 0;
    if (report) this.report(run.broadcast, state, run.startedAt, end);
    else run.broadcast.states.push(state);
  }

  private report(b: SimBroadcast, state: BroadcastState, startMs: number, endMs: number): void {
    b.states.push(state);
    const sec = (ms: number) => Math.floor(ms / 1000);
    const msg = { business: 'broadcastResult', data: { ebmId: b.ebmId, state, startUtc: sec(startMs), endUtc: sec(endMs), playCount: b.playCount } } as const;
    if (state === 'playing' || state === 'waiting') {
      this.sendAll(msg);
      return;
    }
    const sessionId = randomBytes(4).readUInt32BE(0);
    this.unacked.set(sessionId, msg);
    // The oldest results give way first if no console acknowledges for a long time.
    if (this.unacked.size > 50) this.unacked.delete(this.unacked.keys().next().value!);
    for (const socket of this.connections.keys()) this.send(socket, msg, undefined, sessionId);
  }
}

/** A terminal for each station: what demo mode, tests and the benchmark start. */
export class TerminalFleet {
  private readonly sims = new Map<string, TerminalSimulator>();

  constructor(specs: readonly TerminalSpec[], options: Omit<TerminalSimOptions, keyof TerminalSpec> = {}) {
    for (const spec of specs) {
      if (this.sims.has(spec.stationCode)) throw new Error(`TerminalFleet: station ${spec.stationCode} is listed twice`);
      this.sims.set(spec.stationCode, new TerminalSimulator({ ...options, ...spec }));
    }
  }

  get terminals(): TerminalSimulator[] {
    return [...this.sims.values()];
  }

  /** Starts every terminal in parallel (75 listen in a few ms: each is one loopback server). */
  async start(): Promise<void> {
    await Promise.all(this.terminals.map((t) => t.start()));
  }

  terminal(stationCode: string): TerminalSimulator {
    const sim = this.sims.get(stationCode);
    if (!sim) throw new Error(`TerminalFleet: no terminal for station ${stationCode}`);
    return sim;
  }

  setMode(stationCode: string, mode: TerminalMode): Promise<void> {
    return this.terminal(stationCode).setMode(mode);
  }

  /** `ip-speaker` devices entries pointing at the running terminals (call after start). */
  deviceEntries(): IpSpeakerEntry[] {
    return this.terminals.map((t) => ({
      id: `speaker-${t.stationCode}`,
      kind: 'ip-speaker' as const,
      name: t.name,
      tcp: { host: t.host, port: t.port },
      resourceCode: t.resourceCode,
      stationCode: t.stationCode,
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.terminals.map((t) => t.close()));
  }
}

/** The spec of a station's terminal: its resource code built from the station's division code. */
export function terminalSpec(station: { code: string; name: string; kind: StationKind }): TerminalSpec {
  const resourceCode = stationResourceCode({ kind: station.kind, division: station.code, resourceType: TERMINAL_RESOURCE_TYPE });
  return { stationCode: station.code, resourceCode, name: station.name };
}

// --- WAV ----------------------------------------------------------------------------------------

/** Duration of a RIFF/WAVE file from its fmt byte rate and data size; null when not a WAV. */
export function wavDurationMs(buf: Buffer): number | null {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') return null;
  let byteRate = 0;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ' && off + 20 <= buf.length) byteRate = buf.readUInt32LE(off + 16);
    // Streamed WAVs may carry 0xFFFFFFFF as the data size: trust the bytes actually there.
    if (id === 'data') return byteRate > 0 ? (Math.min(size, buf.length - off - 8) / byteRate) * 1000 : null;
    off += 8 + size + (size & 1); // chunks are word-aligned
  }
  return null;
}

/** A 16-bit mono PCM tone of `durationMs`: demo and test audio without shipping files. */
export function makeWav(durationMs: number, { sampleRate = 8_000, toneHz = 800 } = {}): Buffer {
  const samples = Math.round((sampleRate * durationMs) / 1000);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVEfmt ', 8, 'latin1');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt32LE(0x00010001, 20); // PCM (1), mono (1): two little-endian 16-bit fields
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buf.writeUInt32LE(0x00100002, 32); // block align 2, 16 bits per sample
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(8_000 * Math.sin((2 * Math.PI * toneHz * i) / sampleRate)), 44 + i * 2);
  return buf;
}
