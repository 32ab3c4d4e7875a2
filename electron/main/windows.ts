/**
 * The console's windows: the console on the primary display, one kiosk window per additional
 * display showing `/wall/<screenId>`, and the decision room on demand.
 *
 * Display changes (a monitor plugged in or out, a resolution change) re-run the placement and
 * move, open or close wall windows to match; assignments are remembered in SQLite so walls come
 * back on the same monitor. A wall is an unattended screen, so a crashed or hung wall renderer is
 * reloaded, and the displays are kept awake while any wall is up.
 *
 * Electron's screen, BrowserWindow and powerSaveBlocker are injected as the small interfaces
 * below (structural subsets of Electron's types) so all of this is tested with fakes.
 */
import type { IpcBridge, IpcWebContents, WindowRole } from './ipc-bridge';
import {
  centredIn,
  isReachable,
  placeWindows,
  sameRect,
  toDisplayInfo,
  wantedWallScreens,
  type DisplayInfo,
  type ElectronDisplayLike,
  type Placement,
  type Rect,
} from './placement';
import type { WallDisplayStore } from './wall-displays';

export interface HallWebContents extends IpcWebContents {
  reload(): void;
  forcefullyCrashRenderer(): void;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): unknown;
  on(event: 'unresponsive', listener: () => void): unknown;
}

/** The subset of Electron's BrowserWindow the manager uses. */
export interface HallWindow {
  readonly webContents: HallWebContents;
  loadURL(url: string): Promise<void>;
  getBounds(): Rect;
  setBounds(bounds: Rect): void;
  setKiosk(flag: boolean): void;
  isKiosk(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  close(): void;
  isDestroyed(): boolean;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'leave-full-screen', listener: () => void): unknown;
}

export interface WindowSpec {
  kind: WindowRole['kind'];
  screenId?: string;
  title: string;
  bounds: Rect;
  /** Wall windows: fullscreen kiosk on their display, no frame, no menu. */
  kiosk: boolean;
}

export type DisplayEvent = 'display-added' | 'display-removed' | 'display-metrics-changed';

export interface ScreenLike {
  getAllDisplays(): ElectronDisplayLike[];
  getPrimaryDisplay(): ElectronDisplayLike;
  on(event: DisplayEvent, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: DisplayEvent, listener: (...args: unknown[]) => void): unknown;
}

export interface PowerSaveBlockerLike {
  start(type: 'prevent-display-sleep'): number;
  stop(id: number): unknown;
}

export interface WindowManagerOptions {
  screen: ScreenLike;
  createWindow: (spec: WindowSpec) => HallWindow;
  powerSaveBlocker: PowerSaveBlockerLike;
  store: WallDisplayStore;
  bridge: Pick<IpcBridge, 'attach'>;
  /** The URL of a renderer route: 'app://hall/wall/screen-1' or the dev server's. */
  urlFor: (route: string) => string;
  /** False (--no-walls) keeps every display but the console's free, e.g. on a developer's desk. */
  walls?: boolean;
  /** The wall's screen ids in order (the core's wall.screens): extra displays take them in turn. */
  wallScreenIds?: readonly string[];
  /** Called when the operator closes the console window (the host quits the app). */
  onConsoleClosed?: () => void;
  log?: (line: string) => void;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => void;
}

const CONSOLE_SIZE = { width: 1600, height: 1000 };
const DECISION_SIZE = { width: 1440, height: 900 };
/** A renderer that dies this often within CRASH_WINDOW_MS is reloaded after RELOAD_BACKOFF_MS instead. */
const CRASH_LIMIT = 3;
const CRASH_WINDOW_MS = 60_000;
const RELOAD_BACKOFF_MS = 30_000;
/** A hang makes us crash the renderer, which then reports it is gone: one reload covers both. */
const RELOAD_DEDUPE_MS = 2_000;

interface WallEntry {
  window: HallWindow;
  displayId: string;
  moving: boolean;
}

export class WindowManager {
  private consoleWindow: HallWindow | null = null;
  private decisionWindow: HallWindow | null = null;
  private readonly walls = new Map<string, WallEntry>();
  private readonly reloads = new WeakMap<HallWindow, number[]>();
  private blockerId: number | null = null;
  private disposed = false;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private readonly schedule: (fn: () => void, ms: number) => void;
  private readonly onDisplaysChanged = (): void => {
    if (!this.disposed) this.place();
  };

