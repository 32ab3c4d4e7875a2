import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { ENV, root } from './electron-env';

/**
 * The real Electron console (demo mode, a fresh data dir): the preload's surface, sessions held
 * by main, the CSP of app://, navigation and window.open denied. Everything here is also covered
 * by unit tests with fakes; this proves the glue in electron/main/index.ts against Electron.
 */
test.describe.configure({ mode: 'serial' });

let app: ElectronApplication;
let win: Page;
let dataDir: string;
const mainOutput: string[] = [];
const waiters: { pattern: RegExp; resolve: () => void }[] = [];

/** Resolves when main prints a line matching `pattern` (a signal, never a sleep). */
function mainLogs(pattern: RegExp): Promise<void> {
  if (mainOutput.some((line) => pattern.test(line))) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ pattern, resolve }));
}

/** What the tests touch in the page (this tsconfig has no DOM lib: the page is seen through this). */
interface PageGlobals {
  hall: { invoke(method: string, params?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> };
  location: { href: string; origin: string; pathname: string };
  open(url: string): unknown;
  fetch(url: string): Promise<{ headers: { get(name: string): string | null } }>;
  require?: unknown;
  process?: unknown;
}
// Functions passed to evaluate() run in the page: they may not close over anything here.
const invoke = (method: string, params: unknown = {}) =>
  win.evaluate(([m, p]) => (globalThis as unknown as PageGlobals).hall.invoke(m, p), [method, params] as const);

test.beforeAll(async () => {
  const skipped = process.env[ENV.skipped];
  test.info().skip(Boolean(skipped), `SKIPPED (not run, not passed): ${skipped}`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-electron-e2e-'));
  app = await electron.launch({
    executablePath: process.env[ENV.binary]!,
    args: ['.', '--demo', '--data', dataDir, '--no-walls'],
    cwd: root,
    env: { ...(process.env as Record<string, string>), [ENV.binding]: process.env[ENV.binding]! },
  });
  app.process().stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      mainOutput.push(line);
      for (const w of waiters.filter((x) => x.pattern.test(line))) w.resolve();
    }
  });
  win = await app.firstWindow();
  await win.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the console loads from app://hall with exactly window.hall = { invoke, subscribe } and no Node', async () => {
  expect(win.url()).toBe('app://hall/');
  const surface = await win.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    return { hall: Object.keys(g.hall).sort(), require: typeof g.require, process: typeof g.process };
  });
  expect(surface).toEqual({ hall: ['invoke', 'subscribe'], require: 'undefined', process: 'undefined' });
});

test('the renderer is served with the strict CSP', async () => {
  const csp = await win.evaluate(async () => {
    const g = globalThis as unknown as PageGlobals;
    return (await g.fetch(g.location.href)).headers.get('content-security-policy');
  });
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
});

test('sign-in over IPC: main keeps the token, the renderer gets a placeholder', async () => {
  expect((await invoke('system.about')).ok).toBe(true);
  expect((await invoke('auth.me')).error?.code).toBe('unauthorized');
  const login = await invoke('auth.login', { username: 'operator', password: 'operator123' });
  expect(login.ok).toBe(true);
  expect((login.value as { token: string }).token).toBe('held-by-main');
  expect((await invoke('auth.me')).ok).toBe(true);
  expect((await invoke('auth.logout')).ok).toBe(true);
  expect((await invoke('auth.me')).error?.code).toBe('unauthorized');
});

test('navigation away from the app and window.open are denied', async () => {
  const blocked = mainLogs(/\[security\] blocked navigation .* to http:\/\/example\.invalid\//);
  await win.evaluate(() => {
    (globalThis as unknown as PageGlobals).location.href = 'http://example.invalid/';
  });
  await blocked;
  expect(await win.evaluate(() => (globalThis as unknown as PageGlobals).location.origin)).toBe('app://hall');
  // http (not https) so nothing is handed to the system browser of the test machine either.
  expect(await win.evaluate(() => (globalThis as unknown as PageGlobals).open('http://example.invalid/') === null)).toBe(true);
  expect(app.windows()).toHaveLength(1);
});
