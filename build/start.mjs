#!/usr/bin/env node
/**
 * `npm start`: run the Electron console in demo mode from a checkout.
 *
 *   1. find the Electron binary (node_modules/electron fetches it on first use; we ask for it
 *      explicitly, with a time limit, instead of letting `require('electron')` block);
 *   2. build better-sqlite3 for Electron's ABI in build/native/electron-sqlite/ — a copy, so the
 *      Node build in node_modules that the web host and the tests use stays untouched — once,
 *      cached by Electron and better-sqlite3 versions;
 *   3. build main, preload and renderer with electron-vite;
 *   4. launch `electron . --demo` with HALL_SQLITE_BINDING pointing at that copy.
 *
 * Any step that cannot work on this machine (no binary and no network, no compiler, no display)
 * ends with a short message saying why and that `npm run serve -- --demo` serves the same console
 * in a browser, and a non-zero exit code — never a hang or a stack trace.
 *
 *   node build/start.mjs [--prepare] [-- extra args for the console]
 *     --prepare   do steps 1–3 only (used by the Electron end-to-end test)
 * Environment: HALL_ELECTRON_OFFLINE=1 never fetches Electron; HALL_ELECTRON_FETCH_TIMEOUT_S
 * (default 600); ELECTRON_MIRROR (e.g. https://npmmirror.com/mirrors/electron/, read by
 * @electron/get); ELECTRON_OVERRIDE_DIST_PATH (as the electron package reads it);
 * HALL_NATIVE_DIR; HALL_NODE_GYP (path of node-gyp.js).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const args = process.argv.slice(2);
const prepareOnly = args.includes('--prepare');
const consoleArgs = args.filter((a) => a !== '--prepare' && a !== '--');

class CannotStart extends Error {}

function explain(why) {
  console.error(
    [
      '',
      '源城区应急指挥中心: the Electron console cannot start on this machine.',
      `  Why: ${why}`,
      '',
      '  The same console runs in a browser. Start it with',
      '      npm run serve -- --demo',
      '  and open http://127.0.0.1:7300',
      '',
    ].join('\n'),
  );
}

/**
 * Whether a download host answers at all, in at most five seconds: without it an offline
 * machine (packets dropped rather than refused) would wait minutes for the download to time
 * out. Skipped behind a proxy, which the direct probe cannot use.
 */
function reachable(url, timeoutMs = 5000) {
  if (['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ELECTRON_GET_USE_PROXY'].some((v) => process.env[v])) return Promise.resolve(null);
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) || (protocol === 'http:' ? 80 : 443) });
    const done = (problem) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`${hostname} does not answer (no network?)`));
    socket.once('connect', () => done(null));
    socket.once('error', (error) => done(`${hostname} cannot be reached: ${error.code ?? error.message}`));
  });
}

function lastLines(text, n = 12) {
  return String(text ?? '')
    .trim()
    .split('\n')
    .slice(-n)
    .map((l) => `      ${l}`)
    .join('\n');
}

// ---- 1. the Electron binary -------------------------------------------------------------

function electronPackage() {
  const dir = path.dirname(require.resolve('electron/package.json'));
  return { dir, version: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version };
}

function platformExecutable() {
  if (process.platform === 'win32') return 'electron.exe';
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}

/** Where the binary is, read the way node_modules/electron/index.js reads it — without running it. */
function electronBinary(dir) {
  const pathFile = path.join(dir, 'path.txt');
  const executable = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, executable || platformExecutable()) : path.join(dir, 'dist', executable || platformExecutable());
  return { candidate, exists: fs.existsSync(candidate) };
}

async function ensureElectron() {
  const { dir, version } = electronPackage();
  let found = electronBinary(dir);
  if (found.exists) return { binary: found.candidate, version };

  const missing = `the Electron ${version} binary is not installed (${path.relative(root, found.candidate) || found.candidate} is missing)`;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) throw new CannotStart(`${missing}; ELECTRON_OVERRIDE_DIST_PATH points there, so it is not fetched.`);
  if (process.env.HALL_ELECTRON_OFFLINE === '1') throw new CannotStart(`${missing} and fetching it is turned off (HALL_ELECTRON_OFFLINE=1).`);

  const mirror = process.env.ELECTRON_MIRROR ?? process.env.npm_config_electron_mirror ?? 'https://github.com/';
  const offline = await reachable(mirror);
  if (offline) throw new CannotStart(`${missing} and it cannot be fetched: ${offline}. (Behind the Great Firewall, ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ may help.)`);
  const timeoutS = Number(process.env.HALL_ELECTRON_FETCH_TIMEOUT_S ?? 600);
  console.log(`Fetching Electron ${version} (once, about 100 MB; at most ${timeoutS} s)…`);
  const run = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: timeoutS * 1000,
  });
  found = electronBinary(dir);
  if (found.exists) return { binary: found.candidate, version };
  const reason = run.error?.code === 'ETIMEDOUT' ? `no answer within ${timeoutS} s` : (String(run.stderr).trim().split('\n')[0] ?? '') || `exit ${run.status}`;
  throw new CannotStart(`${missing} and it could not be fetched (${reason}).`);
}

