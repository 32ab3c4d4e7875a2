import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Locator, Page } from '@playwright/test';
import { expect, login, test } from './fixtures';
import { freshDataDir, loginToken, rpc, startHost, type RunningHost } from '../fixtures/web-host-process';

/**
 * The map room with the network blocked: everything not served by the console's own host is
 * aborted, so whatever is drawn comes from the offline basemap and the console's data.
 */
async function openMap(page: Page, origin: string): Promise<Locator> {
  const foreign: string[] = [];
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.route('**', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    foreign.push(url);
    return route.abort('internetdisconnected');
  });
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('shell')).toBeVisible();
  await page.getByTestId('nav-map').click();
  const room = page.getByTestId('map-room');
  await expect(room).toHaveAttribute('data-state', 'ready');
  await expect(room).toHaveAttribute('data-moving', 'false');
  expect(foreign, 'the map must not fetch anything from elsewhere').toEqual([]);
  expect(pageErrors).toEqual([]);
  return room;
}

/** Waits until the map has drawn again after `action` (its idle counter moved). */
async function afterRedraw(room: Locator, action: () => Promise<unknown>): Promise<void> {
  const before = Number(await room.getAttribute('data-idle'));
  await action();
  await expect.poll(async () => Number(await room.getAttribute('data-idle'))).toBeGreaterThan(before);
  await expect(room).toHaveAttribute('data-moving', 'false');
}

interface PixelStats {
  width: number;
  height: number;
  /** The boundary's outline blue (#5cc4ff and its antialiasing). */
  outline: number;
  /** Pixels that are neither the background nor near-black. */
  drawn: number;
  /** Pixels that differ from the second image (when one is given). */
  differ: number;
}

/** Pixel statistics of PNG screenshots, decoded in the page (no PNG library needed). */
async function pixelStats(page: Page, png: Buffer, other?: Buffer): Promise<PixelStats> {
  return page.evaluate(
    async ([a, b]) => {
      async function decode(b64: string): Promise<ImageData> {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, img.width, img.height);
      }
      const first = await decode(a);
      const second = b ? await decode(b) : null;
      let outline = 0;
      let drawn = 0;
      let differ = 0;
      const d = first.data;
      for (let i = 0; i < d.length; i += 4) {
        const [r, g, bl] = [d[i]!, d[i + 1]!, d[i + 2]!];
        if (bl > 190 && g > 150 && r < 150) outline++;
        if (r + g + bl > 60) drawn++;
        if (second) {
          const e = second.data;
          if (Math.abs(r - e[i]!) + Math.abs(g - e[i + 1]!) + Math.abs(bl - e[i + 2]!) > 30) differ++;
        }
      }
      return { width: first.width, height: first.height, outline, drawn, differ };
    },
    [png.toString('base64'), other?.toString('base64') ?? ''] as const,
  );
}

test('with the network blocked the map draws the offline district basemap', async ({ page, hall }) => {
  const room = await openMap(page, hall.url);
  const canvas = room.locator('canvas.maplibregl-canvas');
  const stats = await pixelStats(page, await canvas.screenshot());
  // The district outline is drawn: thousands of its blue pixels, and much more than a blank ground.
  expect(stats.outline).toBeGreaterThan(1500);
  expect(stats.drawn).toBeGreaterThan(stats.width * stats.height * 0.1);
  await expect(room.locator('.map-label-town').first()).toBeVisible();
  await expect(room.locator('.map-label-town', { hasText: '埔前镇' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('map-offline.png') });
  // Cluster counts are symbol text drawn locally (no glyphs): nothing was fetched (openMap checks).
  await canvas.screenshot({ path: test.info().outputPath('map-cluster-counts.png') });
});

/** Pixels within a small distance of any of `colors` (hex), counted in the page. */
async function colorPixels(page: Page, png: Buffer, colors: readonly string[]): Promise<number> {
  return page.evaluate(
    async ([b64, hexes]) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      const rgb = hexes.map((h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)] as const);
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (rgb.some(([r, g, b]) => Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - g) + Math.abs(d[i + 2]! - b) < 60)) n++;
      }
      return n;
    },
    [png.toString('base64'), colors] as const,
  );
}

/** The alert layer's legend colours (renderer/src/map/layers.ts COLORS red/orange/yellow/blue). */
const ALERT_COLORS = ['#ff3b48', '#ff9640', '#ffe14d', '#3d8bff'] as const;

