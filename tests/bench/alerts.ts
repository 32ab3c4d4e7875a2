/**
 * `npm run bench:alerts` — the alert desk with 10,000 alerts in Debian's Chromium (not a test).
 * A data dir is seeded with 10,000 alerts over the last 24 h (8 towns, 4 levels, 10 types, mixed
 * states) through the link's real path (mirror rows → the desk attaches them), then a web host
 * serves the freshly built renderer and an operator opens the desk. Reported:
 *  - time to first render: navigation → the first rows drawn and all 10,000 loaded;
 *  - per filter change (level chips, type, town, state, source, time window, search text): the
 *    time from the change to the next painted frame, p50/p95/max over BENCH_ALERTS_CHANGES changes;
 *  - scrolling the whole list: frame intervals p50/p95 and frames over 50 ms;
 *  - the page's JS heap after load and at the end (CDP Performance.getMetrics).
 */
import { spawnSync } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../build/playwright.config';
import { createCore } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import type { LinkAlert } from '../../shared/district-link/protocol';
import { TOWN_SEATS } from '../../shared/places';
import { REPO_ROOT, freshDataDir, startHost } from '../fixtures/web-host-process';

const N = Number(process.env['BENCH_ALERTS_N'] ?? 10_000);
const CHANGES = Number(process.env['BENCH_ALERTS_CHANGES'] ?? 60);
const LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
const TYPES = ['rainstorm', 'typhoon', 'flood', 'waterlog', 'reservoir', 'geohazard', 'forest-fire', 'hazmat', 'earthquake', 'accident'] as const;
const ADMIN_PASSWORD = 'bench-admin-password';

function cst(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
}

