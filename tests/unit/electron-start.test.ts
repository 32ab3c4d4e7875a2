import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` (build/start.mjs) on a machine where Electron cannot run must say why, point at
 * the browser console, exit non-zero — and never hang. The binary is made "missing" with
 * ELECTRON_OVERRIDE_DIST_PATH and fetching is turned off, so nothing is downloaded.
 */
const root = path.resolve(import.meta.dirname, '../..');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-start-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function runStart(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'build', 'start.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, HALL_ELECTRON_OFFLINE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function expectFriendlyRefusal(result: { code: number | null; output: string }): void {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.output).toContain('npm run serve -- --demo');
  expect(result.output).toContain('http://127.0.0.1:7300');
  expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
}

describe('npm start without a usable Electron', () => {
  it('says the binary is missing and points at the browser console, quickly', async () => {
    const empty = fs.mkdtempSync(path.join(temp, 'no-electron-'));
    const started = Date.now();
    const result = await runStart({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    expectFriendlyRefusal(result);
    expect(result.output).toMatch(/Electron 45\.\d+\.\d+ binary is not installed/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('--prepare (used by the Electron e2e test) refuses the same way', async () => {
    const empty = fs.mkdtempSync(path.join(temp, 'prepare-'));
    const result = await runStart({ ELECTRON_OVERRIDE_DIST_PATH: empty }, ['--prepare']);
    expectFriendlyRefusal(result);
    expect(result.code).toBe(3);
    expect(result.output).toMatch(/ELECTRON_OVERRIDE_DIST_PATH points there, so it is not fetched/);
  });

  it('finds out in seconds that the download host cannot be reached, instead of hanging on the fetch', async () => {
    // Only meaningful where node_modules/electron has no binary (as here): elsewhere start.mjs
    // would find it and never probe. The mirror is a port on this machine that was just closed.
    const electronDir = path.join(root, 'node_modules', 'electron');
    if (fs.existsSync(path.join(electronDir, 'path.txt')) && fs.existsSync(path.join(electronDir, 'dist'))) return;
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const env = { ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, HALL_ELECTRON_OFFLINE: '0', HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '', ELECTRON_GET_USE_PROXY: '' };
    const result = await runStart(env, ['--prepare']);
    expectFriendlyRefusal(result);
    expect(result.output).toMatch(/cannot be fetched: 127\.0\.0\.1 cannot be reached: ECONNREFUSED/);
    expect(result.output).not.toMatch(/Fetching Electron/);
  });

  it('says why when better-sqlite3 cannot be built for Electron, leaving node_modules alone', async () => {
    const dist = fs.mkdtempSync(path.join(temp, 'fake-electron-'));
    fs.writeFileSync(path.join(dist, process.platform === 'win32' ? 'electron.exe' : 'electron'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const failingGyp = path.join(temp, 'node-gyp-offline.mjs');
    fs.writeFileSync(failingGyp, "console.error('gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org'); process.exit(1);\n");
    const nativeDir = path.join(temp, 'native');
    const nodeBinding = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const before = fs.statSync(nodeBinding).mtimeMs;

    const result = await runStart({ ELECTRON_OVERRIDE_DIST_PATH: dist, HALL_NODE_GYP: failingGyp, HALL_NATIVE_DIR: nativeDir, DISPLAY: ':99' });
    expectFriendlyRefusal(result);
    expect(result.output).toMatch(/better-sqlite3 could not be built for Electron/);
    expect(result.output).toContain('ENOTFOUND electronjs.org');
    // The copy was made where asked; node_modules' Node build is untouched.
    expect(fs.existsSync(path.join(nativeDir, 'binding.gyp'))).toBe(true);
    expect(fs.existsSync(path.join(nativeDir, 'build'))).toBe(false);
    expect(fs.statSync(nodeBinding).mtimeMs).toBe(before);
  });

  it('says so when there is no display to open windows on (Linux)', async () => {
    if (process.platform !== 'linux') return;
    const dist = fs.mkdtempSync(path.join(temp, 'fake-electron-'));
    fs.writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const result = await runStart({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: '', WAYLAND_DISPLAY: '' });
    expectFriendlyRefusal(result);
    expect(result.output).toMatch(/no graphical display/);
  });
});