  constructor(private readonly options: WindowManagerOptions) {
    this.log = options.log ?? ((line) => console.log(line));
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? ((fn, ms) => void setTimeout(fn, ms));
  }

  start(): Placement {
    for (const event of ['display-added', 'display-removed', 'display-metrics-changed'] as const) {
      this.options.screen.on(event, this.onDisplaysChanged);
    }
    return this.place();
  }

  /** Compute the placement for the current displays and make the windows match it. */
  place(): Placement {
    const { screen, store } = this.options;
    const displays = screen.getAllDisplays().map(toDisplayInfo);
    const remembered = store.load();
    const wanted = this.options.walls === false ? [] : wantedWallScreens(Math.max(0, displays.length - 1), remembered.keys(), this.options.wallScreenIds);
    const placement = placeWindows({ displays, primaryDisplayId: String(screen.getPrimaryDisplay().id), remembered, wallScreens: wanted });

    this.placeConsole(placement.console, displays);
    const shown = new Set(placement.walls.map((w) => w.screenId));
    for (const [screenId, entry] of [...this.walls]) {
      if (shown.has(screenId)) continue;
      this.log(`[windows] wall ${screenId}: its display is gone; closing its window until it returns`);
      this.walls.delete(screenId);
      if (!entry.window.isDestroyed()) entry.window.close();
    }
    for (const { screenId, display, matchedBy } of placement.walls) {
      const entry = this.walls.get(screenId);
      if (!entry) this.openWall(screenId, display);
      else if (entry.displayId !== display.id || !sameRect(entry.window.getBounds(), display.bounds)) this.moveWall(entry, display);
      const memory = remembered.get(screenId);
      if (!memory || memory.displayId !== display.id || memory.label !== display.label || !sameRect(memory.bounds, display.bounds)) {
        store.remember(screenId, display);
        if (memory) this.log(`[windows] wall ${screenId} now on display ${display.id} "${display.label}" (matched by ${matchedBy})`);
      }
    }
    this.keepDisplaysAwake(this.walls.size > 0);
    return placement;
  }

  get console(): HallWindow | null {
    return this.consoleWindow;
  }

  wallWindow(screenId: string): HallWindow | null {
    return this.walls.get(screenId)?.window ?? null;
  }

  wallScreens(): string[] {
    return [...this.walls.keys()];
  }