test('a storm from the district simulator raises alerts whose CAP areas are drawn on the map', async ({ page, hall }) => {
  const room = await openMap(page, hall.url);
  const canvas = room.locator('canvas.maplibregl-canvas');
  const alertCount = room.locator('[data-testid="layer-count"][data-layer="alerts"]');
  // Only the alerts are drawn over the basemap: the other point layers share their colours.
  for (const layer of ['stations', 'sensors', 'cameras']) await room.locator(`[data-testid="layer-toggle"][data-layer="${layer}"]`).uncheck();
  await expect(room).toHaveAttribute('data-moving', 'false');
  const alertsBefore = Number(await alertCount.textContent());
  const baseline = await colorPixels(page, await canvas.screenshot(), ALERT_COLORS);

  // The storm is started by the test process on the in-process simulator's control endpoint.
  const token = await loginToken(hall.url, 'operator', 'operator123');
  const status = await rpc<{ url: string | null }>(hall.url, 'link.status', {}, token);
  if (!status.body.ok || !status.body.value.url) throw new Error(`no simulator URL in link.status: ${JSON.stringify(status.body)}`);
  const control = await fetch(`${status.body.value.url.replace(/\/$/, '')}/sim/control`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ command: 'storm dragon-boat 6h 20s' }),
  });
  expect(control.status, await control.clone().text()).toBe(200);
  expect(((await control.json()) as { ok: boolean }).ok).toBe(true);

  // Signals, no sleeps: the layer's count, then the alert colours on the canvas.
  await expect.poll(async () => Number(await alertCount.textContent()), { timeout: 40_000 }).toBeGreaterThan(alertsBefore);
  await expect
    .poll(async () => colorPixels(page, await canvas.screenshot(), ALERT_COLORS), { timeout: 20_000 })
    .toBeGreaterThan(baseline + 200);
  await page.screenshot({ path: test.info().outputPath('map-storm-alerts.png') });

  // Turning the alert layer off takes its colours away again.
  const drawn = await colorPixels(page, await canvas.screenshot(), ALERT_COLORS);
  await afterRedraw(room, () => room.locator('[data-testid="layer-toggle"][data-layer="alerts"]').uncheck());
  expect(await colorPixels(page, await canvas.screenshot(), ALERT_COLORS)).toBeLessThan(baseline + (drawn - baseline) / 4);
});

test('turning a layer off changes what is drawn, and back on restores it', async ({ page, hall }) => {
  const room = await openMap(page, hall.url);
  await expect.poll(async () => Number(await room.getByTestId('layer-count').and(room.locator('[data-layer="stations"]')).textContent())).toBeGreaterThan(60);
  await expect(room).toHaveAttribute('data-moving', 'false');
  const canvas = room.locator('canvas.maplibregl-canvas');
  const on = await canvas.screenshot();
  const toggle = room.locator('[data-testid="layer-toggle"][data-layer="stations"]');
  await afterRedraw(room, () => toggle.uncheck());
  const off = await canvas.screenshot();
  const changed = await pixelStats(page, on, off);
  expect(changed.differ).toBeGreaterThan(300); // 76 station dots are gone
  await afterRedraw(room, () => toggle.check());
  const back = await pixelStats(page, on, await canvas.screenshot());
  expect(back.differ).toBeLessThan(changed.differ / 4);
  await expect(room.locator('[data-testid="layer-toggle"][data-layer="shelters"]')).toBeDisabled();
});

test('searching a camera flies to it and clicking it opens its card', async ({ page, hall }) => {
  const room = await openMap(page, hall.url);
  await expect.poll(async () => Number(await room.locator('[data-testid="layer-count"][data-layer="cameras"]').textContent()), { timeout: 20_000 }).toBeGreaterThan(0);
  // Only the cameras answer the click: the other point layers are turned off.
  for (const layer of ['stations', 'sensors', 'alerts']) await room.locator(`[data-testid="layer-toggle"][data-layer="${layer}"]`).uncheck();
  const token = await loginToken(hall.url, 'operator', 'operator123');
  const cameras = await rpc<{ id: string; name: string }[]>(hall.url, 'cameras.list', {}, token);
  if (!cameras.body.ok) throw new Error(JSON.stringify(cameras.body));
  const { id, name } = cameras.body.value[0]!;
  await room.getByTestId('map-search').fill(id);
  const hit = room.getByTestId('map-search-hit').first();
  await expect(hit).toContainText(name);
  await afterRedraw(room, () => hit.click());
  const box = (await room.getByTestId('map-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const card = room.getByTestId('map-card');
  await expect(card).toHaveAttribute('data-layer', 'cameras');
  await expect(card).toHaveAttribute('data-id', id);
  await expect(card).toContainText(name);
  await expect(card.getByTestId('map-card-play')).toBeVisible();
  await expect(card.getByTestId('map-card-to-wall')).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('map-camera-card.png') });
  await card.getByTestId('map-card-close').click();
  await expect(card).toHaveCount(0);
});

