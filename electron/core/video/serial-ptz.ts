/**
 * PTZ over Pelco-D serial lines (RS-485 converters on /dev/ttyUSB*, COM ports).
 *
 * One `SerialLine` per device path (several cameras share a bus, told apart by address): it opens
 * the port 8N1, writes frames one at a time from a queue, times out every write (write + drain),
 * and reopens by itself with backoff when the port errors, closes or disappears (a USB adapter
 * pulled out). A command while the line is down fails at once with the line's last error rather
 * than waiting: an operator pressing an arrow wants to know now.
 *
 * Safety stop: the renderer sends `stop` when the operator releases the control, but a lost
 * release (a closed tab, a dropped socket) must not leave a camera spinning: a movement not
 * followed by any other command for the camera within `safetyStopMs` is stopped here.
 */
import { SerialPort } from 'serialport';
import type { PtzAction } from '../../../shared/contract';
import { backoffDelay } from '../link/backoff';
import { HallError } from '../api/errors';
import { withTimeout } from '../devices/device-link';
import { pelcoDAction, pelcoDPreset, type PresetOp } from './pelco-d';

export interface SerialPtzCamera {
  cameraId: string;
  path: string;
  baudRate: number;
  address: number;
}

export type LineState = 'connecting' | 'online' | 'offline';

export interface LineStatus {
  path: string;
  state: LineState;
  /** Why the line is offline (the last open/write error), else null. */
  reason: string | null;
  /** When a frame was last written and drained. */
  lastGoodAt: string | null;
}

export interface SerialPtzOptions {
  /** Write + drain of one frame must finish within this (default 2 s). */
  writeTimeoutMs?: number;
  /** Reopen backoff (default 500 ms → 30 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Stop a movement that no other command followed within this (default 10 s); 0 turns it off. */
  safetyStopMs?: number;
  log?: (line: string) => void;
  onStatus?: (status: LineStatus) => void;
}

const MOVES: ReadonlySet<PtzAction> = new Set(['up', 'down', 'left', 'right', 'upleft', 'upright', 'downleft', 'downright', 'zoomin', 'zoomout', 'focusnear', 'focusfar']);


/** One serial device: open/reopen, a write queue, a status. */
export class SerialLine {
  private port: SerialPort | null = null;
  private state: LineState = 'connecting';
  private reason: string | null = null;
  private lastGoodAt: string | null = null;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private loggedDown = false;

  constructor(
    readonly path: string,
    readonly baudRate: number,
    private readonly options: Required<Pick<SerialPtzOptions, 'writeTimeoutMs' | 'reconnectMinMs' | 'reconnectMaxMs'>> & Pick<SerialPtzOptions, 'log' | 'onStatus'>,
  ) {
    this.open();
  }

  status(): LineStatus {
    return { path: this.path, state: this.state, reason: this.reason, lastGoodAt: this.lastGoodAt };
  }

  private setState(state: LineState, reason: string | null): void {
    const changed = state !== this.state || reason !== this.reason;
    this.state = state;
    this.reason = reason;
    if (changed) this.options.onStatus?.(this.status());
  }

  private open(): void {
    if (this.closed) return;
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
    this.port = port;
    port.on('error', (error) => this.lost(port, error));
    port.on('close', (error?: Error | null) => this.lost(port, error ?? new Error('port closed')));
    // Nothing is expected from a Pelco-D receiver; draining the input keeps the OS buffer empty.
    port.on('data', () => undefined);
    port.open((error) => {
      if (this.port !== port) return;
      if (error) {
        this.lost(port, error);
        return;
      }
      if (this.closed) {
        port.close(() => undefined);
        return;
      }
      this.attempt = 0;
      if (this.loggedDown) this.options.log?.(`[ptz] Serial line ${this.path} is back`);
      this.loggedDown = false;
      this.setState('online', null);
    });
  }

  /** The port failed or went away: forget it and reopen after a backoff delay. */
  private lost(port: SerialPort, error: Error): void {
    if (this.port !== port) return;
    this.port = null;
    if (port.isOpen) port.close(() => undefined);
    if (this.closed) return;
    const reason = error.message || String(error);
    if (!this.loggedDown) this.options.log?.(`[ptz] Serial line ${this.path} is offline: ${reason}; reopening with backoff`);
    this.loggedDown = true;
    this.setState('offline', reason);
    this.attempt++;
    const delay = backoffDelay({ minMs: this.options.reconnectMinMs, maxMs: this.options.reconnectMaxMs }, this.attempt);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
    this.retryTimer.unref?.();
  }

