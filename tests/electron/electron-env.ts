/**
 * Whether the Electron end-to-end test can run here, decided once in global setup and passed
 * to the test through the environment: the binary must exist (it is never downloaded by the
 * tests), there must be a display, and `build/start.mjs --prepare` must have built the app and
 * the Electron-ABI better-sqlite3.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The Electron executable, found the way node_modules/electron/index.js finds it, or null. */
export function electronBinary(): string | null {
  const require = createRequire(path.join(root, 'package.json'));
  const dir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(dir, 'path.txt');
  const fallback = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  const executable = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : fallback;
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const candidate = override ? path.join(override, executable) : path.join(dir, 'dist', executable);
  return fs.existsSync(candidate) ? candidate : null;
}

export const ENV = {
  binary: 'HALL_ELECTRON_BINARY',
  binding: 'HALL_SQLITE_BINDING',
  skipped: 'HALL_ELECTRON_SKIPPED',
} as const;
