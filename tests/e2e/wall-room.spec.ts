import type { Page } from '@playwright/test';
import { expect, login, test } from './fixtures';
import { loginToken, rpc } from '../fixtures/web-host-process';

/**
 * The operators' video-wall room against a demo host: scenes by button and by hotkey change the
 * mirror and make the wall a manual override; a region gets a camera from the picker; PTZ on a
 * camera without a PTZ route says so; 恢复排班 returns to the default; a red alert takes the
 * wall over (应急接管 with its headline) and acknowledging it hands the wall back.
 */

interface Camera {
  id: string;
  name: string;
  online: boolean;
  ptz: boolean;
}

/** Demo storms may raise red alerts on their own: acknowledge every new one so none holds the wall. */
async function ackNewRed(url: string, token: string): Promise<void> {
  const list = await rpc<{ items: { id: string }[] }>(url, 'alerts.list', { state: 'new', level: 'red', limit: 5000 }, token);
  if (!list.body.ok) throw new Error(`alerts.list failed: ${JSON.stringify(list.body)}`);
  for (const a of list.body.value.items) {
    const r = await rpc(url, 'alerts.ack', { id: a.id }, token);
    if (!r.body.ok) throw new Error(`alerts.ack ${a.id} failed: ${JSON.stringify(r.body)}`);
  }
}

async function openRoom(page: Page) {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('shell')).toBeVisible();
  await page.getByTestId('nav-wall').click();
  await expect(page.getByTestId('wall-room')).toHaveAttribute('data-state', 'ready');
  return pageErrors;
}

