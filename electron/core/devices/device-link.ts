/**
 * The transport under every device driver (devices-v1): a serial port (RS-232/RS-485 adapters,
 * USB modems) or a TCP connection (IP terminals, Modbus TCP, rigctld, ser2net-style serial
 * servers), opened and reopened by itself with backoff, with the health every driver reports:
 * online / offline / fault, the reason, and when the last good exchange happened.
 *
 * A driver owns one `DeviceLink`, gives it `onOpen` (an init sequence: AT commands, a status
 * query) and `onData` (its parser), and calls `write`. `markGood()` after every answered request
 * keeps `lastGoodAt` honest; `fault(reason)` reports a device that answers but is not well (a
 * modem without a SIM, a terminal reporting a fault); `drop(reason)` throws the connection away
 * (a request timed out, the peer spoke garbage for too long) and reconnects.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import { backoffDelay } from '../link/backoff';
import { HallError } from '../api/errors';

export type DeviceState = 'online' | 'offline' | 'fault';

export interface DeviceHealth {
  state: DeviceState;
  /** Why it is offline or faulty; null when online. */
  reason: string | null;
  /** The last exchange that went right (ISO), null before the first. */
  lastGoodAt: string | null;
  /** When the state last changed (ISO). */
  since: string;
}

export interface SerialSpec {
  path: string;
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}
export interface TcpSpec {
  host: string;
  port: number;
}
export type TransportSpec = { serial: SerialSpec } | { tcp: TcpSpec };

export function describeTransport(spec: TransportSpec): string {
  return 'serial' in spec ? `${spec.serial.path}@${spec.serial.baudRate}` : `tcp://${spec.tcp.host}:${spec.tcp.port}`;
}

/** Opens the stream; resolves once it can be written. Tests and demo mode may pass their own. */
export type TransportOpener = (spec: TransportSpec, timeoutMs: number) => Promise<Duplex>;

export const openTransport: TransportOpener = (spec, timeoutMs) =>
  withTimeout(
    new Promise<Duplex>((resolve, reject) => {
      if ('tcp' in spec) {
        const socket = net.connect({ host: spec.tcp.host, port: spec.tcp.port });
        socket.setNoDelay(true);
        socket.once('connect', () => {
          socket.removeListener('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
        return;
      }
      const s = spec.serial;
      const port = new SerialPort({ path: s.path, baudRate: s.baudRate, dataBits: s.dataBits ?? 8, parity: s.parity ?? 'none', stopBits: s.stopBits ?? 1, autoOpen: false });
      port.open((error) => (error ? reject(error) : resolve(port)));
    }),
    timeoutMs,
    `Opening ${describeTransport(spec)}`,
  );

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HallError('unavailable', `${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export interface DeviceLinkOptions {
  /** Used in log lines and errors, e.g. "gsm-modem modem-1". */
  label: string;
  transport: TransportSpec;
  opener?: TransportOpener;
  openTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Runs after every (re)connect, before the link reports online; a throw drops the connection. */
  onOpen?: (link: DeviceLink) => Promise<void>;
  /** Every chunk read from the device. */
  onData: (chunk: Buffer) => void;
  /** The connection went away (the driver fails its pending requests). */
  onDown?: (reason: string) => void;
  onHealth?: (health: DeviceHealth) => void;
  log?: (line: string) => void;
  now?: () => Date;
}

export class DeviceLink {
  private stream: Duplex | null = null;
  private health: DeviceHealth;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private started = false;
  private opening = false;
  private readonly now: () => Date;

  constructor(private readonly options: DeviceLinkOptions) {
    this.now = options.now ?? (() => new Date());
    this.health = { state: 'offline', reason: 'not connected yet', lastGoodAt: null, since: this.now().toISOString() };
  }

  get label(): string {
    return this.options.label;
  }

  /** Connected and initialised (the driver may still have reported a fault). */
  get connected(): boolean {
    return this.stream !== null && !this.opening;
  }

  status(): DeviceHealth {
    return { ...this.health };
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connect();
  }

  private setHealth(state: DeviceState, reason: string | null): void {
    if (state === this.health.state && reason === this.health.reason) return;
    this.health = { ...this.health, state, reason, since: this.now().toISOString() };
    this.options.onHealth?.(this.status());
  }

  markGood(): void {
    this.health = { ...this.health, lastGoodAt: this.now().toISOString() };
    if (this.health.state === 'offline' && this.stream && !this.opening) this.setHealth('online', null);
  }

  /** The device answers but reports a problem (kept until `clearFault`). */
  fault(reason: string): void {
    if (this.stream) this.setHealth('fault', reason);
  }

  clearFault(): void {
    if (this.stream && this.health.state === 'fault') this.setHealth('online', null);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.opening = true;
    let stream: Duplex;
    try {
      stream = await (this.options.opener ?? openTransport)(this.options.transport, this.options.openTimeoutMs ?? 5_000);
    } catch (error) {
      this.opening = false;
      this.retry(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.closed) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => {
      if (this.stream === stream) this.options.onData(chunk);
    });
    stream.on('error', (error: Error) => this.lost(stream, error.message));
    stream.on('close', () => this.lost(stream, 'connection closed'));
    stream.on('end', () => this.lost(stream, 'the device closed the connection'));
    try {
      await this.options.onOpen?.(this);
    } catch (error) {
      this.opening = false;
      this.lost(stream, `initialisation failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.opening = false;
    if (this.stream !== stream) return;
    if (this.attempt > 0) this.options.log?.(`[devices] ${this.label} is back (${describeTransport(this.options.transport)})`);
    this.attempt = 0;
    this.markGood();
    if (this.health.state !== 'fault') this.setHealth('online', null);
  }

  private lost(stream: Duplex, reason: string): void {
    if (this.stream !== stream) return;
    this.stream = null;
    stream.destroy();
    this.options.onDown?.(reason);
    if (this.closed) return;
    this.retry(reason);
  }

  private retry(reason: string): void {
    if (this.closed) return;
    if (this.attempt === 0) this.options.log?.(`[devices] ${this.label} is offline: ${reason}; reconnecting with backoff`);
    this.setHealth('offline', reason);
    this.attempt++;
    const delay = backoffDelay({ minMs: this.options.reconnectMinMs ?? 500, maxMs: this.options.reconnectMaxMs ?? 30_000 }, this.attempt);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  /** Drop the connection (a timeout, a hopeless stream) and reconnect with backoff. */
  drop(reason: string): void {
    if (this.stream) this.lost(this.stream, reason);
  }

  /** Write bytes; fails at once when the link is down. */
  write(data: Buffer | string): Promise<void> {
    const stream = this.stream;
    if (this.closed) return Promise.reject(new HallError('unavailable', `${this.label} is closed`));
    if (!stream) return Promise.reject(new HallError('unavailable', `${this.label} is offline: ${this.health.reason ?? 'not connected'}`));
    return new Promise<void>((resolve, reject) => {
      stream.write(data, (error) => (error ? reject(new HallError('unavailable', `${this.label}: write failed: ${error.message}`)) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const stream = this.stream;
    this.stream = null;
    if (!stream) return;
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.destroy();
      setTimeout(resolve, 500).unref?.();
    });
  }
}
