/**
 * A simulated radio gateway: a TCP server speaking the part of Hamlib's rigctld protocol the
 * console uses (`F`/`f`/`T`/`t`, their long forms `\set_freq` …, extended answers with a leading
 * `+`, `q` to hang up), with the frequency, the PTT state and a log of every PTT interval so tests
 * and the demo can show what was on air and for how long.
 *
 * Modes:
 *   normal   answers like `rigctld -m 1 -P RIG`
 *   offline  drops every connection (rigctld gone)
 *   fault    every command answers RPRT -6, I/O error (rigctld up, the radio behind it off)
 *   refuse   sets answer RPRT -9, command rejected by the rig (a radio locked on its front panel)
 *   slow     answers after `slowMs`
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';

export type RadioSimMode = 'normal' | 'offline' | 'fault' | 'refuse' | 'slow';

export interface PttInterval {
  start: string;
  /** null while keyed. */
  end: string | null;
  frequencyHz: number;
}

export interface RadioSimulatorOptions {
  /** Default 145.000 MHz. */
  frequencyHz?: number;
  /** Default 3000 ms. */
  slowMs?: number;
  now?: () => Date;
}

const LONG: Record<string, string> = { set_freq: 'F', get_freq: 'f', set_ptt: 'T', get_ptt: 't' };
const NAMES: Record<string, string> = { F: 'set_freq', f: 'get_freq', T: 'set_ptt', t: 'get_ptt' };

/** Emits 'ptt' (on: boolean) on every change and 'command' (line) on every command. */
export class RadioSimulator extends EventEmitter {
  private frequency: number;
  private keyed = false;
  private mode: RadioSimMode = 'normal';
  private readonly slowMs: number;
  private readonly now: () => Date;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  readonly pttLog: PttInterval[] = [];
  readonly commands: string[] = [];

  constructor(options: RadioSimulatorOptions = {}) {
    super();
    this.frequency = options.frequencyHz ?? 145_000_000;
    this.slowMs = options.slowMs ?? 3_000;
    this.now = options.now ?? (() => new Date());
  }

  get frequencyHz(): number {
    return this.frequency;
  }
  get ptt(): boolean {
    return this.keyed;
  }

  setMode(mode: RadioSimMode): void {
    this.mode = mode;
    if (mode === 'offline') for (const s of this.sockets) s.destroy();
  }

  private setPtt(on: boolean): void {
    if (on === this.keyed) return;
    this.keyed = on;
    const at = this.now().toISOString();
    if (on) this.pttLog.push({ start: at, end: null, frequencyHz: this.frequency });
    else {
      const open = this.pttLog[this.pttLog.length - 1];
      if (open && open.end === null) open.end = at;
    }
    this.emit('ptt', on);
  }

  /** The answer lines to one command line, or null to hang up. */
  answer(line: string): string[] | null {
    let text = line.trim();
    const extended = text.startsWith('+');
    if (extended) text = text.slice(1);
    const [word = '', arg] = text.split(/\s+/);
    if (word === 'q' || word === 'Q') return null;
    const cmd = word.startsWith('\\') ? (LONG[word.slice(1)] ?? word) : word;
    const rprt = (code: number) => [`RPRT ${code}`];
    if (!(cmd in NAMES)) return rprt(-4); // not implemented (here)
    if (this.mode === 'fault') return rprt(-6);
    const isSet = cmd === 'F' || cmd === 'T';
    if (isSet && this.mode === 'refuse') return rprt(-9);
    const echo = extended ? [`${NAMES[cmd]}:${isSet ? ` ${arg ?? ''}` : ''}`] : [];
    if (cmd === 'F') {
      const hz = Number(arg);
      if (arg === undefined || !Number.isFinite(hz) || hz <= 0) return [...echo, 'RPRT -1'];
      this.frequency = Math.trunc(hz);
      return [...echo, 'RPRT 0'];
    }
    if (cmd === 'T') {
      if (arg !== '0' && arg !== '1') return [...echo, 'RPRT -1'];
      this.setPtt(arg === '1');
      return [...echo, 'RPRT 0'];
    }
    const value = cmd === 'f' ? String(this.frequency) : this.keyed ? '1' : '0';
    return extended ? [...echo, `${cmd === 'f' ? 'Frequency' : 'PTT'}: ${value}`, 'RPRT 0'] : [value];
  }

  /** Listens on loopback (port 0: a free one); resolves to the port. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = net.createServer((socket) => {
      if (this.mode === 'offline') {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let partial = '';
      // Answers go out in command order even when 'slow' delays them.
      let outbox: Promise<void> = Promise.resolve();
      socket.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString('latin1')).split('\n');
        partial = parts.pop()!;
        for (const raw of parts) {
          const line = raw.replace(/\r$/, '');
          if (line.trim() === '' || this.mode === 'offline') continue;
          this.commands.push(line);
          this.emit('command', line);
          const delay = this.mode === 'slow' ? this.slowMs : 0;
          outbox = outbox.then(
            () =>
              new Promise<void>((resolve) =>
                setTimeout(() => {
                  const out = this.answer(line);
                  if (out === null) socket.end();
                  else if (socket.writable) socket.write(out.map((l) => `${l}\n`).join(''));
                  resolve();
                }, delay),
              ),
          );
        }
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
