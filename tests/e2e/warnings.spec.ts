import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { freshDataDir, loginToken, rpc, startHost, type RunningHost } from '../fixtures/web-host-process';

/**
 * Warning release as the hall does it, in two browsers: an operator drafts a 暴雨橙色预警 for
 * two towns from the template, submits it; a commander on another PC approves it; exactly those
 * towns' simulated terminals play and succeed, the duty persons get SMS, the progress bar reaches
 * 100 % and the report shows coverage per town. A terminal told to fail shows failed with its reason.
 */

const T1 = '441602001000'; // 上城街道
const T2 = '441602100000'; // 源南镇
let host: RunningHost;

test.beforeEach(async () => {
  const dir = freshDataDir();
  const config = path.join(dir, 'hall.yaml');
  // Terminals play 60× faster than real time and the network reports SMS at once: the test
  // follows a real release in seconds. Retries are quick so the failing terminal settles fast.
  fs.writeFileSync(config, 'simulator:\n  terminalSpeed: 60\n  smsReportMs: 50\n  deviceTroubleMinutes: 0\nwarnings:\n  retryMinSeconds: 0.2\n  retryMaxSeconds: 0.5\n');
  host = await startHost(['--demo', '--config', config], { dataDir: path.join(dir, 'data') });
});

test.afterEach(async () => {
  await host.stop();
});

async function signIn(browser: Browser, username: string, password: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: host.url, viewport: { width: 1600, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('shell')).toBeVisible();
  await page.getByTestId('nav-warnings').click();
  await expect(page.getByTestId('warnings-room')).toBeVisible();
  return { page, errors };
}

test('an operator drafts a 暴雨橙色预警 for two towns, a commander approves, the release reaches exactly those towns', async ({ browser }) => {
  test.setTimeout(120_000);
  const token = await loginToken(host.url, 'operator', 'operator123');
  // One village terminal of 上城街道 refuses every start.
  const failing = `${T1.slice(0, 9)}004`;
  expect((await rpc(host.url, 'devices.simulate', { id: `speaker-${failing}`, mode: 'refuse' }, token)).body.ok).toBe(true);

  const op = await signIn(browser, 'operator', 'operator123');
  await op.page.getByTestId('warning-create').click();
  const form = op.page.getByTestId('warning-compose');
  await form.getByTestId('compose-template').selectOption('rainstorm');
  await form.locator(`[data-testid="area-town"][data-code="${T1}"]`).check();
  await form.locator(`[data-testid="area-town"][data-code="${T2}"]`).check();
  await expect(form.getByTestId('compose-title')).toHaveValue('源城区暴雨橙色预警');
  await expect(form.getByTestId('compose-text')).toHaveValue(/上城街道、源南镇/);
  await expect(form.getByTestId('compose-approval')).toHaveAttribute('data-needs', 'true');
  await form.getByTestId('compose-repeat').fill('1');
  await op.page.screenshot({ path: test.info().outputPath('compose.png') });
  await form.getByTestId('compose-save').click();

  const detail = op.page.getByTestId('warning-detail');
  await expect(detail).toHaveAttribute('data-status', 'draft');
  const id = (await detail.getAttribute('data-id'))!;
  await expect(detail.getByTestId('warning-ebm')).toHaveText(/^\d{35}$/);
  await expect(detail.locator('[data-action="approve"]')).toHaveCount(0);
  await detail.locator('[data-action="submit"]').click();
  await expect(detail).toHaveAttribute('data-status', 'submitted');

  const cmd = await signIn(browser, 'commander', 'commander123');
  await cmd.page.locator(`[data-testid="warning-row"][data-id="${id}"]`).click();
  const cmdDetail = cmd.page.getByTestId('warning-detail');
  await expect(cmdDetail).toHaveAttribute('data-status', 'submitted');
  await cmdDetail.locator('[data-action="approve"]').click();

  // Both screens follow the release live to its end.
  for (const page of [op.page, cmd.page]) {
    await expect(page.getByTestId('warning-detail')).toHaveAttribute('data-status', 'partial', { timeout: 60_000 });
  }
  await expect(op.page.getByTestId('warning-progress')).toHaveAttribute('data-percent', '100');
  const coverage = op.page.getByTestId('coverage-row');
  await expect(coverage).toHaveCount(2);
  await expect(op.page.locator(`[data-testid="coverage-row"][data-town="${T2}"] [data-testid="coverage-pct"]`)).toHaveText('100%');
  await op.page.screenshot({ path: test.info().outputPath('released.png'), fullPage: true });

  // The core's record agrees: exactly the two towns, the failing terminal failed with its reason.
  const deliveries = await rpc<{ channel: string; stationCode: string | null; townCode: string | null; state: string; lastError: string | null }[]>(host.url, 'warnings.deliveries', { id }, token);
  expect(deliveries.body.ok).toBe(true);
  if (!deliveries.body.ok) return;
  const rows = deliveries.body.value;
  expect(new Set(rows.map((d) => d.townCode))).toEqual(new Set([T1, T2]));
  const speakers = rows.filter((d) => d.channel === 'speaker');
  expect(speakers.length).toBeGreaterThan(10);
  const failed = rows.filter((d) => d.state === 'failed');
  expect(failed.map((d) => d.stationCode)).toEqual([failing]);
  expect(failed[0]!.lastError).toMatch(/13|bad.request/i);
  expect(rows.filter((d) => d.channel === 'sms').every((d) => d.state === 'confirmed')).toBe(true);
  await op.page.getByTestId('deliveries-filter').selectOption('failed');
  await expect(op.page.getByTestId('delivery-row')).toHaveCount(1);
  await expect(op.page.getByTestId('delivery-row')).toContainText(/13|bad.request/i);
  await expect(op.page.getByTestId('warning-report')).toContainText('上城街道');
  expect(op.errors).toEqual([]);
  expect(cmd.errors).toEqual([]);
  await op.page.context().close();
  await cmd.page.context().close();
});