  /** A second start of the app brings the running console to the front instead. */
  focusConsole(): void {
    const win = this.consoleWindow;
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  openDecisionRoom(): HallWindow {
    const existing = this.decisionWindow;
    if (existing && !existing.isDestroyed()) {
      existing.focus();
      return existing;
    }
    const area = this.consoleDisplay()?.workArea ?? { x: 0, y: 0, ...DECISION_SIZE };
    const win = this.open({ kind: 'decision', title: '决策室', bounds: centredIn(area, DECISION_SIZE), kiosk: false }, { kind: 'decision' }, '/decision');
    this.decisionWindow = win;
    win.on('closed', () => {
      if (this.decisionWindow === win) this.decisionWindow = null;
    });
    return win;
  }

  /** Stop reacting before the app closes its windows, so closing walls does not reopen them. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const event of ['display-added', 'display-removed', 'display-metrics-changed'] as const) {
      this.options.screen.removeListener(event, this.onDisplaysChanged);
    }
    this.keepDisplaysAwake(false);
  }

  private consoleDisplay(): DisplayInfo | null {
    const { screen } = this.options;
    const primary = screen.getPrimaryDisplay();
    return primary ? toDisplayInfo(primary) : null;
  }

  private placeConsole(display: DisplayInfo | null, displays: DisplayInfo[]): void {
    const area = display?.workArea ?? { x: 0, y: 0, ...CONSOLE_SIZE };
    const win = this.consoleWindow;
    if (!win || win.isDestroyed()) {
      const created = this.open({ kind: 'console', title: '源城区应急指挥中心', bounds: centredIn(area, CONSOLE_SIZE), kiosk: false }, { kind: 'console' }, '/');
      this.consoleWindow = created;
      created.on('closed', () => {
        if (this.consoleWindow !== created) return;
        this.consoleWindow = null;
        if (!this.disposed) this.options.onConsoleClosed?.();
      });
      return;
    }
    // The operator may put the console anywhere; it is only moved back when its monitor is gone.
    if (!isReachable(win.getBounds(), displays)) {
      this.log('[windows] the console window was off every display; moving it to the primary display');
      win.setBounds(centredIn(area, CONSOLE_SIZE));
    }
  }

  private openWall(screenId: string, display: DisplayInfo): void {
    const win = this.open({ kind: 'wall', screenId, title: `大屏 ${screenId}`, bounds: display.bounds, kiosk: true }, { kind: 'wall', screenId }, `/wall/${encodeURIComponent(screenId)}`);
    const entry: WallEntry = { window: win, displayId: display.id, moving: false };
    this.walls.set(screenId, entry);
    this.log(`[windows] wall ${screenId} on display ${display.id} "${display.label}" ${display.bounds.width}×${display.bounds.height}`);
    win.on('leave-full-screen', () => {
      // A wall has no one to put it back into kiosk mode; re-assert it unless we are moving it.
      if (!entry.moving && !win.isDestroyed() && !win.isKiosk()) win.setKiosk(true);
    });
    win.on('closed', () => {
      if (this.walls.get(screenId) !== entry) return; // closed by place() itself
      this.walls.delete(screenId);
      // Closed by accident (a stray Alt+F4 on an unattended screen): bring it back.
      if (!this.disposed) {
        this.log(`[windows] wall ${screenId} was closed; reopening it`);
        this.place();
      }
    });
  }

  private moveWall(entry: WallEntry, display: DisplayInfo): void {
    const { window: win } = entry;
    entry.moving = true;
    // Kiosk windows ignore setBounds on some window managers: leave kiosk, move, re-enter.
    win.setKiosk(false);
    win.setBounds(display.bounds);
    win.setKiosk(true);
    entry.moving = false;
    entry.displayId = display.id;
  }

  private open(spec: WindowSpec, role: WindowRole, route: string): HallWindow {
    const win = this.options.createWindow(spec);
    // Attached before the page loads, so its first IPC call already finds its session.
    this.options.bridge.attach(win.webContents, role);
    this.watchRenderer(win, spec.kind === 'wall' ? `wall ${spec.screenId}` : spec.kind, spec.kind === 'wall');
    win.loadURL(this.options.urlFor(route)).catch((error: unknown) => {
      this.log(`[windows] loading ${route} in the ${spec.kind} window failed: ${(error as Error).message}`);
    });
    return win;
  }

  private watchRenderer(win: HallWindow, label: string, reloadWhenHung: boolean): void {
    const contents = win.webContents;
    contents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit' || this.disposed) return;
      this.log(`[windows] the ${label} renderer is gone (${details.reason}, exit ${details.exitCode}); reloading it`);
      this.reload(win, label);
    });
    contents.on('unresponsive', () => {
      if (!reloadWhenHung || this.disposed) {
        this.log(`[windows] the ${label} renderer is not responding`);
        return;
      }
      this.log(`[windows] the ${label} renderer hangs; restarting it`);
      // A hung renderer cannot reload itself: end its process first (Electron's documented recipe).
      contents.forcefullyCrashRenderer();
      this.reload(win, label);
    });
  }

  private reload(win: HallWindow, label: string): void {
    const now = this.now();
    const recent = (this.reloads.get(win) ?? []).filter((t) => now - t < CRASH_WINDOW_MS);
    if (recent.length > 0 && now - recent[recent.length - 1]! < RELOAD_DEDUPE_MS) return;
    recent.push(now);
    this.reloads.set(win, recent);
    const reloadNow = (): void => {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.reload();
    };
    if (recent.length > CRASH_LIMIT) {
      // A renderer that keeps dying must not spin the CPU: wait before the next attempt.
      this.log(`[windows] the ${label} renderer failed ${recent.length} times within a minute; next reload in ${RELOAD_BACKOFF_MS / 1000} s`);
      this.schedule(reloadNow, RELOAD_BACKOFF_MS);
    } else reloadNow();
  }

  private keepDisplaysAwake(awake: boolean): void {
    const { powerSaveBlocker } = this.options;
    if (awake && this.blockerId === null) this.blockerId = powerSaveBlocker.start('prevent-display-sleep');
    else if (!awake && this.blockerId !== null) {
      powerSaveBlocker.stop(this.blockerId);
      this.blockerId = null;
    }
  }
}
