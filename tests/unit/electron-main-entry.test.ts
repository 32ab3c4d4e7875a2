import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../shared/contract';

/**
 * The composition root (electron/main/index.ts) run against a fake 'electron' module: proves
 * the wiring — flags, data dir, app:// protocol, hardening on every webContents, secure
 * webPreferences, the IPC bridge, console and wall windows, clean quit — without the binary.
 */
vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  // Resolved when main has opened its two windows, or gave up (app.exit): the tests' signal.
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const app = Object.assign(new EventEmitter(), {
    settled,
    isPackaged: false,
    paths: new Map<string, string>(),
    exits: [] as number[],
    quits: 0,
    ready: null as null | (() => void),
    readyPromise: null as null | Promise<void>,
    whenReady() {
      return (app.readyPromise ??= new Promise<void>((resolve) => (app.ready = resolve)));
    },
    isReady: () => true,
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: () => true,
    setPath: (name: string, value: string) => app.paths.set(name, value),
    getPath: (name: string) => app.paths.get(name) ?? path.join(os.tmpdir(), 'never-used'),
    getVersion: () => '0.1.0',
    quit: () => (app.quits += 1),
    exit: (code: number) => {
      app.exits.push(code);
      settle();
    },
  });
  const session = {
    protocol: { handlers: new Map<string, (request: Request) => Promise<Response>>(), handle: (scheme: string, fn: (request: Request) => Promise<Response>) => session.protocol.handlers.set(scheme, fn) },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  };
  let nextId = 1;
  const windows: unknown[] = [];
  class BrowserWindow extends EventEmitter {
    readonly options: { x: number; y: number; width: number; height: number; kiosk: boolean; webPreferences: Record<string, unknown> };
    readonly webContents: InstanceType<typeof EventEmitter> & { id: number };
    readonly loaded: string[] = [];
    constructor(options: BrowserWindow['options']) {
      super();
      this.options = options;
      const id = nextId++;
      const slot: { openHandler: unknown } = { openHandler: null };
      const contents = Object.assign(new EventEmitter(), slot, {
        id,
        session,
        sent: new Array<unknown[]>(),
        send: (...args: unknown[]) => contents.sent.push(args),
        isDestroyed: () => false,
        reload: vi.fn(),
        forcefullyCrashRenderer: vi.fn(),
        setWindowOpenHandler: (handler: unknown) => (contents.openHandler = handler),
      });
      this.webContents = contents;
      windows.push(this);
      // As in Electron: every new webContents is announced to the app first.
      app.emit('web-contents-created', {}, contents);
      if (windows.length >= 2) settle();
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    getBounds() {
      const { x, y, width, height } = this.options;
      return { x, y, width, height };
    }
    setBounds = vi.fn();
    setKiosk = vi.fn();
    isKiosk = () => this.options.kiosk;
    isMinimized = () => false;
    restore = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    close = vi.fn();
    removeMenu = vi.fn();
    isDestroyed = () => false;
  }
  const ipcMain = Object.assign(new EventEmitter(), {
    handlers: new Map<string, (...args: unknown[]) => unknown>(),
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => ipcMain.handlers.set(channel, fn),
    removeHandler: (channel: string) => ipcMain.handlers.delete(channel),
  });
  const display = (id: number, x: number) => ({ id, label: `Display ${id}`, bounds: { x, y: 0, width: 1920, height: 1080 }, workArea: { x, y: 0, width: 1920, height: 1040 }, scaleFactor: 1 });
  const screen = Object.assign(new EventEmitter(), {
    getAllDisplays: () => [display(1, 0), display(2, 1920)],
    getPrimaryDisplay: () => display(1, 0),
  });
  return {
    app,
    BrowserWindow,
    windows,
    ipcMain,
    screen,
    session: { defaultSession: session },
    protocol: { registerSchemesAsPrivileged: vi.fn() },
    powerSaveBlocker: { start: vi.fn(() => 1), stop: vi.fn() },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: vi.fn() },
    dialog: { showErrorBox: vi.fn() },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
  };
});