test('an operator switches scenes by button and hotkey, sets a camera, reverts, and sees a red alert take the wall', async ({ page, hall }) => {
  const token = await loginToken(hall.url, 'operator', 'operator123');
  await ackNewRed(hall.url, token);
  const pageErrors = await openRoom(page);

  const status = page.getByTestId('wall-status');
  const sceneName = page.getByTestId('wall-scene-name');
  const mirror = page.getByTestId('wall-mirror');
  const screen = (id: string) => mirror.locator(`[data-testid="mirror-screen"][data-screen="${id}"]`);
  const region = (screenId: string, regionId: string) => mirror.locator(`[data-testid="mirror-region"][data-screen="${screenId}"][data-region="${regionId}"]`);

  // The demo wall: three screens, the default scene 日常值守 (screen 1: one large and five small).
  await expect(status).toHaveAttribute('data-source', 'default');
  await expect(page.getByTestId('wall-source')).toHaveText('默认');
  await expect(sceneName).toHaveText('日常值守');
  await expect(mirror.getByTestId('mirror-screen')).toHaveCount(3);
  await expect(screen('wall-1')).toHaveAttribute('data-layout', 'main-side');
  await expect(region('wall-1', 'main')).toHaveAttribute('data-span', '2x2');
  await expect(region('wall-1', 'main')).toHaveAttribute('data-kind', 'map');
  await expect(page.getByTestId('wall-revert')).toHaveCount(0);

  // 森林火灾 with its button: the mirror follows (s5 becomes the clock), the source says 人工指定.
  await page.locator('[data-testid="scene-btn"][data-scene="forest-fire"]').click();
  await expect(status).toHaveAttribute('data-source', 'override');
  await expect(page.getByTestId('wall-source')).toHaveText('人工指定');
  await expect(sceneName).toHaveText('森林火灾');
  await expect(region('wall-1', 's5')).toHaveAttribute('data-kind', 'clock');
  await expect(page.locator('[data-testid="scene-btn"][data-scene="forest-fire"]')).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('wall-revert')).toBeVisible();

  // Hotkey 2: 三防Ⅳ级响应 (screen 1 becomes a single map, screen 2 four videos).
  await page.keyboard.press('2');
  await expect(sceneName).toHaveText('三防Ⅳ级响应');
  await expect(screen('wall-1')).toHaveAttribute('data-layout', 'full');
  await expect(screen('wall-2')).toHaveAttribute('data-layout', 'grid-2x2');
  await expect(page.locator('[data-testid="scene-btn"][data-scene="flood-iv"]')).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('wall-source')).toHaveText('人工指定');

  // A camera for screen 2's first region, from the picker (searched by name).
  const cams = await rpc<Camera[]>(hall.url, 'video.cameras.list', {}, token);
  if (!cams.body.ok) throw new Error(JSON.stringify(cams.body));
  const current = await region('wall-2', 'r1').getAttribute('data-camera');
  const target = cams.body.value.find((c) => c.online && c.id !== current && !c.ptz) ?? cams.body.value.find((c) => c.id !== current)!;
  await region('wall-2', 'r1').click();
  const editor = page.getByTestId('region-editor');
  await expect(editor).toHaveAttribute('data-region', 'r1');
  await page.getByTestId('camera-search').fill(target.name);
  const row = editor.locator(`[data-testid="camera-row"][data-camera="${target.id}"]`);
  await row.getByTestId('camera-choose').click();
  await expect(region('wall-2', 'r1')).toHaveAttribute('data-camera', target.id);
  await expect(region('wall-2', 'r1')).toContainText(target.name);
  await expect(editor.getByTestId('region-current')).toHaveText(target.name);

  // PTZ on a camera with a PTZ head: the demo steers it on its simulated Pelco-D bus (which, like a
  // real one, now and then refuses a write: then a clear message, no crash).
  const ptzCam = cams.body.value.find((c) => c.ptz);
  if (ptzCam) {
    await page.getByTestId('camera-search').fill(ptzCam.name);
    await editor.locator(`[data-testid="camera-row"][data-camera="${ptzCam.id}"]`).click();
    const pad = page.getByTestId('ptz-pad');
    await expect(pad).toHaveAttribute('data-camera', ptzCam.id);
    const up = pad.locator('[data-testid="ptz-dir"][data-action="up"]');
    await up.hover();
    await page.mouse.down();
    await expect(pad).toHaveAttribute('data-active', 'up');
    await page.mouse.up();
    await expect(pad).toHaveAttribute('data-active', '');
    // The simulated bus refuses ~3 % of writes: the press and the release may each go either way,
    // so the pad can show both the route of one and the error of the other.
    await expect(page.locator('[data-testid="ptz-via"][data-via="pelco-d"], [data-testid="ptz-error"]').first()).toBeVisible();
    if (await page.getByTestId('ptz-error').isVisible()) await expect(page.getByTestId('ptz-error')).toContainText('模拟故障');
    else await expect(page.getByTestId('ptz-via')).toHaveText('经 Pelco-D');
  }
  await page.screenshot({ path: test.info().outputPath('wall-room-override.png') });

  // 恢复排班: no schedule window in the demo, so back to the default scene.
  await page.getByTestId('wall-revert').click();
  await expect(status).toHaveAttribute('data-source', 'default');
  await expect(sceneName).toHaveText('日常值守');
  await expect(screen('wall-1')).toHaveAttribute('data-layout', 'main-side');
  await expect(page.getByTestId('wall-revert')).toHaveCount(0);

  // A red manual alert takes the wall over; the room shows it in red with the headline.
  const headline = `E2E 红色预警：视频墙接管测试 ${Date.now()}`;
  const created = await rpc<{ id: string }>(hall.url, 'alerts.create', { level: 'red', type: 'flood', headline }, token);
  if (!created.body.ok) throw new Error(JSON.stringify(created.body));
  await expect(status).toHaveAttribute('data-source', 'takeover');
  await expect(page.getByTestId('wall-source')).toHaveText('应急接管');
  await expect(page.getByTestId('wall-takeover')).toContainText(headline);
  await expect(sceneName).toHaveText('应急接管');
  await page.screenshot({ path: test.info().outputPath('wall-room-takeover.png') });

  // Acknowledging it (and any red alert a demo storm raised meanwhile) hands the wall back.
  const acked = await rpc(hall.url, 'alerts.ack', { id: created.body.value.id }, token);
  expect(acked.body.ok).toBe(true);
  await ackNewRed(hall.url, token);
  await expect(status).toHaveAttribute('data-source', 'default');
  await expect(page.getByTestId('wall-takeover')).toHaveCount(0);
  await expect(sceneName).toHaveText('日常值守');
  expect(pageErrors).toEqual([]);
});