test('drawing a polygon yields a closed, valid CAP polygon inside the district', async ({ page, hall }) => {
  const room = await openMap(page, hall.url);
  await room.getByTestId('map-draw-polygon').click();
  const box = (await room.getByTestId('map-canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (const [dx, dy] of [[-80, -60], [90, -40], [60, 80], [-70, 70]]) await page.mouse.click(cx + dx!, cy + dy!);
  await page.keyboard.press('Enter');
  const cap = room.getByTestId('map-cap-area');
  await expect(cap).toHaveAttribute('data-kind', 'polygon');
  const text = await cap.inputValue();
  const pairs = text.split(' ').map((p) => p.split(',').map(Number));
  expect(pairs).toHaveLength(5); // 4 vertices, closed
  expect(pairs[0]).toEqual(pairs[4]);
  for (const [lat, lon] of pairs) {
    expect(lat).toBeGreaterThan(23.4);
    expect(lat).toBeLessThan(24.0);
    expect(lon).toBeGreaterThan(114.4);
    expect(lon).toBeLessThan(115.0);
  }
  await page.screenshot({ path: test.info().outputPath('map-cap-polygon.png') });
  await page.keyboard.press('Escape');
  await expect(cap).toHaveCount(0);
});

test('named views: a town view moves the map, a saved view is listed and can be deleted; measuring a distance', async ({ page, hall }) => {
  const room = await openMap(page, hall.url);
  const views = room.getByTestId('map-views');
  await expect(views.locator('option', { hasText: '埔前镇' })).toHaveCount(1);
  const town = await views.locator('option', { hasText: '埔前镇' }).getAttribute('value');
  await afterRedraw(room, () => views.selectOption(town));
  // The town is now in the middle of the map.
  const canvas = (await room.getByTestId('map-canvas').boundingBox())!;
  const label = (await room.locator('.map-label-town', { hasText: '埔前镇' }).boundingBox())!;
  expect(Math.abs(label.x + label.width / 2 - (canvas.x + canvas.width / 2))).toBeLessThan(canvas.width * 0.15);
  expect(Math.abs(label.y - (canvas.y + canvas.height / 2))).toBeLessThan(canvas.height * 0.15);

  await room.getByTestId('map-view-name').fill('埔前值守');
  await room.getByTestId('map-view-save').click();
  await expect(views.locator('option', { hasText: '埔前值守' })).toHaveCount(1);
  const custom = await views.locator('option', { hasText: '埔前值守' }).getAttribute('value');
  await views.selectOption(custom);
  await room.getByTestId('map-view-delete').click();
  await expect(views.locator('option', { hasText: '埔前值守' })).toHaveCount(0);

  await room.getByTestId('map-measure').click();
  const box = (await room.getByTestId('map-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2 - 150, box.y + box.height / 2);
  await page.mouse.click(box.x + box.width / 2 + 150, box.y + box.height / 2);
  await page.keyboard.press('Enter');
  await expect(room.getByTestId('map-measure-result')).toHaveText(/\d+\.\d{2}/);
  const km = Number(/([\d.]+)/.exec((await room.getByTestId('map-measure-result').textContent())!)![1]);
  expect(km).toBeGreaterThan(0.2);
  expect(km).toBeLessThan(20);
  await room.getByTestId('map-tool-cancel').click();
  await expect(room.getByTestId('map-tool-box')).toHaveCount(0);
});

/** A console with an online basemap configured whose tiles cannot be reached (the network is blocked). */
const withOnlineBasemap = test.extend<{ hall: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as an object pattern
  hall: async ({}, use) => {
    const dir = freshDataDir('hall-e2e-map-');
    const config = path.join(dir, 'hall.yaml');
    fs.writeFileSync(config, YAML.stringify({ map: { basemaps: [{ id: 'tianditu', name: '天地图影像', kind: 'xyz', url: 'https://t0.tianditu.invalid/{z}/{x}/{y}.png' }] } }));
    const host = await startHost(['--demo', '--config', config], { dataDir: path.join(dir, 'data') });
    await use(host);
    await host.stop();
  },
});

withOnlineBasemap('a failing online basemap falls back to the offline one with a notice, never a blank map', async ({ page, hall }) => {
  const room = await openMap(page, hall.url);
  const picker = room.getByTestId('map-basemap');
  await expect(picker.locator('option')).toHaveCount(2);
  await picker.selectOption('tianditu');
  await expect(room.getByTestId('map-notice')).toContainText('天地图影像');
  await expect(room).toHaveAttribute('data-basemap', 'offline');
  await expect(picker).toHaveValue('offline');
  await expect(room).toHaveAttribute('data-moving', 'false');
  const stats = await pixelStats(page, await room.locator('canvas.maplibregl-canvas').screenshot());
  expect(stats.outline).toBeGreaterThan(1500); // the district is still drawn
  await page.screenshot({ path: test.info().outputPath('map-basemap-fallback.png') });
});
