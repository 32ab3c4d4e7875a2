import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/core';
import { createIpcBridge, type IpcBridge } from '../../electron/main/ipc-bridge';
import { wallDisplayStore } from '../../electron/main/wall-displays';
import { WindowManager, type WindowManagerOptions, type WindowSpec } from '../../electron/main/windows';
import type { Result } from '../../shared/contract';
import { FakeIpcMain, FakePowerSaveBlocker, FakeScreen, FakeWindow, fakeDisplay, tempCore } from './electron-fakes';

const desk = fakeDisplay(1, 'Built-in', 0);
const wallA = fakeDisplay(2, 'DELL P2422H', 1920);
const wallB = fakeDisplay(3, 'LG 27UL500', 3840);

let core: Core;
let done: () => void;
let ipc: FakeIpcMain;
let bridge: IpcBridge;
let created: FakeWindow[];
let blocker: FakePowerSaveBlocker;
let logged: string[];
let clock: number;
let scheduled: { fn: () => void; ms: number }[];
const managers: WindowManager[] = [];

beforeEach(async () => {
  ({ core, done } = await tempCore());
  ipc = new FakeIpcMain();
  bridge = createIpcBridge({ ipcMain: ipc, core, trustedOrigins: ['app://hall'], log: () => {} });
  created = [];
  blocker = new FakePowerSaveBlocker();
  logged = [];
  clock = 1_000_000;
  scheduled = [];
});

afterEach(() => {
  managers.splice(0).forEach((m) => m.dispose());
  bridge.dispose();
  done();
});

function manager(screen: FakeScreen, overrides: Partial<WindowManagerOptions> = {}): WindowManager {
  const m = new WindowManager({
    screen,
    createWindow: (spec: WindowSpec) => {
      const win = new FakeWindow(spec);
      created.push(win);
      return win;
    },
    powerSaveBlocker: blocker,
    store: wallDisplayStore(core.db),
    bridge,
    urlFor: (route) => `app://hall${route}`,
    log: (line) => logged.push(line),
    now: () => clock,
    schedule: (fn, ms) => scheduled.push({ fn, ms }),
    ...overrides,
  });
  managers.push(m);
  return m;
}

const walls = (): FakeWindow[] => created.filter((w) => w.spec.kind === 'wall' && !w.isDestroyed());
const wallOn = (screenId: string): FakeWindow | undefined => walls().find((w) => w.spec.screenId === screenId);

