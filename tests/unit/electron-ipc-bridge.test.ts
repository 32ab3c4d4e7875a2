import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/core';
import { all } from '../../electron/core/db/database';
import { sql } from '../../electron/core/db/sql';
import { createIpcBridge, originOf, TOKEN_HELD_BY_MAIN, type IpcBridge } from '../../electron/main/ipc-bridge';
import type { Result } from '../../shared/contract';
import { FakeIpcMain, FakeWebContents, tempCore } from './electron-fakes';

let core: Core;
let done: () => void;
let ipc: FakeIpcMain;
let bridge: IpcBridge;
let logged: string[];
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2026-11-28T08:00:00Z');
  ({ core, done } = await tempCore({ now: () => new Date(clock) }));
  ipc = new FakeIpcMain();
  logged = [];
  bridge = createIpcBridge({ ipcMain: ipc, core, trustedOrigins: ['app://hall'], log: (line) => logged.push(line) });
});

afterEach(() => {
  bridge.dispose();
  done();
});

function call(contents: FakeWebContents, method: unknown, params: unknown = {}, frame = contents.mainFrame): Promise<Result<unknown>> {
  return ipc.invoke('hall:invoke', contents.event(frame), method, params) as Promise<Result<unknown>>;
}

async function signIn(contents: FakeWebContents, username = 'operator', password = `${username}123`): Promise<Result<unknown>> {
  return call(contents, 'auth.login', { username, password });
}

function errorCode(result: Result<unknown>): string | null {
  return result.ok ? null : result.error.code;
}

describe('IPC bridge: the sender of every message is checked', () => {
  it('serves the top frame of a window main created, on the app origin', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    const result = await call(win, 'system.about');
    expect(result.ok).toBe(true);
    expect((result as { value: { demo: boolean } }).value.demo).toBe(true);
  });

  it('refuses a frame showing a foreign origin, and logs it', async () => {
    const win = new FakeWebContents(1, 'https://evil.example/app');
    bridge.attach(win, { kind: 'console' });
    expect(errorCode(await call(win, 'system.about'))).toBe('forbidden');
    expect(logged.join('\n')).toMatch(/foreign origin \(https:\/\/evil\.example\/app\)/);
  });

  it('refuses an origin that only looks like the app (app://hall.evil, http://hall)', async () => {
    for (const [id, url] of [[1, 'app://hall.evil/'], [2, 'http://hall/'], [3, 'file:///work/out/renderer/index.html']] as const) {
      const win = new FakeWebContents(id, url);
      bridge.attach(win, { kind: 'console' });
      expect(errorCode(await call(win, 'system.about'))).toBe('forbidden');
    }
  });

  it('refuses a subframe, even one on the app origin', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    expect(errorCode(await call(win, 'system.about', {}, win.subframe()))).toBe('forbidden');
    expect(logged.join('\n')).toMatch(/subframe/);
  });

  it('refuses a webContents main did not create, and a frame that is gone', async () => {
    const stranger = new FakeWebContents(7);
    expect(errorCode(await call(stranger, 'system.about'))).toBe('forbidden');
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    expect(errorCode(await ipc.invoke('hall:invoke', win.event(null), 'system.about', {}) as Result<unknown>)).toBe('forbidden');
  });

  it('answers a malformed call with a Result, never a throw', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    expect(errorCode(await call(win, 42))).toBe('invalid_params');
    expect(errorCode(await call(win, 'no.such'))).toBe('not_found');
    expect(errorCode(await call(win, 'stations.list', { level: 'planet' }))).toBe('unauthorized');
  });
});

