import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, login, simulatorUrl, test } from './fixtures';
import { loginToken, rpc } from '../fixtures/web-host-process';

/**
 * The alert desk against a demo host with the in-process district simulator: a storm's alerts
 * reach an open desk within a second of the simulator raising them, and the operator works them
 * with the keyboard and the buttons; manual entry; CAP import (invalid, then valid) and export.
 */

interface SimAlert {
  identifier: string;
  msgType: string;
  info: { headline?: string }[];
}


async function simAlerts(sim: string): Promise<SimAlert[]> {
  const res = await fetch(`${sim}/sim/state`);
  const state = (await res.json()) as { alert?: Record<string, SimAlert> };
  return Object.values(state.alert ?? {});
}

async function simControl(sim: string, command: string): Promise<void> {
  const res = await fetch(`${sim}/sim/control`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ command }) });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function openDesk(page: Page) {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('shell')).toBeVisible();
  await page.getByTestId('nav-alerts').click();
  const desk = page.getByTestId('alert-desk');
  await expect(desk).toHaveAttribute('data-state', 'ready');
  return { desk, pageErrors };
}

/** CAP times: seconds and an explicit zone, no fraction (2026-06-01T14:03:22+08:00). */
function capTime(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

function validCap(identifier: string, headline: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier>
  <sender>hyqx@heyuan.gov.cn</sender>
  <sent>${capTime(Date.now())}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <expires>${capTime(Date.now() + 6 * 3_600_000)}</expires>
    <senderName>河源市气象台</senderName>
    <headline>${headline}</headline>
    <description>预计未来3小时源城区将出现50毫米以上强降雨。</description>
    <instruction>停止户外作业，低洼地带人员注意转移。</instruction>
    <area>
      <areaDesc>源城区上城街道</areaDesc>
      <polygon>23.70,114.68 23.70,114.72 23.75,114.72 23.75,114.68 23.70,114.68</polygon>
    </area>
  </info>
</alert>`;
}

test('a storm\'s alerts reach the desk within a second; the operator acknowledges, handles and filters them', async ({ page, hall }) => {
  const { desk, pageErrors } = await openDesk(page);
  const sim = await simulatorUrl(hall.url);
  const known = new Set((await simAlerts(sim)).map((a) => a.identifier));
  // Slow enough that the alert is still open while it is worked (a fast storm cancels its alerts).
  await simControl(sim, 'storm dragon-boat 6h 90s');

  // Watch the simulator's own state for the first new chain it raises (an Alert, not an Update).
  let fresh: SimAlert | undefined;
  await expect
    .poll(
      async () => {
        fresh = (await simAlerts(sim)).find((a) => a.msgType === 'Alert' && !known.has(a.identifier));
        return fresh?.identifier ?? null;
      },
      { timeout: 40_000, intervals: [100] },
    )
    .not.toBeNull();
  // Newest first: the new alert is at the top of the list, pushed over socket.io, no reload.
  const row = desk.locator(`[data-testid="alert-row"][data-identifier="${fresh!.identifier}"]`);
  await expect(row).toBeVisible({ timeout: 1_000 });
  await page.screenshot({ path: test.info().outputPath('alerts-desk-storm.png') });

  // The storm keeps raising alerts: pin this one with the search box (/ focuses it).
  await page.keyboard.press('/');
  await page.keyboard.type(fresh!.identifier);
  await expect(desk.getByTestId('alert-row')).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'new');

  // Acknowledge with the keyboard: select it, press A.
  await row.click();
  const detail = desk.getByTestId('alert-detail');
  await expect(detail).toHaveAttribute('data-id', (await row.getAttribute('data-id'))!);
  await expect(detail.getByTestId('alert-identifier')).toHaveText(fresh!.identifier);
  await page.keyboard.press('a');
  await expect(detail).toHaveAttribute('data-state', 'acknowledged');
  await expect(row).toHaveAttribute('data-state', 'acknowledged');
  await expect(detail.getByTestId('alert-ack')).toBeDisabled();
  await expect(detail.locator('[data-testid="alert-event"][data-kind="acknowledged"]')).toHaveCount(1);
  // The acknowledgement went upstream: the simulator received one alert.ack action.
  await expect
    .poll(async () => ((await (await fetch(`${sim}/sim/status`)).json()) as { receivedActions: { type: string }[] }).receivedActions.filter((a) => a.type === 'alert.ack').length, { timeout: 10_000 })
    .toBe(1);

  // Handle with the button.
  await detail.getByTestId('alert-handle').click();
  await expect(detail).toHaveAttribute('data-state', 'handling');
  await page.screenshot({ path: test.info().outputPath('alerts-desk-detail.png') });

  // Level chips: its own level keeps it, another level hides it. The storm goes on and may raise
  // the alert's level between reading it and filtering: then the step is tried again.
  const chip = (l: string) => desk.locator(`[data-testid="filter-level"][data-level="${l}"]`);
  let level = '';
  await expect(async () => {
    level = (await row.getAttribute('data-level'))!;
    await chip(level).click();
    try {
      await expect(desk.getByTestId('alert-row')).toHaveCount(1, { timeout: 3_000 });
    } finally {
      await chip(level).click();
    }
  }).toPass({ timeout: 30_000 });
  const other = ['blue', 'yellow', 'orange', 'red'].find((l) => l !== level)!;
  await chip(other).click();
  await expect(desk.getByTestId('alert-row')).toHaveCount(0);

  // Over the whole storm: only rows of the chosen level are left, and fewer than all.
  await desk.getByTestId('filter-reset').click();
  await expect(desk.getByTestId('alert-row').first()).toBeVisible();
  await desk.locator(`[data-testid="filter-level"][data-level="${level}"]`).click();
  const count = desk.getByTestId('alerts-count');
  await expect(desk.getByTestId('alert-row').first()).toHaveAttribute('data-level', level);
  for (const l of await desk.getByTestId('alert-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-level')))) expect(l).toBe(level);
  expect(Number(await count.getAttribute('data-visible'))).toBeLessThanOrEqual(Number(await count.getAttribute('data-total')));
  expect(pageErrors).toEqual([]);
});

/** Whether the alarm's audio element is playing, and at which level. */
async function alarm(page: Page): Promise<{ playing: boolean; level: string | null }> {
  return page.getByTestId('alert-alarm').evaluate((el) => ({ playing: !(el as HTMLAudioElement).paused, level: el.getAttribute('data-level') }));
}

test('manual entry rings until acknowledged; an invalid CAP import lists its problems, a valid one is imported, exported and closed', async ({ page, hall }) => {
  // A quiet district: the simulator stops, and what it raised so far is acknowledged, so only
  // this test's alerts ring.
  const sim = await simulatorUrl(hall.url);
  const token = await loginToken(hall.url, 'operator', 'operator123');
  await simControl(sim, 'stop');
  const open = await rpc<{ items: { id: string }[] }>(hall.url, 'alerts.list', { state: 'new', limit: 5000 }, token);
  for (const a of open.body.ok ? open.body.value.items : []) await rpc(hall.url, 'alerts.ack', { id: a.id }, token);
  const { desk, pageErrors } = await openDesk(page);
  await expect.poll(async () => (await alarm(page)).playing).toBe(false);

  // A manual alert.
  await desk.getByTestId('alert-create').click();
  const create = page.getByTestId('alert-create-dialog');
  await create.locator('input[data-level="orange"]').check({ force: true });
  await create.getByTestId('create-type').selectOption('waterlog');
  await create.getByTestId('create-headline').fill('东源路下穿隧道积水（电话报告）');
  await create.getByTestId('create-description').fill('市民来电：隧道积水约40厘米，车辆受阻。');
  await create.getByTestId('create-station').selectOption('441602101000');
  await create.getByTestId('dialog-submit').click();
  await expect(create).toHaveCount(0);
  const detail = desk.getByTestId('alert-detail');
  await expect(detail).toContainText('东源路下穿隧道积水（电话报告）');
  await expect(detail).toHaveAttribute('data-level', 'orange');
  await expect(detail).toHaveAttribute('data-state', 'new');
  const manualId = (await detail.getAttribute('data-id'))!;
  await expect(desk.locator(`[data-testid="alert-row"][data-id="${manualId}"]`)).toBeVisible();
  // It rings with the orange sound until acknowledged (A).
  await expect.poll(() => alarm(page)).toEqual({ playing: true, level: 'orange' });
  await page.keyboard.press('a');
  await expect(detail).toHaveAttribute('data-state', 'acknowledged');
  await expect.poll(async () => (await alarm(page)).playing).toBe(false);

  // An invalid CAP document: every problem is listed.
  await desk.getByTestId('alert-import').click();
  const dialog = page.getByTestId('alert-import-dialog');
  await dialog.getByTestId('import-xml').fill(
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>BAD-1</identifier><sent>yesterday</sent><status>Maybe</status><msgType>Alert</msgType><scope>Public</scope><info><category>Met</category><event>暴雨</event><urgency>Soon</urgency><severity>Severe</severity><certainty>Likely</certainty><area><areaDesc>x</areaDesc><polygon>23.7,114.7 23.8,114.8</polygon></area></info></alert>',
  );
  await dialog.getByTestId('dialog-submit').click();
  const problems = dialog.getByTestId('cap-problem');
  await expect(problems.first()).toBeVisible();
  const n = await problems.count();
  expect(n).toBeGreaterThanOrEqual(3); // sender missing, sent, status, urgency, polygon…
  await expect(dialog.getByTestId('import-error')).toContainText(String(n));
  await page.screenshot({ path: test.info().outputPath('alerts-desk-cap-invalid.png') });

  // A valid one is imported and selected, its area drawn on the detail map.
  const identifier = `E2E-CAP-${Date.now()}`;
  await dialog.getByTestId('import-xml').fill(validCap(identifier, '河源市气象台发布暴雨橙色预警（演练导入）'));
  await dialog.getByTestId('dialog-submit').click();
  await expect(dialog).toHaveCount(0);
  await expect(detail.getByTestId('alert-identifier')).toHaveText(identifier);
  await expect(detail).toHaveAttribute('data-level', 'orange');
  await expect(detail.getByTestId('alert-map')).toHaveAttribute('data-state', 'ready');
  await expect(desk.locator(`[data-testid="alert-row"][data-identifier="${identifier}"]`)).toHaveAttribute('data-level', 'orange');
  await page.screenshot({ path: test.info().outputPath('alerts-desk-imported.png') });

  // Exported as a CAP file.
  const download = page.waitForEvent('download');
  await detail.getByTestId('alert-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.xml$/);
  expect(fs.readFileSync(await file.path(), 'utf8')).toContain(identifier);

  // Closed with C, which asks for a resolution; afterwards only export is left.
  await page.keyboard.press('c');
  const close = page.getByTestId('alert-close-dialog');
  await close.getByTestId('action-text').fill('经核实为演练导入，已关闭');
  await close.getByTestId('dialog-submit').click();
  await expect(close).toHaveCount(0);
  await expect(detail).toHaveAttribute('data-state', 'closed');
  await expect(detail.getByTestId('alert-resolution')).toHaveText('经核实为演练导入，已关闭');
  for (const id of ['alert-ack', 'alert-handle', 'alert-close', 'alert-escalate']) await expect(detail.getByTestId(id)).toBeDisabled();
  await expect(detail.getByTestId('alert-export')).toBeEnabled();
  await expect(detail.locator('[data-testid="alert-event"][data-kind="closed"]')).toHaveCount(1);
  expect(pageErrors).toEqual([]);
});
