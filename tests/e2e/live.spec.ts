import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { freshDataDir, startHost, type RunningHost } from '../fixtures/web-host-process';

let host: RunningHost;

test.beforeEach(async () => {
  // A fast demo: a village link drops or returns every 300 ms, so the push is seen quickly.
  const dir = freshDataDir();
  const config = path.join(dir, 'hall.yaml');
  fs.writeFileSync(config, 'simulator:\n  stationFlapSeconds: 0.3\n');
  host = await startHost(['--demo', '--config', config], { dataDir: path.join(dir, 'data') });
});

test.afterEach(async () => {
  await host.stop();
});

test('a village going offline or online reaches an open console without a reload', async ({ page }) => {
  await page.goto(`${host.url}/login`);
  await page.getByTestId('login-username').fill('operator');
  await page.getByTestId('login-password').fill('operator123');
  await page.getByTestId('login-submit').click();
  const villages = page.locator('[data-testid="station-node"][data-level="village"]');
  await expect(villages).toHaveCount(68);
  const before = await villages.evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-code')}=${n.getAttribute('data-online')}`).join(','));
  // The page never reloads: the change must arrive over socket.io and be applied to the store.
  await page.waitForFunction(
    (snapshot) =>
      Array.from(document.querySelectorAll('[data-testid="station-node"][data-level="village"]'))
        .map((n) => `${n.getAttribute('data-code')}=${n.getAttribute('data-online')}`)
        .join(',') !== snapshot,
    before,
  );
  // Read the tile and the tree in one tick (the demo keeps flapping), then they must agree.
  const { kpiOffline, offlineNodes } = await page.evaluate(() => ({
    kpiOffline: Number(document.querySelector('[data-testid="kpi-offline"]')?.getAttribute('data-value')),
    offlineNodes: document.querySelectorAll('[data-testid="station-node"][data-level="village"][data-online="false"]').length,
  }));
  expect(kpiOffline).toBe(offlineNodes);
});