async function seed(dataDir: string): Promise<void> {
  const started = performance.now();
  const core = await createCore({ dataDir, demo: false, adminPassword: ADMIN_PASSWORD, config: parseConfig({}), startDemoDistrict: null, log: () => undefined });
  const now = Date.now();
  let seedRng = 7;
  const rnd = () => (seedRng = (seedRng * 1664525 + 1013904223) >>> 0) / 4294967296;
  core.db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const town = TOWN_SEATS[i % TOWN_SEATS.length]!;
      const level = LEVELS[Math.floor(rnd() ** 2 * 4)]!;
      const type = TYPES[Math.floor(rnd() * TYPES.length)]!;
      const sentMs = now - Math.floor(rnd() * 23.5 * 3_600_000);
      const alert: LinkAlert = {
        identifier: `bench-${i}`,
        sender: 'bench@platform',
        sent: cst(sentMs),
        status: 'Actual',
        msgType: 'Alert',
        scope: 'Public',
        info: [
          {
            category: ['Met'],
            event: type,
            urgency: 'Expected',
            severity: 'Moderate',
            certainty: 'Likely',
            headline: `${town.name}第${i}号${level}预警`,
            area: [{ areaDesc: town.name, circle: [`${town.lat},${town.lon} 2`] }],
          },
        ],
        local: { level, type, stationCode: town.code },
      };
      core.link.store.alerts.upsertFromLink(alert.identifier, alert, new Date().toISOString());
    }
  })();
  core.alerts.sync();
  // A realistic mix of states: most handled one way or another, the recent ones still new.
  core.db.prepare(`UPDATE desk_alerts SET state = CASE abs(random()) % 4 WHEN 0 THEN 'acknowledged' WHEN 1 THEN 'closed' WHEN 2 THEN 'handling' ELSE state END WHERE sent_ms < ?`).run(now - 3_600_000);
  const count = (core.db.prepare('SELECT count(*) AS n FROM desk_alerts').get() as { n: number }).n;
  await core.closeAsync();
  console.log(`seeded ${count} desk alerts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1_048_576;
}

// In-page scripts as text: tsx (esbuild) would wrap functions passed to page.evaluate in helpers
// that do not exist in the page.
const FILTER_CHANGE = `async ({ kind, i, towns, types, states }) => {
  const q = (sel) => document.querySelector(sel);
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const select = (id, values) => {
    const el = q('[data-testid="' + id + '"]');
    el.value = values[i % values.length];
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const start = performance.now();
  if (kind === 'level') document.querySelectorAll('[data-testid="filter-level"]')[i % 4].click();
  else if (kind === 'type') select('filter-type', types);
  else if (kind === 'town') select('filter-town', towns);
  else if (kind === 'state') select('filter-state', states);
  else if (kind === 'window') document.querySelectorAll('[data-testid="filter-window"]')[i % 3].click();
  else {
    const input = q('[data-testid="filter-q"]');
    input.value = i % 2 ? '预警' : '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  await frame();
  return performance.now() - start;
}`;

const SCROLL_ALL = `async () => {
  const list = document.querySelector('[data-testid="alert-list"]');
  const frames = [];
  let last = performance.now();
  while (list.scrollTop + list.clientHeight < list.scrollHeight - 2) {
    list.scrollTop += 600;
    await new Promise((r) => requestAnimationFrame(r));
    const t = performance.now();
    frames.push(t - last);
    last = t;
  }
  return frames;
}`;

const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] ?? 0;

async function main(): Promise<void> {
  console.log('building the renderer…');
  const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'build/vite.config.ts', '--logLevel', 'error'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed');
  const dataDir = freshDataDir('hall-bench-alerts-');
  await seed(dataDir);
  const host = await startHost([], { dataDir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${host.url}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));

    // Time to first render: a fresh navigation to the desk until rows are drawn and all are loaded.
    const t0 = Date.now();
    await page.goto(`${host.url}/alerts`);
    await page.locator('[data-testid="alert-row"]').first().waitFor();
    const firstRow = Date.now() - t0;
    await page.locator(`[data-testid="alerts-count"][data-total="${N}"]`).waitFor({ timeout: 120_000 });
    const allLoaded = Date.now() - t0;
    const rowsInDom = await page.locator('[data-testid="alert-row"]').count();
    const heapLoaded = await heapMb(page);

    // Filter changes, measured in the page: the change, then the next painted frame.
    const optionsOf = async (testid: string) => Promise.all((await page.locator(`[data-testid="${testid}"] option`).all()).map(async (o) => (await o.getAttribute('value')) ?? ''));
    const towns = await optionsOf('filter-town');
    const types = await optionsOf('filter-type');
    const states = await optionsOf('filter-state');
    const times: Record<string, number[]> = {};
    for (let i = 0; i < CHANGES; i++) {
      const kind = ['level', 'type', 'town', 'state', 'window', 'q'][i % 6]!;
      const ms = await page.evaluate<number>(`(${FILTER_CHANGE})(${JSON.stringify({ kind, i, towns, types, states })})`);
      (times[kind] ??= []).push(ms);
    }
    const all = Object.values(times).flat();

    // Scroll the whole list with the filters reset.
    await page.getByTestId('filter-reset').click();
    const scroll = await page.evaluate<number[]>(`(${SCROLL_ALL})()`);
    const heapEnd = await heapMb(page);

    console.log(`\nalert desk, ${N} alerts, Chromium ${browser.version()} (SwiftShader, 1600×900)`);
    console.log(`first rows drawn            ${firstRow} ms after navigation`);
    console.log(`all ${N} loaded              ${allLoaded} ms after navigation (rows in the DOM: ${rowsInDom})`);
    console.log(`filter change → next frame  p50 ${pct(all, 0.5).toFixed(1)} ms, p95 ${pct(all, 0.95).toFixed(1)} ms, max ${Math.max(...all).toFixed(1)} ms (n=${all.length})`);
    for (const [kind, list] of Object.entries(times)) console.log(`  ${kind.padEnd(7)} p95 ${pct(list, 0.95).toFixed(1)} ms (n=${list.length})`);
    console.log(`scrolling the whole list    ${scroll.length} frames, interval p50 ${pct(scroll, 0.5).toFixed(1)} ms, p95 ${pct(scroll, 0.95).toFixed(1)} ms, ${scroll.filter((f) => f > 50).length} over 50 ms`);
    console.log(`JS heap                     ${heapLoaded.toFixed(1)} MB after load, ${heapEnd.toFixed(1)} MB at the end`);
  } finally {
    await browser.close();
    await host.stop();
  }
}

await main();
