import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import type { Locator, Page } from '@playwright/test';
import { expect, login, test } from './fixtures';
import { freshDataDir, startHost, type RunningHost } from '../fixtures/web-host-process';
import { fixtureRasterPmtiles, fixtureVectorPmtiles, solidPng } from '../fixtures/pmtiles-writer';

/**
 * Style-URL and PMTiles basemaps, switched in the map room: a local PMTiles archive served by the
 * console itself (/basemaps/<id>.pmtiles, byte ranges), a MapLibre style served by a loopback
 * "tile server" of the test (another origin, admitted by the CSP because it is configured), and
 * broken styles that must fall back to the offline basemap with a notice.
 */

/** The style server's tile colour: a light grey nothing else on the map has. */
const STYLE_TILE: readonly [number, number, number] = [235, 235, 235];

interface StyleServer {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

async function startStyleServer(): Promise<StyleServer> {
  const requests: string[] = [];
  const tile = solidPng(STYLE_TILE);
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    // The console's page is on another port: a tile server answers with CORS, as real ones do.
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.url === '/styles/light.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // Relative tile URLs: the renderer resolves them against the style's URL.
      return res.end(
        JSON.stringify({
          version: 8,
          name: 'test light',
          glyphs: 'https://fonts.invalid/{fontstack}/{range}.pbf',
          sources: { land: { type: 'raster', tiles: ['../tiles/{z}/{x}/{y}.png'], tileSize: 256, maxzoom: 4 } },
          layers: [
            { id: 'bg', type: 'background', paint: { 'background-color': '#ebebeb' } },
            { id: 'land', type: 'raster', source: 'land' },
          ],
        }),
      );
    }
    if (req.url?.startsWith('/tiles/')) {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      return res.end(tile);
    }
    if (req.url === '/styles/invalid.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end('{"version": 8, "sources": {');
    }
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('tile server down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const basemapTest = test.extend<{ styles: StyleServer; hall: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as an object pattern
  styles: async ({}, use) => {
    const server = await startStyleServer();
    await use(server);
    await server.close();
  },
  hall: async ({ styles }, use) => {
    const dir = freshDataDir('hall-e2e-basemaps-');
    const archive = path.join(dir, 'yuancheng.pmtiles');
    fs.writeFileSync(archive, fixtureRasterPmtiles());
    const vector = path.join(dir, 'vector.pmtiles');
    fs.writeFileSync(vector, fixtureVectorPmtiles());
    const config = path.join(dir, 'hall.yaml');
    fs.writeFileSync(
      config,
      YAML.stringify({
        map: {
          basemaps: [
            { id: 'local-tiles', name: '本地瓦片', kind: 'pmtiles', url: archive },
            { id: 'local-vector', name: '本地矢量', kind: 'pmtiles', url: `file://${vector}` },
            { id: 'light', name: '浅色样式', kind: 'style', url: `${styles.origin}/styles/light.json` },
            { id: 'down', name: '故障样式', kind: 'style', url: `${styles.origin}/styles/down.json` },
            { id: 'garbled', name: '损坏样式', kind: 'style', url: `${styles.origin}/styles/invalid.json` },
          ],
        },
      }),
    );
    const host = await startHost(['--demo', '--config', config], { dataDir: path.join(dir, 'data') });
    await use(host);
    await host.stop();
  },
});

async function openMap(page: Page, errors: string[]): Promise<Locator> {
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused/i.test(message.text())) errors.push(message.text());
  });
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('shell')).toBeVisible();
  await page.getByTestId('nav-map').click();
  const room = page.getByTestId('map-room');
  await expect(room).toHaveAttribute('data-state', 'ready');
  await expect(room).toHaveAttribute('data-moving', 'false');
  return room;
}

interface Pixels {
  total: number;
  /** The PMTiles fixture's district tile (magenta), dimmed as raster imagery is. */
  magenta: number;
  /** The style server's light grey tiles. */
  grey: number;
  /** The district outline's blue (#5cc4ff). */
  outline: number;
  /** Online stations and normal sensors (#34d67f). */
  green: number;
  /** Pixels that differ from the other image, when one is given. */
  differ: number;
}

/** Counts of the colours that tell the basemaps and the operational layers apart, in the page. */
async function pixels(page: Page, png: Buffer, other?: Buffer): Promise<Pixels> {
  return page.evaluate(async ([b64, otherB64]) => {
    async function decode(data: string): Promise<ImageData> {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return ctx.getImageData(0, 0, img.width, img.height);
    }
    const image = await decode(b64);
    const d = image.data;
    const o = otherB64 ? (await decode(otherB64)).data : null;
    const counts = { total: image.width * image.height, magenta: 0, grey: 0, outline: 0, green: 0, differ: 0 };
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i]!, d[i + 1]!, d[i + 2]!];
      if (o && Math.abs(r - o[i]!) + Math.abs(g - o[i + 1]!) + Math.abs(b - o[i + 2]!) > 9) counts.differ++;
      if (r > 60 && b > 60 && g < 0.6 * Math.min(r, b) && Math.abs(r - b) < 25) counts.magenta++;
      if (r > 110 && Math.abs(r - g) < 12 && Math.abs(g - b) < 12) counts.grey++;
      if (b > 190 && g > 150 && r < 150) counts.outline++;
      if (Math.abs(r - 0x34) + Math.abs(g - 0xd6) + Math.abs(b - 0x7f) < 60) counts.green++;
    }
    return counts;
  }, [png.toString('base64'), other?.toString('base64') ?? ''] as const);
}