interface FakeWindow {
  options: { kiosk: boolean; webPreferences: Record<string, unknown> };
  loaded: string[];
  webContents: { id: number; openHandler: ((d: { url: string }) => unknown) | null };
}
interface FakeElectron {
  app: { emit(event: string, ...args: unknown[]): boolean; ready: () => void; settled: Promise<void>; exits: number[]; paths: Map<string, string>; enableSandbox: ReturnType<typeof vi.fn> };
  windows: FakeWindow[];
  ipcMain: { handlers: Map<string, (...args: unknown[]) => Promise<Result<unknown>>> };
  protocol: { registerSchemesAsPrivileged: ReturnType<typeof vi.fn> };
  session: { defaultSession: { protocol: { handlers: Map<string, (request: Request) => Promise<Response>> }; setPermissionRequestHandler: ReturnType<typeof vi.fn> } };
  powerSaveBlocker: { start: ReturnType<typeof vi.fn> };
}

let fake: FakeElectron;
let dataDir: string;
const savedArgv = process.argv;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-main-entry-'));
  delete process.env['ELECTRON_RENDERER_URL'];
  process.argv = ['/opt/electron/electron', '.', '--demo', '--data', dataDir, '--enable-logging'];
  Object.assign(process, { defaultApp: true });
  vi.spyOn(console, 'log').mockImplementation(() => {});
  fake = (await import('electron')) as unknown as FakeElectron;
  await import('../../electron/main/index');
  // The app becomes ready; main() then starts the core and opens the windows.
  fake.app.ready();
  await fake.app.settled;
});

afterAll(() => {
  process.argv = savedArgv;
  fs.rmSync(dataDir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const invoke = (win: FakeWindow, url: string, method: string, params: unknown = {}) =>
  fake.ipcMain.handlers.get('hall:invoke')!({ sender: win.webContents, senderFrame: { url, parent: null } }, method, params);

describe('electron/main/index.ts wired to a fake Electron', () => {
  it('starts without a fatal error, with --data as the profile and the store in it', () => {
    expect(fake.app.exits).toEqual([]);
    expect(fake.app.paths.get('userData')).toBe(dataDir);
    expect(fs.existsSync(path.join(dataDir, 'hall.sqlite'))).toBe(true);
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })]);
  });

  it('opens the console and a kiosk wall, with secure webPreferences and the preload', () => {
    const [consoleWin, wall] = fake.windows;
    expect(consoleWin!.loaded).toEqual(['app://hall/']);
    expect(wall!.loaded).toEqual(['app://hall/wall/wall-1']);
    expect(wall!.options.kiosk).toBe(true);
    for (const win of fake.windows) {
      expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
      expect(String(win.options.webPreferences['preload'])).toMatch(/preload[\\/]index\.cjs$/);
    }
    expect(fake.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
  });

  it('hardens every webContents it creates', () => {
    for (const win of fake.windows) expect(win.webContents.openHandler!({ url: 'http://example.com' })).toEqual({ action: 'deny' });
    expect(fake.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
  });

  it('serves the renderer through app:// with the CSP', async () => {
    const handler = fake.session.defaultSession.protocol.handlers.get('app')!;
    const response = await handler(new Request('app://hall/assets/definitely-missing.js'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('serves the core over IPC to its windows, in demo mode, with the wall signed in by main', async () => {
    const [consoleWin, wall] = fake.windows;
    const about = await invoke(consoleWin!, 'app://hall/', 'system.about');
    expect(about.ok && (about.value as { demo: boolean }).demo).toBe(true);
    expect((await invoke(consoleWin!, 'https://evil.example/', 'system.about')).ok).toBe(false);
    const me = await invoke(wall!, 'app://hall/wall/wall-1', 'auth.me');
    expect(me.ok && (me.value as { user: { role: string } }).user.role).toBe('wall');
  });

  it('closes the core when the app quits, then exits once the link has closed', async () => {
    const wal = path.join(dataDir, 'hall.sqlite-wal');
    expect(fs.existsSync(wal)).toBe(true);
    fake.app.emit('before-quit');
    const quit = { prevented: false, preventDefault() { this.prevented = true; } };
    fake.app.emit('will-quit', quit);
    expect(quit.prevented).toBe(true); // held until the core has closed
    expect(fake.ipcMain.handlers.has('hall:invoke')).toBe(false);
    // SQLite checkpoints and removes the WAL when its last connection closes.
    expect(fs.existsSync(wal)).toBe(false);
    await vi.waitFor(() => expect(fake.app.exits).toEqual([0]));
  });
});
