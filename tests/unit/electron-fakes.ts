/**
 * Fakes of the Electron objects the main-process modules depend on (ipcMain, webContents and
 * their frames, BrowserWindow, screen, powerSaveBlocker, session). They implement the small
 * interfaces those modules declare, and record what was done to them so tests can assert it.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../electron/core/core';
import type { FrameLike, IpcEventLike, IpcMainLike } from '../../electron/main/ipc-bridge';
import type { ElectronDisplayLike, Rect } from '../../electron/main/placement';
import type { HallWindow, PowerSaveBlockerLike, ScreenLike, WindowSpec } from '../../electron/main/windows';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Set<Listener>>();

  handle(channel: string, listener: Listener): void {
    // Like Electron: a second handler for the same channel is a programming error.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  /** What ipcRenderer.invoke does: the handler's (awaited) return value. */
  invoke(channel: string, event: IpcEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(handler(event, ...args));
  }
  /** What ipcRenderer.send does. */
  send(channel: string, event: IpcEventLike, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...args);
  }
}

export class FakeWebContents extends EventEmitter {
  readonly sent: unknown[][] = [];
  reloads = 0;
  crashes = 0;
  private destroyed = false;
  readonly mainFrame: FrameLike;

  constructor(
    readonly id: number,
    url = 'app://hall/',
  ) {
    super();
    this.mainFrame = { url, parent: null };
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
  reload(): void {
    this.reloads++;
  }
  forcefullyCrashRenderer(): void {
    this.crashes++;
  }
  /** An IPC event from this window's top frame (or another frame of it). */
  event(frame: FrameLike | null = this.mainFrame): IpcEventLike {
    return { sender: this, senderFrame: frame };
  }
  subframe(url = 'app://hall/embedded'): FrameLike {
    return { url, parent: this.mainFrame };
  }
  /** Payloads pushed to this window on 'hall:event' for a topic. */
  pushed(topic: string): unknown[] {
    return this.sent.filter(([channel, t]) => channel === 'hall:event' && t === topic).map((m) => m[2]);
  }
}

let nextId = 1;

export class FakeWindow extends EventEmitter implements HallWindow {
  readonly webContents = new FakeWebContents(nextId++);
  readonly loaded: string[] = [];
  readonly boundsHistory: Rect[] = [];
  private bounds: Rect;
  private kiosk: boolean;
  private destroyed = false;
  minimized = false;
  focused = 0;

  constructor(readonly spec: WindowSpec) {
    super();
    this.bounds = { ...spec.bounds };
    this.kiosk = spec.kiosk;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  getBounds(): Rect {
    return { ...this.bounds };
  }
  setBounds(bounds: Rect): void {
    this.bounds = { ...bounds };
    this.boundsHistory.push({ ...bounds });
  }
  setKiosk(flag: boolean): void {
    this.kiosk = flag;
  }
  isKiosk(): boolean {
    return this.kiosk;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  show(): void {}
  focus(): void {
    this.focused++;
  }
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeScreen extends EventEmitter implements ScreenLike {
  constructor(
    public displays: ElectronDisplayLike[],
    public primaryId: number = displays[0]?.id ?? 0,
  ) {
    super();
  }
  getAllDisplays(): ElectronDisplayLike[] {
    return this.displays.map((d) => ({ ...d, bounds: { ...d.bounds }, workArea: { ...d.workArea } }));
  }
  getPrimaryDisplay(): ElectronDisplayLike {
    return this.displays.find((d) => d.id === this.primaryId) ?? this.displays[0]!;
  }
  /** Change the display list the way Electron reports it: the list first, then the event. */
  change(event: 'display-added' | 'display-removed' | 'display-metrics-changed', displays: ElectronDisplayLike[]): void {
    this.displays = displays;
    this.emit(event, {}, displays[0]);
  }
}

export class FakePowerSaveBlocker implements PowerSaveBlockerLike {
  readonly active = new Set<number>();
  private next = 1;
  start(type: 'prevent-display-sleep'): number {
    if (type !== 'prevent-display-sleep') throw new Error(`unexpected power save blocker type ${String(type)}`);
    const id = this.next++;
    this.active.add(id);
    return id;
  }
  stop(id: number): void {
    this.active.delete(id);
  }
}

export function fakeDisplay(id: number, label: string, x: number, y = 0, width = 1920, height = 1080): ElectronDisplayLike {
  return { id, label, bounds: { x, y, width, height }, workArea: { x, y, width, height: height - 40 }, scaleFactor: 1, internal: false };
}

/** A real core on a fresh temp data dir (demo accounts seeded); call `done()` after. */
export async function tempCore(options: Partial<CoreOptions> = {}): Promise<{ core: Core; dataDir: string; done: () => void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-electron-'));
  const core = await createCore({ dataDir, demo: true, log: () => {}, ...options });
  return {
    core,
    dataDir,
    done: () => {
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