describe('IPC bridge: sessions are held by main, per window', () => {
  it('login binds the token to the window that signed in; the renderer never sees it', async () => {
    const win = new FakeWebContents(1);
    const other = new FakeWebContents(2);
    bridge.attach(win, { kind: 'console' });
    bridge.attach(other, { kind: 'decision' });

    expect(errorCode(await call(win, 'auth.me'))).toBe('unauthorized');
    const login = await signIn(win);
    expect(login.ok).toBe(true);
    const value = (login as { value: { token: string; user: { username: string } } }).value;
    expect(value.token).toBe(TOKEN_HELD_BY_MAIN);
    expect(value.user.username).toBe('operator');

    const me = await call(win, 'auth.me');
    expect(me.ok && (me.value as { user: { role: string } }).user.role).toBe('operator');
    expect(errorCode(await call(other, 'auth.me'))).toBe('unauthorized');
    expect(bridge.sessionOf(win)?.username).toBe('operator');
  });

  it('a failed login binds nothing', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    expect(errorCode(await signIn(win, 'operator', 'wrong-password'))).toBe('unauthorized');
    expect(bridge.sessionOf(win)).toBeNull();
  });

  it('logout forgets the token, ends the session in the core and tells the window', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    await signIn(win);
    const sessionId = bridge.sessionOf(win)!.sessionId;

    expect((await call(win, 'auth.logout')).ok).toBe(true);
    expect(errorCode(await call(win, 'auth.me'))).toBe('unauthorized');
    expect(bridge.sessionOf(win)).toBeNull();
    expect(core.auth.sessionById(sessionId)).toBeNull();
    expect(win.pushed('auth.sessionEnded')).toEqual([{ reason: 'logout' }]);
  });

  it('signing in again replaces the window session and revokes the previous one', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    await signIn(win, 'operator');
    const first = bridge.sessionOf(win)!.sessionId;
    await signIn(win, 'commander');
    expect(bridge.sessionOf(win)?.username).toBe('commander');
    expect(core.auth.sessionById(first)).toBeNull();
    expect(win.pushed('auth.sessionEnded')).toEqual([]);
  });

  it('a wall window is signed in by main with a wall token, and its calls are audited as ipc wall:<screenId>', async () => {
    const wall = new FakeWebContents(3, 'app://hall/wall/screen-1');
    bridge.attach(wall, { kind: 'wall', screenId: 'screen-1' });
    const me = await call(wall, 'auth.me');
    expect(me.ok && (me.value as { user: { role: string } }).user.role).toBe('wall');
    expect((await call(wall, 'stations.list', { level: 'town' })).ok).toBe(true);
    // A wall may not change state; the refusal is audited with the window's origin.
    expect(errorCode(await call(wall, 'system.backup'))).toBe('forbidden');
    const rows = all<{ origin: string; outcome: string }>(core.db, sql`SELECT origin, outcome FROM audit WHERE method = 'system.backup'`);
    expect(rows).toEqual([{ origin: 'ipc wall:screen-1', outcome: 'denied' }]);
  });

  it('a closed window takes its session with it', async () => {
    const wall = new FakeWebContents(3, 'app://hall/wall/screen-2');
    bridge.attach(wall, { kind: 'wall', screenId: 'screen-2' });
    const sessionId = bridge.sessionOf(wall)!.sessionId;
    wall.destroy();
    expect(core.auth.sessionById(sessionId)).toBeNull();
    expect(errorCode(await call(wall, 'auth.me'))).toBe('forbidden');
  });

  it('refuses to attach the same webContents twice', () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    expect(() => bridge.attach(win, { kind: 'console' })).toThrow(/already attached/);
  });
});

