import path from 'node:path';
import { expect, login, test } from './fixtures';
import { test as base } from '@playwright/test';
import { freshDataDir, startHost, type RunningHost } from '../fixtures/web-host-process';
import { startSimProcess, type SimProcess } from '../fixtures/sim-district';
import { writeUpstreamConfig } from '../fixtures/link-processes';
import { simCommand } from './sim-process';

test('in demo mode the district link comes online and its details panel opens and closes', async ({ page }) => {
  await login(page, 'operator', 'operator123');
  const indicator = page.getByTestId('link-indicator');
  await expect(indicator).toHaveAttribute('data-state', 'online');
  await expect(indicator).toContainText('区平台');
  await expect(indicator).toContainText('在线');
  await expect(page.getByTestId('conn-indicator')).toHaveAttribute('data-state', 'online');
  await expect(page.getByTestId('data-as-of-banner')).toHaveCount(0);

  await indicator.click();
  const details = page.getByTestId('link-details');
  await expect(details).toBeVisible();
  await expect(details.getByTestId('link-url')).toHaveText(/^(https?|wss?):\/\//);
  await expect(details.getByTestId('link-epoch')).not.toHaveText('—');
  await expect(details.getByTestId('link-quarantine')).toBeVisible();
  await details.getByTestId('link-tab-actions').click();
  await expect(details.getByTestId('link-actions')).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(indicator).toBeFocused();
});

/** A console pointed at a simulator this test can take away: a real socket.io link, real processes. */
const linked = base.extend<{ sim: SimProcess; hall: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as an object pattern
  sim: async ({}, use) => {
    const sim = await startSimProcess(['--token', 'e2e-token']);
    await use(sim);
    await sim.stop();
  },
  hall: async ({ sim }, use) => {
    const dir = freshDataDir('hall-e2e-link-');
    const config = writeUpstreamConfig(dir, { url: sim.url, token: 'e2e-token', consoleId: 'e2e-hall' });
    const host = await startHost(['--demo', '--config', config], { dataDir: path.join(dir, 'data') });
    await use(host);
    await host.stop();
  },
  baseURL: async ({ hall }, use) => {
    await use(hall.url);
  },
});

linked('the 数据截至 banner appears while the platform is away and goes when it returns', async ({ page, sim }) => {
  await login(page, 'operator', 'operator123');
  const indicator = page.getByTestId('link-indicator');
  const banner = page.getByTestId('data-as-of-banner');
  await expect(indicator).toHaveAttribute('data-state', 'online');
  await expect(banner).toHaveCount(0);

  await simCommand(sim, 'stop');
  await expect(indicator).toHaveAttribute('data-state', /^(reconnecting|offline)$/);
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('data-state', /^(reconnecting|offline)$/);
  await expect(banner.getByTestId('data-as-of-time')).toContainText(/数据截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  // The banner's time is the core's lastAppliedAt, shown in Asia/Shanghai.
  const asOf = await banner.getAttribute('data-as-of');
  expect(asOf).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  const shanghai = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(asOf!));
  await expect(banner.getByTestId('data-as-of-time')).toContainText(`数据截至 ${shanghai}`);
  // The hall keeps working from the cache meanwhile.
  await expect(page.locator('[data-testid="station-node"][data-level="village"]')).toHaveCount(68);

  await simCommand(sim, 'start');
  await expect(indicator).toHaveAttribute('data-state', 'online');
  await expect(banner).toHaveCount(0);
});

linked('malformed changes from the platform are listed in the quarantine with their reason and raw payload', async ({ page, sim }) => {
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('link-indicator')).toHaveAttribute('data-state', 'online');
  await page.getByTestId('link-indicator').click();
  const details = page.getByTestId('link-details');
  await expect(details.getByTestId('link-quarantine-empty')).toBeVisible();

  const answer = await simCommand(sim, 'bad 2');
  const seqs = /seqs ([\d, ]+)/.exec(answer)![1]!.split(', ');
  // The open panel follows the link's counters: no refresh needed.
  const items = details.getByTestId('quarantine-item');
  await expect(items).toHaveCount(2);
  await expect(details.getByTestId('link-count-quarantined')).toHaveAttribute('data-value', '2');
  for (const seq of seqs) await expect(details.locator(`[data-testid="quarantine-item"][data-seq="${seq}"]`)).toBeVisible();
  await expect(items.first().getByTestId('quarantine-reason')).not.toBeEmpty();
  const raw = items.first().getByTestId('quarantine-raw');
  await expect(raw).toBeHidden();
  await items.first().locator('summary').click();
  await expect(raw).toContainText('"seq"');
  await expect(page.getByTestId('link-indicator')).toHaveAttribute('data-state', 'online'); // the link kept going
});

linked('a village the platform reports offline turns offline in the tree with its last contact', async ({ page, sim }) => {
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('link-indicator')).toHaveAttribute('data-state', 'online');
  const village = page.locator('[data-testid="station-node"][data-level="village"][data-online="true"]').first();
  const code = (await village.getAttribute('data-code'))!;
  const node = page.locator(`[data-testid="station-node"][data-code="${code}"]`);

  await simCommand(sim, `offline ${code}`);
  await expect(node).toHaveAttribute('data-online', 'false');
  await expect(node.getByTestId('last-contact')).toBeVisible();
  await node.click();
  await expect(page.getByTestId('detail-online')).toHaveAttribute('data-online', 'false');
  await expect(page.getByTestId('detail-last-contact')).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);

  await simCommand(sim, `online ${code}`);
  await expect(node).toHaveAttribute('data-online', 'true');
});