function ensureDisplay() {
  if (process.platform !== 'linux') return;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new CannotStart('there is no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set).');
  }
}

// ---- 2. better-sqlite3 for Electron's ABI ------------------------------------------------

function nodeGypScript() {
  const candidates = [
    process.env.HALL_NODE_GYP,
    process.env.npm_config_node_gyp,
    path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && fs.existsSync(c)) ?? null;
}

/** node-gyp's header cache for a target (env-paths' cache dir, as node-gyp computes it). */
function headersCached(version) {
  const cache =
    process.platform === 'win32'
      ? path.join(process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'node-gyp', 'Cache')
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Caches', 'node-gyp')
        : path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'node-gyp');
  return fs.existsSync(path.join(cache, version, 'include', 'node', 'node.h'));
}

async function ensureSqliteForElectron(electronVersion) {
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).version;
  const dir = path.resolve(process.env.HALL_NATIVE_DIR ?? path.join(root, 'build', 'native', 'electron-sqlite'));
  const binding = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  const stampFile = path.join(dir, '.hall-build.json');
  const stamp = JSON.stringify({ electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch });
  if (fs.existsSync(binding) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return binding;

  const gyp = nodeGypScript();
  if (!gyp) throw new CannotStart('node-gyp was not found, so better-sqlite3 cannot be built for Electron (set HALL_NODE_GYP).');
  if (!process.env.HALL_NODE_GYP && !headersCached(electronVersion)) {
    const offline = await reachable('https://electronjs.org/headers');
    if (offline) throw new CannotStart(`better-sqlite3 must be built for Electron's ABI, which needs the Electron ${electronVersion} headers, and ${offline}.`);
  }
  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} in ${path.relative(root, dir)} (once)…`);
  fs.rmSync(dir, { recursive: true, force: true });
  // The sources only: node_modules' own build/ (Node's ABI) must neither be reused nor touched.
  fs.cpSync(source, dir, {
    recursive: true,
    filter: (p) => {
      const rel = path.relative(source, p).split(path.sep)[0];
      return rel !== 'build' && rel !== 'node_modules';
    },
  });
  const run = spawnSync(
    process.execPath,
    [gyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 20 * 60_000 },
  );
  if (run.status !== 0 || !fs.existsSync(binding)) {
    const reason = run.error?.code === 'ETIMEDOUT' ? 'it did not finish within 20 minutes' : `node-gyp failed (it needs the Electron headers from electronjs.org and a C++ toolchain):\n${lastLines(`${run.stdout}\n${run.stderr}`)}`;
    throw new CannotStart(`better-sqlite3 could not be built for Electron's ABI: ${reason}`);
  }
  fs.writeFileSync(stampFile, stamp);
  return binding;
}

// ---- 3. build, 4. launch ------------------------------------------------------------------

function buildApp() {
  const cli = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const run = spawnSync(process.execPath, [cli, 'build', '-c', 'build/electron.vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new CannotStart(`the electron-vite build failed (exit ${run.status ?? run.signal}; its errors are above).`);
}

function launch(binary, binding) {
  // Demo data goes to a folder of the checkout, never into the profile a production install
  // uses (it would carry the demo accounts and their published passwords).
  const data = consoleArgs.includes('--data') || consoleArgs.some((a) => a.startsWith('--data=')) ? [] : ['--data', path.join(root, '.hall-data', 'electron-demo')];
  const child = spawn(binary, ['.', '--demo', ...data, ...consoleArgs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HALL_SQLITE_BINDING: binding },
  });
  let forwarded = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      forwarded = true;
      child.kill(signal);
    });
  }
  child.on('error', (error) => {
    explain(`Electron could not be started: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (!forwarded && code !== 0) explain(`Electron exited with ${code ?? signal} (its messages are above).`);
    process.exit(code ?? 1);
  });
}

try {
  const { binary, version } = await ensureElectron();
  if (!prepareOnly) ensureDisplay();
  const binding = await ensureSqliteForElectron(version);
  buildApp();
  if (prepareOnly) {
    console.log(`Electron console prepared: ${binary}\nHALL_SQLITE_BINDING=${binding}`);
  } else {
    launch(binary, binding);
  }
} catch (error) {
  if (!(error instanceof CannotStart)) throw error;
  explain(error.message);
  process.exit(prepareOnly ? 3 : 2);
}