describe('windows', () => {
  it('opens the console on the primary display and one kiosk wall per additional display', () => {
    const screen = new FakeScreen([desk, wallA, wallB], 1);
    manager(screen).start();

    const consoleWin = created.find((w) => w.spec.kind === 'console')!;
    expect(consoleWin.loaded).toEqual(['app://hall/']);
    expect(consoleWin.spec.kiosk).toBe(false);
    expect(consoleWin.getBounds().x).toBeLessThan(1920);

    expect(walls().map((w) => [w.spec.screenId, w.loaded[0], w.spec.kiosk, w.getBounds()])).toEqual([
      ['screen-1', 'app://hall/wall/screen-1', true, wallA.bounds],
      ['screen-2', 'app://hall/wall/screen-2', true, wallB.bounds],
    ]);
    expect(blocker.active.size).toBe(1);
  });

  it('binds a wall token to each wall window before its page loads (no token in the URL)', async () => {
    manager(new FakeScreen([desk, wallA], 1)).start();
    const wall = wallOn('screen-1')!;
    expect(wall.loaded[0]).not.toMatch(/token/);
    const me = (await ipc.invoke('hall:invoke', wall.webContents.event(), 'auth.me', {})) as Result<{ user: { role: string } }>;
    expect(me.ok && me.value.user.role).toBe('wall');
  });

  it('remembers which display shows which screen, and restores it after a restart with new display ids', () => {
    manager(new FakeScreen([desk, wallA, wallB], 1)).start();
    const rows = wallDisplayStore(core.db).load();
    expect(rows.get('screen-1')).toEqual({ displayId: '2', label: 'DELL P2422H', bounds: wallA.bounds });
    expect(rows.get('screen-2')?.displayId).toBe('3');

    // Reboot: the driver renumbered the displays and the monitors swapped ports.
    managers.splice(0).forEach((m) => m.dispose());
    created = [];
    const lg = { ...wallB, id: 12, bounds: { ...wallA.bounds }, workArea: { ...wallA.workArea } };
    const dell = { ...wallA, id: 13, bounds: { ...wallB.bounds }, workArea: { ...wallB.workArea } };
    manager(new FakeScreen([desk, lg, dell], 1)).start();
    expect(wallOn('screen-1')!.getBounds()).toEqual(dell.bounds);
    expect(wallOn('screen-2')!.getBounds()).toEqual(lg.bounds);
    expect(wallDisplayStore(core.db).load().get('screen-1')?.displayId).toBe('13');
  });

  it('re-places on display-removed: the screen whose display is gone closes, the others stay', () => {
    const screen = new FakeScreen([desk, wallA, wallB], 1);
    manager(screen).start();
    const second = wallOn('screen-2')!;
    screen.change('display-removed', [desk, wallB]);

    expect(wallOn('screen-1')).toBeUndefined();
    expect(wallOn('screen-2')).toBe(second);
    expect(second.boundsHistory).toEqual([]);
    expect(logged.join('\n')).toMatch(/wall screen-1: its display is gone/);
    // The memory of screen-1 is kept, so it returns to its monitor when it is plugged back in.
    screen.change('display-added', [desk, wallA, wallB]);
    expect(wallOn('screen-1')!.getBounds()).toEqual(wallA.bounds);
    expect(walls()).toHaveLength(2);
  });

  it('follows a resolution change and keeps the wall in kiosk mode', () => {
    const screen = new FakeScreen([desk, wallA], 1);
    manager(screen).start();
    const wall = wallOn('screen-1')!;
    const bigger = { ...wallA, bounds: { x: 1920, y: 0, width: 3840, height: 2160 }, workArea: { x: 1920, y: 0, width: 3840, height: 2120 } };
    screen.change('display-metrics-changed', [desk, bigger]);
    expect(wallOn('screen-1')).toBe(wall);
    expect(wall.getBounds()).toEqual(bigger.bounds);
    expect(wall.isKiosk()).toBe(true);
    expect(wallDisplayStore(core.db).load().get('screen-1')?.bounds.width).toBe(3840);
  });

  it('puts a wall back into kiosk mode when it leaves fullscreen', () => {
    manager(new FakeScreen([desk, wallA], 1)).start();
    const wall = wallOn('screen-1')!;
    wall.setKiosk(false);
    wall.emit('leave-full-screen');
    expect(wall.isKiosk()).toBe(true);
  });

  it('moves the console back only when its display is gone', () => {
    const left = fakeDisplay(5, 'Left', -1920);
    const screen = new FakeScreen([desk, left], 1);
    manager(screen, { walls: false }).start();
    const consoleWin = created.find((w) => w.spec.kind === 'console')!;
    consoleWin.setBounds({ x: -1800, y: 100, width: 1200, height: 800 }); // the operator moved it
    screen.change('display-metrics-changed', [desk, left]);
    expect(consoleWin.getBounds().x).toBe(-1800);
    screen.change('display-removed', [desk]);
    expect(consoleWin.getBounds().x).toBeGreaterThanOrEqual(0);
  });

  it('keeps the displays awake only while a wall is up', () => {
    const screen = new FakeScreen([desk, wallA], 1);
    manager(screen).start();
    expect(blocker.active.size).toBe(1);
    screen.change('display-removed', [desk]);
    expect(blocker.active.size).toBe(0);
    screen.change('display-added', [desk, wallA]);
    expect(blocker.active.size).toBe(1);
  });

  it('--no-walls opens only the console', () => {
    manager(new FakeScreen([desk, wallA, wallB], 1), { walls: false }).start();
    expect(created.map((w) => w.spec.kind)).toEqual(['console']);
    expect(blocker.active.size).toBe(0);
  });

  it('reloads a wall whose renderer crashed, not one that exited cleanly', () => {
    manager(new FakeScreen([desk, wallA], 1)).start();
    const contents = wallOn('screen-1')!.webContents;
    contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(contents.reloads).toBe(0);
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(contents.reloads).toBe(1);
    expect(logged.join('\n')).toMatch(/wall screen-1 renderer is gone \(crashed/);
  });

  it('restarts a hung wall renderer (crash, then one reload even when it then reports gone)', () => {
    manager(new FakeScreen([desk, wallA], 1)).start();
    const contents = wallOn('screen-1')!.webContents;
    contents.emit('unresponsive');
    contents.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 });
    expect(contents.crashes).toBe(1);
    expect(contents.reloads).toBe(1);
  });

  it('does not kill a hung console (an operator may be mid-task), only logs it', () => {
    manager(new FakeScreen([desk], 1)).start();
    const contents = created[0]!.webContents;
    contents.emit('unresponsive');
    expect(contents.crashes).toBe(0);
    expect(logged.join('\n')).toMatch(/console renderer is not responding/);
  });

  it('backs off a renderer that keeps crashing instead of spinning', () => {
    manager(new FakeScreen([desk, wallA], 1)).start();
    const contents = wallOn('screen-1')!.webContents;
    for (let i = 0; i < 4; i++) {
      clock += 5_000;
      contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    }
    expect(contents.reloads).toBe(3);
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]!.ms).toBeGreaterThanOrEqual(10_000);
    scheduled[0]!.fn();
    expect(contents.reloads).toBe(4);
  });

  it('reopens a wall closed by accident, but not while the app quits', () => {
    const m = manager(new FakeScreen([desk, wallA], 1));
    m.start();
    wallOn('screen-1')!.close();
    expect(wallOn('screen-1')).toBeDefined();
    expect(created.filter((w) => w.spec.kind === 'wall')).toHaveLength(2);
    m.dispose();
    wallOn('screen-1')!.close();
    expect(wallOn('screen-1')).toBeUndefined();
    expect(blocker.active.size).toBe(0);
  });

  it('reports the console closing so the host can quit, and focuses it for a second instance', () => {
    let closed = 0;
    const m = manager(new FakeScreen([desk], 1), { onConsoleClosed: () => closed++ });
    m.start();
    const consoleWin = created[0]!;
    consoleWin.minimized = true;
    m.focusConsole();
    expect(consoleWin.isMinimized()).toBe(false);
    expect(consoleWin.focused).toBe(1);
    consoleWin.close();
    expect(closed).toBe(1);
  });

  it('opens the decision room once, on demand, at /decision', () => {
    const m = manager(new FakeScreen([desk], 1));
    m.start();
    const room = m.openDecisionRoom() as FakeWindow;
    expect(room.loaded).toEqual(['app://hall/decision']);
    expect(m.openDecisionRoom()).toBe(room);
    expect(room.focused).toBe(1);
    room.close();
    expect(m.openDecisionRoom()).not.toBe(room);
  });
});
