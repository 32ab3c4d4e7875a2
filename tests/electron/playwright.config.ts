import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';

/**
 * The Electron console driven by Playwright's _electron (`npm run test:electron`). Runs only
 * where an Electron binary exists; elsewhere global setup marks it SKIPPED (see global-setup.ts).
 */
const reports = process.env['HALL_TEST_REPORTS'] ?? fileURLToPath(new URL('../.artifacts', import.meta.url));

export default defineConfig({
  testDir: fileURLToPath(new URL('.', import.meta.url)),
  testMatch: '*.spec.ts',
  outputDir: fileURLToPath(new URL('../../test-results/electron', import.meta.url)),
  globalSetup: fileURLToPath(new URL('./global-setup.ts', import.meta.url)),
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: `${reports}/electron.json` }]],
});
