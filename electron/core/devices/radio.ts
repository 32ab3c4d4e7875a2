/**
 * The `radio` driver (devices-v1): a radio gateway behind Hamlib's `rigctld`, spoken to over its
 * network protocol with the short commands `F <hz>`, `f`, `T 1`, `T 0`, `t`.
 *
 * rigctld answers a set with `RPRT 0` (or `RPRT -n`, a Hamlib error), and a get with the bare
 * value line (or `RPRT -n`). In extended mode (`+f`, or a proxy that always answers extended) a
 * get is `get_freq:` / `Frequency: 145500000` / `RPRT 0`. The reader accepts both, so a gateway
 * configured either way works: an echo line is skipped, a `Key: value` line is kept until its
 * closing `RPRT`, a bare value line ends a plain answer.
 *
 * A request that gets no answer drops the link (rigctld that stops answering has lost its rig or
 * hung; reconnecting re-reads the frequency before calling the radio online), and PTT is released
 * in a `finally` after every transmission: a stuck-keyed transmitter blocks the channel for everyone.
 */
import type { ConfigDevice } from '../config/config';
import { HallError } from '../api/errors';
import { DeviceLink, type DeviceHealth, type TransportOpener } from './device-link';
import type { RadioDriver } from './driver';

export type RadioEntry = Extract<ConfigDevice, { kind: 'radio' }>;

export interface RadioOptions {
  opener?: TransportOpener;
  log?: (line: string) => void;
  now?: () => Date;
  /** Default 2000 ms. */
  requestTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** Hamlib's rig_errcode_e (rig.h, Hamlib 4.x), by the positive number. */
export const HAMLIB_ERRORS: Readonly<Record<number, string>> = {
  1: 'invalid parameter',
  2: 'invalid configuration',
  3: 'memory shortage',
  4: 'function not implemented',
  5: 'communication timed out',
  6: 'I/O error',
  7: 'internal Hamlib error',
  8: 'protocol error',
  9: 'command rejected by the rig',
  10: 'command performed, but argument truncated',
  11: 'function not available',
  12: 'VFO not targetable',
  13: 'error talking on the bus',
  14: 'collision on the bus',
  15: 'NULL RIG handle or invalid pointer',
  16: 'invalid VFO',
  17: 'argument out of domain of function',
  18: 'function deprecated',
  19: 'security error',
  20: 'rig is not powered on',
};
export const hamlibErrorName = (code: number): string => HAMLIB_ERRORS[Math.abs(code)] ?? `unknown Hamlib error ${code}`;

/** Parses one answer from the lines received so far; null while incomplete. */
export function parseRigAnswer(lines: readonly string[], kind: 'get' | 'set'): { used: number; value: string | null; rprt: number | null } | null {
  let value: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const rprt = /^RPRT (-?\d+)$/.exec(line);
    if (rprt) return { used: i + 1, value, rprt: Number(rprt[1]) };
    if (line === '' || /^[a-z_]+:(\s.*)?$/.test(line)) continue; // extended echo: "get_freq:", "set_ptt: 1"
    const keyed = /^[A-Za-z][\w ]*:\s*(\S+)$/.exec(line); // extended value: "Frequency: 145500000"
    if (keyed) {
      value = keyed[1]!;
      continue;
    }
    if (kind === 'get') return { used: i + 1, value: line, rprt: null };
  }
  return null;
}

const mhz = (hz: number): string => `${(hz / 1e6).toFixed(3)} MHz`;

