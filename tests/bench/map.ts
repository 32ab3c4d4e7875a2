/**
 * `npm run bench:map` — the map's live updates (not a test). One MapLibre map in Debian's
 * Chromium (SwiftShader) with 20,000 point features; every second 10 % of them (2,000) move and
 * change value. Two phases in the same run, each `BENCH_MAP_SECONDS` long (default 60):
 *   (a) baseline: the whole FeatureCollection is replaced with `setData`;
 *   (b) the console's way: only the changed features are patched with `updateData` by id.
 * A first phase (0) changes nothing and only repaints once a second, to show what drawing alone costs.
 * Reported per phase: main-thread long tasks (> 50 ms) per minute (PerformanceObserver), the
 * synchronous main-thread cost of the call, and the time from the call until the map is idle
 * again (the update is on screen) — and the ratio (b)/(a).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../build/playwright.config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(ROOT, 'node_modules', 'maplibre-gl', 'dist');
const FEATURES = 20_000;
const SHARE = 0.1;
const SECONDS = Number(process.env['BENCH_MAP_SECONDS'] ?? 60);

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/maplibre-gl.css">
<style>html,body{margin:0;background:#07101d}#map{width:1600px;height:900px}</style></head>
<body><div id="map"></div><script type="module" src="/bench.js"></script></body></html>`;

const SCRIPT = `
import { Map as MlMap, setWorkerUrl } from '/maplibre-gl.mjs';
setWorkerUrl('/maplibre-gl-worker.mjs');
const N = ${FEATURES}, CHANGED = Math.round(${FEATURES} * ${SHARE});
let seed = 42;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
const features = Array.from({ length: N }, (_, i) => ({
  type: 'Feature', id: 'p' + i,
  geometry: { type: 'Point', coordinates: [114.55 + rnd() * 0.3, 23.55 + rnd() * 0.3] },
  properties: { fid: 'p' + i, v: rnd() * 10 },
}));
const map = new MlMap({ container: 'map', center: [114.7, 23.7], zoom: 10.5, attributionControl: false, style: {
  version: 8, sources: { pts: { type: 'geojson', promoteId: 'fid', data: { type: 'FeatureCollection', features } } },
  layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#07101d' } },
    { id: 'pts', type: 'circle', source: 'pts', paint: { 'circle-radius': 3,
      'circle-color': ['step', ['get', 'v'], '#34d67f', 5, '#ffb547', 8, '#ff5c61'] } }] } });
const idle = () => new Promise((r) => map.once('idle', r));
window.ready = new Promise((r) => map.once('load', () => idle().then(r)));

window.runPhase = async (mode, seconds) => {
  const source = map.getSource('pts');
  const long = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e.duration); });
  observer.observe({ type: 'longtask' });
  const sync = [], visible = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const tick = performance.now();
    const update = [];
    for (let k = 0; k < CHANGED; k++) {
      const f = features[Math.floor(rnd() * N)];
      const [x, y] = f.geometry.coordinates;
      f.geometry = { type: 'Point', coordinates: [x + (rnd() - 0.5) * 0.002, y + (rnd() - 0.5) * 0.002] };
      f.properties = { ...f.properties, v: rnd() * 10 };
      update.push({ id: f.id, newGeometry: f.geometry, addOrUpdateProperties: [{ key: 'v', value: f.properties.v }] });
    }
    const shown = idle();
    const t0 = performance.now();
    const done = mode === 'updateData' ? source.updateData({ update }) : mode === 'setData' ? source.setData({ type: 'FeatureCollection', features }) : (map.triggerRepaint(), Promise.resolve());
    sync.push(performance.now() - t0);
    await done;
    await shown;
    visible.push(performance.now() - t0);
    const rest = 1000 - (performance.now() - tick);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  }
  await new Promise((r) => setTimeout(r, 100)); // let the observer deliver the last entries
  observer.disconnect();
  const minutes = (performance.now() - started) / 60000;
  const avg = (a) => a.reduce((s, x) => s + x, 0) / a.length;
  const p95 = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length * 0.95)] ?? 0;
  return { mode, updates: sync.length, longTasksPerMin: long.length / minutes, longTaskMsPerMin: long.reduce((s, x) => s + x, 0) / minutes,
    syncMs: avg(sync), syncP95: p95(sync), visibleMs: avg(visible), visibleP95: p95(visible) };
};
`;

const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

async function main(): Promise<void> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    if (url === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    if (url === '/bench.js') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(SCRIPT);
    const file = path.join(DIST, path.basename(url));
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'ready' in globalThis);
    await page.evaluate(() => (globalThis as unknown as { ready: Promise<void> }).ready);
    console.log(`bench:map — ${FEATURES} points, ${SHARE * 100} % changed every second, ${SECONDS} s per phase, Chromium + SwiftShader`);
    type Phase = { mode: string; updates: number; longTasksPerMin: number; longTaskMsPerMin: number; syncMs: number; syncP95: number; visibleMs: number; visibleP95: number };
    const run = (mode: string) => page.evaluate(([m, s]) => (globalThis as unknown as { runPhase(m: string, s: number): Promise<Phase> }).runPhase(m, s), [mode, SECONDS] as const);
    const still = await run('repaint');
    const baseline = await run('setData');
    const patched = await run('updateData');
    const row = (p: Phase) =>
      `  ${p.mode.padEnd(10)} updates ${String(p.updates).padStart(4)}  long tasks ${p.longTasksPerMin.toFixed(1).padStart(6)}/min (${p.longTaskMsPerMin.toFixed(0)} ms/min)  call ${p.syncMs.toFixed(2)} ms (p95 ${p.syncP95.toFixed(2)})  on screen ${p.visibleMs.toFixed(1)} ms (p95 ${p.visibleP95.toFixed(1)})`;
    console.log('(0) no data change, one repaint a second (the cost of drawing alone)');
    console.log(row(still));
    console.log('(a) baseline');
    console.log(row(baseline));
    console.log('(b) the console');
    console.log(row(patched));
    const ratio = (b: number, a: number) => (a > 0 ? (b / a).toFixed(2) : 'n/a');
    console.log(
      `ratio b/a: long tasks ${ratio(patched.longTasksPerMin, baseline.longTasksPerMin)}, call ${ratio(patched.syncMs, baseline.syncMs)}, on screen ${ratio(patched.visibleMs, baseline.visibleMs)}`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error('bench:map failed:', error);
  process.exitCode = 1;
});
