/**
 * Live video tiles against REAL streams: nine loopback ffmpeg sources (five HLS, four WS-FLV)
 * played by nine VideoTile components in Debian's Chromium (the harness page in
 * tests/e2e/harness, built with Vite here). All reach "playing" and their pictures move; a source
 * that dies turns only its own tile to stalled / reconnecting, and the tile plays again by itself
 * when the source returns.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { ffmpegAvailable, startStreamServer, type StreamServer } from '../fixtures/ffmpeg-streams';
import type { PlayInfo, VideoCamera } from '../../shared/contract';
import { loginToken, rpc, startHost } from '../fixtures/web-host-process';
import { buildHarness } from './harness/build';

const TOWNS = ['源南镇', '埔前镇', '上城街道', '高埔岗街道', '东埔街道', '源西街道', '新江街道', '源南镇', '埔前镇'];

let streams: StreamServer;
let harnessDir: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // The CI machine installs ffmpeg (.ci/run); without it these tests cannot make live streams.
  if (!ffmpegAvailable()) throw new Error('ffmpeg is required for the live video e2e tests (apt-get install ffmpeg)');
  harnessDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-harness-'));
  await buildHarness(harnessDir);
  streams = await startStreamServer();
  const tiles = Array.from({ length: 9 }, (_, i) => {
    const kind = i < 5 ? ('hls' as const) : ('wsFlv' as const);
    const src = streams.add(`cam-${i + 1}`, kind);
    const camera: VideoCamera = { id: src.name, name: `测试摄像机 ${i + 1}`, stationCode: '441602001000', townName: TOWNS[i]!, lat: 23.7, lon: 114.7, online: true, ptz: false, codec: 'h264', source: 'link' };
    const info: PlayInfo = { cameraId: src.name, urls: { [kind]: src.url }, preferred: kind, codec: 'h264' };
    return { camera, info };
  });
  streams.serveHarness(harnessDir, { columns: 3, tiles });
});

test.afterAll(async () => {
  await streams?.close();
  if (harnessDir) fs.rmSync(harnessDir, { recursive: true, force: true });
});

async function times(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="video-tile"]')) out[el.dataset['camera']!] = el.querySelector('video')!.currentTime;
    return out;
  });
}

async function states(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-testid="video-tile"]')].map((el) => [el.dataset['camera']!, el.dataset['state']!])));
}

/** Every one of these tiles' videos moves on by more than a second of media (polled, no fixed wait). */
async function advances(page: Page, ids: readonly string[]): Promise<void> {
  const start = await times(page);
  await expect
    .poll(async () => {
      const now = await times(page);
      return ids.filter((id) => !(now[id]! > start[id]! + 1));
    }, { timeout: 15_000, intervals: [250], message: 'tiles whose video did not advance by a second' })
    .toEqual([]);
}

test('nine live tiles play, a dead source stalls only its tile, and it comes back', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`${streams.url}/harness/index.html`);
  const tiles = page.getByTestId('video-tile');
  await expect(tiles).toHaveCount(9);
  await expect(tiles.first()).toContainText('测试摄像机 1');
  await expect(tiles.first()).toContainText('源南镇');

  // All nine play and their pictures move.
  await expect.poll(async () => Object.values(await states(page)).filter((s) => s === 'playing').length, { timeout: 45_000, intervals: [500] }).toBe(9);
  await advances(page, Object.keys(await times(page)));
  // data-current-time follows the video (updated about once a second).
  const shown = Number(await tiles.nth(0).getAttribute('data-current-time'));
  expect(shown).toBeGreaterThan(0);

  // Kill one HLS and one WS-FLV source.
  const dead = ['cam-3', 'cam-7'];
  for (const name of dead) streams.stop(name);
  await expect
    .poll(async () => {
      const s = await states(page);
      return dead.every((d) => s[d] === 'stalled' || s[d] === 'reconnecting');
    }, { timeout: 30_000, intervals: [500] })
    .toBe(true);
  const s1 = await states(page);
  const alive = Object.keys(s1).filter((id) => !dead.includes(id));
  for (const id of alive) expect(s1[id], `${id} keeps playing`).toBe('playing');
  await advances(page, alive);

  // The sources return: the tiles recover by themselves.
  for (const name of dead) streams.start(name);
  await expect.poll(async () => Object.values(await states(page)).filter((s) => s === 'playing').length, { timeout: 60_000, intervals: [500] }).toBe(9);
  await advances(page, dead);
});

test('the console serves every demo camera a moving picture (WS-FLV and HLS), and H.265 shows unsupported', async ({ page }) => {
  test.setTimeout(120_000);
  // The console serves the harness as its renderer: the tiles' same-origin /video paths are its own.
  const hall = await startHost(['--demo', '--renderer', harnessDir]);
  try {
    const admin = await loginToken(hall.url, 'admin', 'admin123');
    let cams: VideoCamera[] = [];
    await expect.poll(async () => (cams = ((await rpc<VideoCamera[]>(hall.url, 'video.cameras.list', {}, admin)).body as { value: VideoCamera[] }).value).length, { timeout: 30_000 }).toBeGreaterThan(20);
    const h264 = cams.filter((c) => c.online && c.codec === 'h264').slice(0, 8);
    const h265 = cams.find((c) => c.online && c.codec === 'h265')!;
    const tiles = [];
    for (const [i, camera] of [...h264, h265].entries()) {
      const info = ((await rpc<PlayInfo>(hall.url, 'video.play', { cameraId: camera.id }, admin)).body as { value: PlayInfo }).value;
      expect(info.urls.wsFlv).toBe(`/video/${camera.id}/live.flv`);
      // Half the tiles play the console's WS-FLV, half its live HLS.
      tiles.push({ camera, info: i % 2 === 0 ? info : { ...info, preferred: 'hls' as const } });
    }
    await page.goto(`${hall.url}/?config=${encodeURIComponent(JSON.stringify({ columns: 3, tiles }))}`);
    await expect(page.getByTestId('video-tile')).toHaveCount(9);
    await expect.poll(async () => Object.values(await states(page)).filter((s) => s === 'playing').length, { timeout: 45_000, intervals: [500] }).toBe(8);
    const s = await states(page);
    expect(s[h265.id]).toBe('unsupported');
    const kinds = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-state="playing"]')].map((el) => el.dataset['kind']));
    expect(kinds.filter((k) => k === 'wsFlv')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'hls')).toHaveLength(4);
    await advances(page, h264.map((c) => c.id));
  } finally {
    await hall.stop();
  }
});