  /** Queue one frame; resolves when it has been written and drained. */
  write(frame: Buffer): Promise<void> {
    const run = this.queue.then(() => this.writeNow(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(frame: Buffer): Promise<void> {
    const port = this.port;
    if (this.closed) throw new HallError('unavailable', `Serial line ${this.path} is closed`);
    if (!port || !port.isOpen) {
      throw new HallError('unavailable', `Serial line ${this.path} is ${this.state === 'connecting' ? 'still opening' : `offline: ${this.reason ?? 'not open'}`}`);
    }
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          port.write(frame, (error) => {
            if (error) reject(error);
          });
          port.drain((error) => (error ? reject(error) : resolve()));
        }),
        this.options.writeTimeoutMs,
        `Write to ${this.path}`,
      );
      this.lastGoodAt = new Date().toISOString();
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      this.lost(port, e);
      throw new HallError('unavailable', `Serial line ${this.path}: ${e.message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/** Routes camera ids to their line and address; owns the lines and the safety-stop timers. */
export class SerialPtz {
  private readonly lines = new Map<string, SerialLine>();
  private readonly cameras = new Map<string, SerialPtzCamera>();
  private readonly safetyTimers = new Map<string, NodeJS.Timeout>();
  private readonly safetyStopMs: number;

  constructor(cameras: readonly SerialPtzCamera[], private readonly options: SerialPtzOptions = {}) {
    this.safetyStopMs = options.safetyStopMs ?? 10_000;
    const lineOptions = {
      writeTimeoutMs: options.writeTimeoutMs ?? 2_000,
      reconnectMinMs: options.reconnectMinMs ?? 500,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
      log: options.log,
      onStatus: options.onStatus,
    };
    for (const c of cameras) {
      this.cameras.set(c.cameraId, c);
      if (!this.lines.has(c.path)) this.lines.set(c.path, new SerialLine(c.path, c.baudRate, lineOptions));
    }
  }

  has(cameraId: string): boolean {
    return this.cameras.has(cameraId);
  }

  statuses(): LineStatus[] {
    return [...this.lines.values()].map((l) => l.status());
  }

  private route(cameraId: string): { camera: SerialPtzCamera; line: SerialLine } {
    const camera = this.cameras.get(cameraId);
    if (!camera) throw new HallError('not_found', `Camera "${cameraId}" has no serial PTZ configured`);
    return { camera, line: this.lines.get(camera.path)! };
  }

  private clearSafety(cameraId: string): void {
    const timer = this.safetyTimers.get(cameraId);
    if (timer) clearTimeout(timer);
    this.safetyTimers.delete(cameraId);
  }

  async ptz(cameraId: string, action: PtzAction, speed?: number): Promise<void> {
    const { camera, line } = this.route(cameraId);
    this.clearSafety(cameraId);
    await line.write(pelcoDAction(camera.address, action, speed));
    if (MOVES.has(action) && this.safetyStopMs > 0) {
      const timer = setTimeout(() => {
        this.safetyTimers.delete(cameraId);
        this.options.log?.(`[ptz] Camera "${cameraId}" moved ${action} for ${this.safetyStopMs} ms without a stop: stopping it`);
        line.write(pelcoDAction(camera.address, 'stop')).catch((error: unknown) => {
          this.options.log?.(`[ptz] Safety stop of camera "${cameraId}" failed: ${(error as Error).message}`);
        });
      }, this.safetyStopMs);
      timer.unref?.();
      this.safetyTimers.set(cameraId, timer);
    }
  }

  async preset(cameraId: string, op: PresetOp, n: number): Promise<void> {
    const { camera, line } = this.route(cameraId);
    this.clearSafety(cameraId);
    await line.write(pelcoDPreset(camera.address, op, n));
  }

  async close(): Promise<void> {
    for (const id of [...this.safetyTimers.keys()]) this.clearSafety(id);
    await Promise.all([...this.lines.values()].map((l) => l.close()));
  }
}