export function createRadio(entry: RadioEntry, options: RadioOptions = {}): RadioDriver {
  const label = `radio ${entry.id}`;
  const timeoutMs = options.requestTimeoutMs ?? 2_000;
  const listeners = new Set<(health: DeviceHealth) => void>();
  const channels = entry.channels.map((c) => ({ name: c.name, frequencyHz: c.frequencyHz }));
  let partial = '';
  let lines: string[] = [];
  let pending: { kind: 'get' | 'set'; settle: (r: { value: string | null; rprt: number | null } | Error) => void } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let transmitting = false;
  /** Set while a transmission holds PTT: a lost link ends the hold at once instead of at its end. */
  let holdBroken: ((reason: string) => void) | null = null;

  function onData(chunk: Buffer): void {
    const text = partial + chunk.toString('latin1');
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.map((l) => l.replace(/\r$/, '')));
    if (!pending) {
      lines = []; // unsolicited lines: nobody is waiting for them
      return;
    }
    const answer = parseRigAnswer(lines, pending.kind);
    if (!answer) return;
    lines = lines.slice(answer.used);
    pending.settle(answer);
  }

  const link = new DeviceLink({
    label,
    transport: { tcp: entry.tcp },
    opener: options.opener,
    reconnectMinMs: options.reconnectMinMs,
    reconnectMaxMs: options.reconnectMaxMs,
    log: options.log,
    now: options.now,
    onData,
    onDown: (reason) => {
      pending?.settle(new HallError('unavailable', `${label}: connection lost: ${reason}`, { deviceReason: reason }));
      holdBroken?.(reason);
    },
    onHealth: (health) => listeners.forEach((l) => l(health)),
    onOpen: async () => {
      partial = '';
      lines = [];
      const hz = await getFrequency();
      options.log?.(`[devices] ${label}: ${mhz(hz)}`);
      // A rig without PTT control (rigctld started without -P) answers `t` with an error: the
      // radio is reachable but cannot transmit, which is a fault, not offline.
      try {
        await command('t', 'get');
      } catch (error) {
        if (!(error instanceof HallError && (error.details as { code?: number } | undefined)?.code !== undefined)) throw error;
      }
    },
  });

  /** Sends one command and waits for its answer; queued behind the previous one. */
  function command(cmd: string, kind: 'get' | 'set'): Promise<string | null> {
    const run = queue.then(() => exchange(cmd, kind));
    queue = run.catch(() => undefined);
    return run;
  }

  async function exchange(cmd: string, kind: 'get' | 'set'): Promise<string | null> {
    lines = [];
    const answer = await new Promise<{ value: string | null; rprt: number | null }>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending = null;
        const reason = `no answer to "${cmd}" within ${timeoutMs} ms`;
        link.drop(reason);
        reject(new HallError('unavailable', `${label}: ${reason}`, { deviceReason: 'timeout' }));
      }, timeoutMs);
      pending = {
        kind,
        settle: (r) => {
          clearTimeout(timer);
          pending = null;
          if (r instanceof Error) reject(r);
          else resolve(r);
        },
      };
      link.write(`${cmd}\n`).catch((error: Error) => pending?.settle(error));
    });
    link.markGood();
    if (answer.rprt !== null && answer.rprt !== 0) {
      const name = hamlibErrorName(answer.rprt);
      const reason = `"${cmd}" answered RPRT ${answer.rprt} (${name})`;
      link.fault(reason);
      throw new HallError('unavailable', `${label}: ${reason}`, { deviceReason: name, code: answer.rprt });
    }
    if (kind === 'get' && answer.value === null) throw new HallError('unavailable', `${label}: "${cmd}" answered without a value`, { deviceReason: 'no value' });
    link.clearFault();
    return answer.value;
  }

  async function getFrequency(): Promise<number> {
    const value = await command('f', 'get');
    const hz = Number(value);
    if (!Number.isFinite(hz)) throw new HallError('unavailable', `${label}: "f" answered "${value}", not a frequency`, { deviceReason: 'bad answer' });
    return Math.round(hz);
  }
  async function getPtt(): Promise<boolean> {
    const value = await command('t', 'get');
    if (value !== '0' && value !== '1') throw new HallError('unavailable', `${label}: "t" answered "${value}", not 0 or 1`, { deviceReason: 'bad answer' });
    return value === '1';
  }
  async function setFrequency(hz: number): Promise<void> {
    if (!Number.isInteger(hz) || hz <= 0) throw new HallError('invalid_params', `${label}: frequency ${hz} Hz is not a positive whole number`);
    await command(`F ${hz}`, 'set');
  }
  async function setPtt(on: boolean): Promise<void> {
    await command(`T ${on ? 1 : 0}`, 'set');
  }

  /** Resolves after `ms`, or rejects as soon as the signal aborts. */
  function hold(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const end = (error: HallError | null) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        holdBroken = null;
        if (error) reject(error);
        else resolve();
      };
      const aborted = () => end(new HallError('conflict', `${label}: transmission aborted`, { deviceReason: 'aborted' }));
      const timer = setTimeout(() => end(null), ms);
      holdBroken = (reason) => end(new HallError('unavailable', `${label}: connection lost while transmitting: ${reason}`, { deviceReason: reason }));
      if (signal?.aborted) aborted();
      else signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  return {
    id: entry.id,
    kind: 'radio',
    name: entry.name,
    channels,
    start: () => link.start(),
    close: () => link.close(),
    health: () => link.status(),
    onHealth(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async probe() {
      const hz = await getFrequency();
      return `${mhz(hz)}, PTT ${(await getPtt()) ? 'on' : 'off'}`;
    },
    getFrequency,
    setFrequency,
    getPtt,
    setPtt,
    async transmit({ channel, frequencyHz, durationMs, signal }) {
      let hz = frequencyHz;
      if (channel !== undefined) {
        const found = channels.find((c) => c.name === channel);
        if (!found) throw new HallError('not_found', `${label} has no channel "${channel}" (known: ${channels.map((c) => c.name).join(', ') || 'none'})`);
        hz = found.frequencyHz;
      }
      if (!(durationMs >= 0)) throw new HallError('invalid_params', `${label}: transmit duration ${durationMs} ms`);
      // One transmitter: a second transmission would unkey the first one's PTT in its finally.
      if (transmitting) throw new HallError('conflict', `${label} is already transmitting`, { deviceReason: 'busy' });
      if (signal?.aborted) throw new HallError('conflict', `${label}: transmission aborted before keying`, { deviceReason: 'aborted' });
      transmitting = true;
      try {
        if (hz !== undefined) {
          await setFrequency(hz);
          const now = await getFrequency();
          if (now !== hz) throw new HallError('unavailable', `${label}: set ${mhz(hz)} but the radio reads ${mhz(now)}`, { deviceReason: 'frequency mismatch' });
        }
        let failure: Error | null = null;
        try {
          await setPtt(true);
          await hold(durationMs, signal);
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
        }
        // Released even when keying failed half way, on abort, or after an error: unkey and verify.
        // A failure to release outranks the first error: a keyed transmitter blocks the channel.
        let keyed: boolean;
        try {
          await setPtt(false);
          keyed = await getPtt();
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          const code = error instanceof HallError ? (error.details as { code?: number } | undefined)?.code : undefined;
          throw new HallError('unavailable', `${label}: could not release PTT (it may still be keyed): ${why}`, { deviceReason: 'ptt release failed', code, cause: failure?.message });
        }
        if (keyed) throw new HallError('unavailable', `${label}: PTT still keyed after "T 0"`, { deviceReason: 'ptt stuck' });
        if (failure) throw failure;
      } finally {
        transmitting = false;
      }
    },
  };
}