async function pick(room: Locator, id: string): Promise<void> {
  const before = Number(await room.getAttribute('data-idle'));
  await room.getByTestId('map-basemap').selectOption(id);
  await expect.poll(async () => Number(await room.getAttribute('data-idle'))).toBeGreaterThan(before);
  await expect(room).toHaveAttribute('data-moving', 'false');
}

basemapTest('a local PMTiles archive and a style URL draw under the operational layers', async ({ page, styles }) => {
  const errors: string[] = [];
  const room = await openMap(page, errors);
  const canvas = room.locator('canvas.maplibregl-canvas');
  await expect(room.getByTestId('map-basemap').locator('option')).toHaveCount(6);
  const offlinePng = await canvas.screenshot();
  const offline = await pixels(page, offlinePng);
  expect(offline.magenta).toBe(0);

  // PMTiles: the district sits on the fixture's magenta z2 tile (over-zoomed), read by ranges.
  const ranges: string[] = [];
  const vectorRanges: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/basemaps/local-tiles.pmtiles')) ranges.push(request.headers()['range'] ?? '');
    if (request.url().endsWith('/basemaps/local-vector.pmtiles')) vectorRanges.push(request.headers()['range'] ?? '');
  });
  await pick(room, 'local-tiles');
  await expect.poll(async () => (await pixels(page, await canvas.screenshot())).magenta / offline.total, { timeout: 15_000 }).toBeGreaterThan(0.5);
  const onPmtiles = await pixels(page, await canvas.screenshot());
  expect(onPmtiles.outline, 'the district outline stays on top').toBeGreaterThan(1500);
  expect(onPmtiles.green, 'stations and sensors stay on top').toBeGreaterThan(30);
  expect(ranges.length).toBeGreaterThan(0);
  expect(ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
  await expect(room).toHaveAttribute('data-basemap', 'local-tiles');
  await expect(room.getByTestId('map-notice')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('map-basemap-pmtiles.png') });

  // The operational layers are still the map's own: turning stations off takes their green away.
  const before = Number(await room.getAttribute('data-idle'));
  await room.locator('[data-testid="layer-toggle"][data-layer="stations"]').uncheck();
  await room.locator('[data-testid="layer-toggle"][data-layer="sensors"]').uncheck();
  await expect.poll(async () => Number(await room.getAttribute('data-idle'))).toBeGreaterThan(before);
  await expect.poll(async () => (await pixels(page, await canvas.screenshot())).green).toBeLessThan(onPmtiles.green / 3);
  await room.locator('[data-testid="layer-toggle"][data-layer="stations"]').check();
  await room.locator('[data-testid="layer-toggle"][data-layer="sensors"]').check();

  // A style URL on another origin: its relative tile URL resolved against the style, no glyphs.
  await pick(room, 'light');
  await expect.poll(async () => (await pixels(page, await canvas.screenshot())).grey / offline.total, { timeout: 15_000 }).toBeGreaterThan(0.5);
  const onStyle = await pixels(page, await canvas.screenshot());
  expect(onStyle.magenta, 'the PMTiles basemap is gone').toBeLessThan(offline.total * 0.01);
  expect(onStyle.outline).toBeGreaterThan(1500);
  expect(onStyle.green).toBeGreaterThan(30);
  expect(styles.requests).toContain('/styles/light.json');
  expect(styles.requests.some((r) => r.startsWith('/tiles/'))).toBe(true);
  await expect(room.getByTestId('map-notice')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('map-basemap-style.png') });

  // A vector archive (file:// in the config): drawn with the dark style of its vector_layers.
  await pick(room, 'local-vector');
  await expect.poll(async () => (await pixels(page, await canvas.screenshot(), offlinePng)).differ / offline.total, { timeout: 15_000 }).toBeGreaterThan(0.3);
  const onVector = await pixels(page, await canvas.screenshot());
  expect(onVector.grey, 'the style basemap is gone').toBeLessThan(offline.total * 0.01);
  expect(onVector.outline).toBeGreaterThan(1500);
  expect(onVector.green).toBeGreaterThan(30);
  await expect(room).toHaveAttribute('data-basemap', 'local-vector');
  await expect(room.getByTestId('map-notice')).toHaveCount(0);
  expect(vectorRanges.length).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('map-basemap-pmtiles-vector.png') });

  // Back to the offline basemap: none of either basemap's colours remain.
  await pick(room, 'offline');
  await expect.poll(async () => (await pixels(page, await canvas.screenshot())).grey).toBeLessThan(offline.total * 0.01);
  expect((await pixels(page, await canvas.screenshot())).outline).toBeGreaterThan(1500);
  expect(errors).toEqual([]);
});

basemapTest('a broken style URL falls back to the offline basemap with a notice', async ({ page }) => {
  const errors: string[] = [];
  const room = await openMap(page, errors);
  const canvas = room.locator('canvas.maplibregl-canvas');
  const picker = room.getByTestId('map-basemap');
  for (const [id, name] of [
    ['down', '故障样式'],
    ['garbled', '损坏样式'],
  ] as const) {
    await picker.selectOption(id);
    await expect(room.getByTestId('map-notice')).toContainText(name);
    await expect(room).toHaveAttribute('data-basemap', 'offline');
    await expect(picker).toHaveValue('offline');
    await expect(room).toHaveAttribute('data-moving', 'false');
    const stats = await pixels(page, await canvas.screenshot());
    expect(stats.outline, 'never a blank map: the district is drawn').toBeGreaterThan(1500);
  }
  await page.screenshot({ path: test.info().outputPath('map-basemap-broken-style.png') });
  expect(errors).toEqual([]);
});