describe('IPC bridge: events reach only signed-in subscribers', () => {
  const marker = { stations: [] };

  it('forwards a core event to subscribed windows with a session, not to others', async () => {
    const signedIn = new FakeWebContents(1);
    const anonymous = new FakeWebContents(2);
    const notSubscribed = new FakeWebContents(3);
    for (const w of [signedIn, anonymous, notSubscribed]) bridge.attach(w, { kind: 'console' });
    await signIn(signedIn);
    await signIn(notSubscribed, 'commander');
    ipc.send('hall:subscribe', signedIn.event(), 'stations.changed');
    ipc.send('hall:subscribe', anonymous.event(), 'stations.changed');

    core.events.emit('stations.changed', marker);
    expect(signedIn.pushed('stations.changed')).toContainEqual(marker);
    expect(anonymous.sent).toEqual([]);
    expect(notSubscribed.pushed('stations.changed')).toEqual([]);
  });

  it('stops after unsubscribe and after logout', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    await signIn(win);
    ipc.send('hall:subscribe', win.event(), 'stations.changed');
    ipc.send('hall:unsubscribe', win.event(), 'stations.changed');
    core.events.emit('stations.changed', marker);
    expect(win.pushed('stations.changed')).toEqual([]);

    ipc.send('hall:subscribe', win.event(), 'stations.changed');
    await call(win, 'auth.logout');
    core.events.emit('stations.changed', marker);
    expect(win.pushed('stations.changed')).toEqual([]);
  });

  it('ignores subscriptions from a subframe, a foreign origin or to an unknown topic', async () => {
    const win = new FakeWebContents(1);
    const foreign = new FakeWebContents(2, 'https://evil.example/');
    bridge.attach(win, { kind: 'console' });
    bridge.attach(foreign, { kind: 'console' });
    await signIn(win);
    ipc.send('hall:subscribe', win.event(win.subframe()), 'stations.changed');
    ipc.send('hall:subscribe', foreign.event(), 'stations.changed');
    ipc.send('hall:subscribe', win.event(), 'secrets.leaked');
    core.events.emit('stations.changed', marker);
    expect(win.pushed('stations.changed')).toEqual([]);
    expect(foreign.sent).toEqual([]);
    expect(logged.join('\n')).toMatch(/unknown topic "secrets.leaked"/);
  });

  it('an expired session gets auth.sessionEnded instead of the event', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    await signIn(win);
    ipc.send('hall:subscribe', win.event(), 'stations.changed');
    clock += 13 * 3_600_000; // sessions last 12 h by default
    core.events.emit('stations.changed', marker);
    expect(win.pushed('stations.changed')).toEqual([]);
    expect(win.pushed('auth.sessionEnded')).toEqual([{ reason: 'expired' }]);
    expect(bridge.sessionOf(win)).toBeNull();
  });

  it('a wall window receives events without anyone signing in', () => {
    const wall = new FakeWebContents(3, 'app://hall/wall/screen-1');
    bridge.attach(wall, { kind: 'wall', screenId: 'screen-1' });
    ipc.send('hall:subscribe', wall.event(), 'stations.changed');
    core.events.emit('stations.changed', marker);
    expect(wall.pushed('stations.changed')).toContainEqual(marker);
  });

  it('dispose removes every IPC handler and stops forwarding', async () => {
    const win = new FakeWebContents(1);
    bridge.attach(win, { kind: 'console' });
    await signIn(win);
    ipc.send('hall:subscribe', win.event(), 'stations.changed');
    bridge.dispose();
    expect(ipc.handlers.size).toBe(0);
    expect([...ipc.listeners.values()].every((set) => set.size === 0)).toBe(true);
    core.events.emit('stations.changed', marker);
    expect(win.pushed('stations.changed')).toEqual([]);
    // A second bridge can take over the channels (as after a hot restart of main).
    bridge = createIpcBridge({ ipcMain: ipc, core, trustedOrigins: ['app://hall'], log: () => {} });
  });
});

describe('originOf', () => {
  it('gives scheme://host for custom schemes, where URL.origin is "null"', () => {
    expect(new URL('app://hall/wall/x').origin).toBe('null');
    expect(originOf('app://hall/wall/x')).toBe('app://hall');
    expect(originOf('http://localhost:5173/decision')).toBe('http://localhost:5173');
    expect(originOf('not a url')).toBeNull();
    expect(originOf('file:///etc/passwd')).toBeNull();
  });
});