test('an operator saves the wall as a scene with another layout and deletes it', async ({ page, hall }) => {
  const token = await loginToken(hall.url, 'operator', 'operator123');
  await ackNewRed(hall.url, token);
  const pageErrors = await openRoom(page);
  await page.getByTestId('scene-save-as').click();
  const dialog = page.getByTestId('scene-save-dialog');
  await dialog.getByTestId('scene-name').fill('夜间值守');
  await dialog.getByTestId('scene-hotkey').selectOption('5');
  await dialog.locator('[data-testid="scene-layout"][data-screen="wall-2"]').selectOption('grid-4x4');
  await page.screenshot({ path: test.info().outputPath('wall-room-save-dialog.png') });
  await dialog.getByTestId('dialog-submit').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('wall-scene-name')).toHaveText('夜间值守');
  await expect(page.getByTestId('wall-status')).toHaveAttribute('data-source', 'override');
  const mirror = page.getByTestId('wall-mirror');
  await expect(mirror.locator('[data-testid="mirror-screen"][data-screen="wall-2"]')).toHaveAttribute('data-layout', 'grid-4x4');
  await expect(mirror.locator('[data-testid="mirror-region"][data-screen="wall-2"]')).toHaveCount(16);
  await page.screenshot({ path: test.info().outputPath('wall-room-saved-scene.png') });

  // Its hotkey applies it again after another scene; it cannot be deleted while on the wall.
  await page.keyboard.press('1');
  await expect(page.getByTestId('wall-scene-name')).toHaveText('日常值守');
  await page.keyboard.press('5');
  await expect(page.getByTestId('wall-scene-name')).toHaveText('夜间值守');
  await page.keyboard.press('1');
  await expect(page.getByTestId('wall-scene-name')).toHaveText('日常值守');
  const saved = page.locator('[data-testid="scene-btn"]', { hasText: '夜间值守' });
  const id = await saved.getAttribute('data-scene');
  await page.locator(`[data-testid="scene-delete"][data-scene="${id}"]`).click();
  await page.getByTestId('scene-delete-dialog').getByTestId('dialog-submit').click();
  await expect(saved).toHaveCount(0);
  const scenes = await rpc<{ id: string }[]>(hall.url, 'wall.scenes.list', {}, token);
  expect(scenes.body.ok && scenes.body.value.some((s) => s.id === id)).toBe(false);
  // Built-in scenes offer no delete.
  await expect(page.locator('[data-testid="scene-delete"][data-scene="daily"]')).toHaveCount(0);

  // The schedule: a window around now (hall time, Asia/Shanghai; it may run overnight) for 森林火灾.
  const hm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const now = new Date();
  const minutes = (now.getUTCHours() * 60 + now.getUTCMinutes() + 480) % 1440;
  await page.getByTestId('tab-schedule').click();
  const schedule = page.getByTestId('wall-schedule');
  await expect(schedule).toHaveAttribute('data-state', 'ready');
  await schedule.getByTestId('schedule-add').click();
  const entry = schedule.getByTestId('schedule-entry');
  await entry.getByTestId('schedule-scene').selectOption('forest-fire');
  await entry.getByTestId('schedule-from').fill(hm((minutes + 1440 - 60) % 1440));
  await entry.getByTestId('schedule-to').fill(hm((minutes + 120) % 1440));
  await page.screenshot({ path: test.info().outputPath('wall-room-schedule.png') });
  await schedule.getByTestId('schedule-save').click();
  await expect(page.getByTestId('wall-notice')).toHaveText('排班已保存');
  const saved2 = await rpc<{ entries: { sceneId: string }[] }>(hall.url, 'wall.schedule.get', {}, token);
  expect(saved2.body.ok && saved2.body.value.entries.map((e) => e.sceneId)).toEqual(['forest-fire']);
  // The manual 日常值守 still holds the wall; 恢复排班 hands it to the schedule.
  await expect(page.getByTestId('wall-source')).toHaveText('人工指定');
  await page.getByTestId('wall-revert').click();
  await expect(page.getByTestId('wall-status')).toHaveAttribute('data-source', 'schedule');
  await expect(page.getByTestId('wall-source')).toHaveText('排班');
  await expect(page.getByTestId('wall-scene-name')).toHaveText('森林火灾');
  expect(pageErrors).toEqual([]);
});
