#!/usr/bin/env node
/**
 * `npm test`: every check in order — lint, typecheck, unit + component (vitest), renderer build,
 * end to end (Playwright + Debian Chromium), Electron (skipped, and said so, without its binary) —
 * then one closing line `tests: N passed, N failed, N skipped` counted from the runners' JSON
 * reports. Exits non-zero if any step fails.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'tests', '.artifacts');
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const steps = [
  { name: 'lint', cmd: bin('eslint'), args: ['--max-warnings=0', '.'] },
  { name: 'typecheck (tsc)', cmd: bin('tsc'), args: ['-p', 'tsconfig.json'] },
  { name: 'typecheck (tsc, e2e)', cmd: bin('tsc'), args: ['-p', 'tests/e2e/tsconfig.json'] },
  { name: 'typecheck (vue-tsc)', cmd: bin('vue-tsc'), args: ['--noEmit', '-p', 'renderer/tsconfig.json'] },
  {
    name: 'unit + component (vitest)',
    cmd: bin('vitest'),
    args: ['run', '-c', 'build/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(reports, 'vitest.json')}`],
    report: 'vitest',
  },
  { name: 'renderer build', cmd: bin('vite'), args: ['build', '-c', 'build/vite.config.ts', '--logLevel', 'warn'] },
  { name: 'end to end (Playwright, Chromium)', cmd: bin('playwright'), args: ['test', '-c', 'build/playwright.config.ts'], report: 'e2e' },
];
if (fs.existsSync(path.join(root, 'tests', 'electron', 'playwright.config.ts'))) {
  steps.push({ name: 'electron (Playwright _electron)', cmd: bin('playwright'), args: ['test', '-c', 'tests/electron/playwright.config.ts'], report: 'electron' });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

function count(report) {
  const file = path.join(reports, `${report}.json`);
  if (!fs.existsSync(file)) return false;
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (report === 'vitest') {
    totals.passed += data.numPassedTests;
    totals.failed += data.numFailedTests;
    totals.skipped += data.numPendingTests + data.numTodoTests;
  } else {
    totals.passed += data.stats.expected + data.stats.flaky;
    totals.failed += data.stats.unexpected;
    totals.skipped += data.stats.skipped;
  }
  return true;
}

for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const result = spawnSync(step.cmd, step.args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HALL_TEST_REPORTS: reports },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`=== ${step.name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s ===`);
  if (step.report && !count(step.report) && ok) {
    console.log(`(no report from ${step.name}: counting it as failed)`);
    totals.failed += 1;
    failedSteps.push(step.name);
  }
  if (!ok) {
    failedSteps.push(step.name);
    if (!step.report) totals.failed += 1; // a failed lint/typecheck/build counts as one failure
  }
}

console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length > 0 || totals.failed > 0 ? 1 : 0);
