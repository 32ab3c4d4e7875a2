import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, type Browser, type Page } from '@playwright/test';
import { loginToken, rpc } from '../fixtures/web-host-process';
import { test as hallTest } from './fixtures';

/**
 * An incident from escalation to the situation report, in two browsers: an operator escalates an
 * orange alert at the alert desk; the incident appears in the commander's decision room; the
 * commander raises it to Ⅲ in the incidents room and its checklist appears; the operator records
 * evacuation for two villages and both screens' totals follow live; the PDF report names the
 * incident and its totals (read back with pdftotext).
 */

const TOWN = '441602101000'; // 埔前镇
const V1 = `${TOWN.slice(0, 9)}201`;
const V2 = `${TOWN.slice(0, 9)}202`;

async function open(browser: Browser, baseURL: string, username: string, password: string, path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1600, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/login?redirect=${encodeURIComponent(path)}`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  return { page, errors };
}

hallTest('an escalated alert becomes an incident the decision room runs: level Ⅲ, checklist, evacuation totals live, PDF report', async ({ browser, hall }) => {
  hallTest.setTimeout(120_000);
  const token = await loginToken(hall.url, 'operator', 'operator123');
  const created = await rpc<{ id: string }>(hall.url, 'alerts.create', { level: 'orange', type: 'flood', headline: '埔前镇东江支流水位超警（演示测试）', stationCode: TOWN }, token);
  expect(created.body.ok, JSON.stringify(created.body)).toBe(true);
  if (!created.body.ok) return;
  const alertId = created.body.value.id;

  const cmd = await open(browser, hall.url, 'commander', 'commander123', '/decision');
  await expect(cmd.page.getByTestId('decision-room')).toBeVisible();

  // The operator escalates it at the desk.
  const op = await open(browser, hall.url, 'operator', 'operator123', '/alerts');
  const desk = op.page.getByTestId('alert-desk');
  await expect(desk).toHaveAttribute('data-state', 'ready');
  await desk.locator(`[data-testid="alert-row"][data-id="${alertId}"]`).click();
  await desk.getByTestId('alert-detail').getByTestId('alert-escalate').click();
  await op.page.getByTestId('action-text').fill('水位持续上涨，启动事件处置');
  await op.page.getByTestId('dialog-submit').click();
  await expect(op.page.getByTestId('alert-notice')).toContainText('INC-');
  const incidentId = /INC-\d{8}-[0-9a-f]{8}/.exec((await op.page.getByTestId('alert-notice').textContent()) ?? '')![0];

  // It appears in the decision room without a reload (beside the demo's own incident), with the
  // escalation's level proposal queued.
  const incidentButton = cmd.page.locator(`[data-testid="decision-incident"][data-id="${incidentId}"]`);
  await expect(incidentButton).toBeVisible({ timeout: 15_000 });
  await incidentButton.click();
  await expect(cmd.page.getByTestId('queue-proposal').filter({ hasText: '埔前镇东江支流水位超警' })).toHaveCount(1);

  // The commander raises it to Ⅲ in the incidents room: the checklist appears.
  const cmdRoom = await open(browser, hall.url, 'commander', 'commander123', '/incidents');
  await cmdRoom.page.locator(`[data-testid="incident-row"][data-id="${incidentId}"]`).click();
  const detail = cmdRoom.page.getByTestId('incident-detail');
  await detail.getByTestId('incident-level-set').click();
  await cmdRoom.page.locator('[data-testid="level-option"][data-level="III"]').click();
  await cmdRoom.page.getByTestId('level-reason').fill('降雨持续，启动Ⅲ级应急响应');
  await cmdRoom.page.getByTestId('dialog-submit').click();
  await expect(detail).toHaveAttribute('data-level', 'III');
  await detail.getByTestId('incident-tab-checklist').click();
  await expect(detail.getByTestId('checklist-item').first()).toBeVisible();
  expect(await detail.getByTestId('checklist-item').count()).toBeGreaterThan(3);
  await expect(cmd.page.getByTestId('decision-kpi-level')).toHaveAttribute('data-value', 'III');

  // The operator records evacuation for two villages; both screens' totals follow.
  await op.page.getByTestId('nav-incidents').click();
  await op.page.locator(`[data-testid="incident-row"][data-id="${incidentId}"]`).click();
  const opDetail = op.page.getByTestId('incident-detail');
  await opDetail.getByTestId('incident-tab-evacuation').click();
  for (const [code, toMove, moved] of [[V1, 120, 80], [V2, 60, 60]] as const) {
    await opDetail.getByTestId('evac-village').selectOption(code);
    await opDetail.getByTestId('evac-tomove').fill(String(toMove));
    await opDetail.getByTestId('evac-moved').fill(String(moved));
    await opDetail.getByTestId('evac-shelter').fill('埔前镇中心小学');
    await opDetail.getByTestId('evac-status').selectOption('evacuate');
    await opDetail.getByTestId('evac-save').click();
    await expect(opDetail.locator(`[data-testid="evac-row"][data-code="${code}"]`)).toBeVisible();
  }
  await expect(opDetail.getByTestId('evac-total-moved')).toHaveText('140');
  await expect(opDetail.getByTestId('evac-total-tomove')).toHaveText('180');
  await expect(cmd.page.getByTestId('decision-kpi-moved')).toHaveAttribute('data-value', '140');
  await expect(cmd.page.getByTestId('decision-kpi-tomove')).toHaveAttribute('data-value', '180');
  await cmd.page.screenshot({ path: hallTest.info().outputPath('decision.png') });

  // One click makes the situation report; the PDF names the incident and its totals.
  await opDetail.getByTestId('incident-tab-reports').click();
  const download = op.page.waitForEvent('download');
  await opDetail.getByTestId('incident-report').click();
  const file = hallTest.info().outputPath('report.pdf');
  await (await download).saveAs(file);
  expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(text).toContain('埔前镇东江支流水位超警');
  expect(text).toMatch(/140/);
  expect(text).toMatch(/180/);
  await expect(opDetail.getByTestId('report-row')).toHaveCount(1);
  expect([...op.errors, ...cmd.errors, ...cmdRoom.errors]).toEqual([]);
  await Promise.all([op, cmd, cmdRoom].map((s) => s.page.context().close()));
});
