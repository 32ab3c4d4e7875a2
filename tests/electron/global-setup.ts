import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronBinary, ENV, root } from './electron-env';

/**
 * Decide whether the Electron test runs. Without a binary (as on the machines this project is
 * built on: it cannot be downloaded there) the test is SKIPPED and the run says so loudly; it
 * is never reported as passed. HALL_REQUIRE_ELECTRON=1 turns a skip into a failure, for a CI
 * machine that is supposed to have Electron.
 */
export default function globalSetup(): void {
  const skip = (why: string): void => {
    if (process.env['HALL_REQUIRE_ELECTRON'] === '1') throw new Error(`Electron test required (HALL_REQUIRE_ELECTRON=1) but: ${why}`);
    process.env[ENV.skipped] = why;
    const line = '!'.repeat(78);
    console.log(`\n${line}\n  ELECTRON TEST SKIPPED — NOT RUN, NOT PASSED\n  ${why}\n  The same console is tested in Chromium by the e2e suite (npm run test:e2e).\n${line}\n`);
  };

  const binary = electronBinary();
  if (!binary) return skip('no Electron binary in node_modules/electron/dist (it cannot be downloaded on this machine).');
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return skip('no display (DISPLAY / WAYLAND_DISPLAY unset); run under xvfb-run.');
  }
  const prepared = spawnSync(process.execPath, [path.join(root, 'build', 'start.mjs'), '--prepare'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const binding = /HALL_SQLITE_BINDING=(.+)/.exec(prepared.stdout)?.[1]?.trim();
  if (prepared.status !== 0 || !binding) return skip(`build/start.mjs --prepare could not prepare the app (exit ${prepared.status}); see above.`);
  process.env[ENV.binary] = binary;
  process.env[ENV.binding] = binding;
}
