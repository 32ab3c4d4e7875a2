/**
 * `npm run bench:wall` — a wall screen's video load (not a test). 16 VideoTile components (a 4×4
 * grid, the harness of tests/e2e/harness) play 16 live 640×360 25 fps H.264 streams from
 * loopback ffmpeg sources (tests/fixtures/ffmpeg-streams.ts) in one page of Debian's Chromium, for
 * BENCH_WALL_SECONDS (default 300). BENCH_WALL_KIND = wsFlv | hls | mix (default mix: 8 + 8).
 * Reported: per-tile dropped-frame ratio over the run (getVideoPlaybackQuality), tiles not playing
 * at each 5 s sample, CPU of the Chromium processes over the run (utime + stime of the browser
 * and all its children from /proc, in % of one core, by process type), and memory at start and
 * end (JS heap from CDP Performance.getMetrics, RSS of the Chromium processes). The ffmpeg
 * sources' own CPU is shown apart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../build/playwright.config';
import type { PlayInfo, VideoCamera } from '../../shared/contract';
import { ffmpegAvailable, startStreamServer } from '../fixtures/ffmpeg-streams';
import { buildHarness } from '../e2e/harness/build';

const SECONDS = Number(process.env['BENCH_WALL_SECONDS'] ?? 300);
const KIND = (process.env['BENCH_WALL_KIND'] ?? 'mix') as 'wsFlv' | 'hls' | 'mix';
const TILES = 16;
const TICK = 100; // USER_HZ on Linux

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  type: string;
  ticks: number;
  rssKiB: number;
}

function readProcs(): Proc[] {
  const out: Proc[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? (comm.includes('chrom') ? 'browser' : comm);
      const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'));
      out.push({ pid: Number(name), ppid: Number(f[1]), comm, type, ticks: Number(f[11]) + Number(f[12]), rssKiB: rss ? Number(rss[1]) : 0 });
    } catch {
      /* gone */
    }
  }
  return out;
}

function tree(root: number, procs: Proc[]): Proc[] {
  const keep = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!keep.has(p.pid) && keep.has(p.ppid)) {
        keep.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => keep.has(p.pid));
}

interface TileQuality {
  id: string;
  kind: string;
  state: string;
  total: number;
  dropped: number;
}

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  if (!ffmpegAvailable()) throw new Error('bench:wall needs ffmpeg');
  const harnessDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-bench-wall-'));
  await buildHarness(harnessDir);
  const streams = await startStreamServer();
  const tiles = Array.from({ length: TILES }, (_, i) => {
    const kind = KIND === 'mix' ? (i % 2 === 0 ? 'wsFlv' : 'hls') : KIND;
    const src = streams.add(`bench-${i + 1}`, kind);
    const camera: VideoCamera = { id: src.name, name: `基准 ${i + 1}`, stationCode: '441602001000', townName: '源南镇', lat: 0, lon: 0, online: true, ptz: false, codec: 'h264', source: 'link' };
    const info: PlayInfo = { cameraId: src.name, urls: { [kind]: src.url }, preferred: kind, codec: 'h264' };
    return { camera, info };
  });
  streams.serveHarness(harnessDir, { columns: 4, tiles });

  const server = await chromium.launchServer({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const browserPid = server.process().pid!;
  const browser = await chromium.connect(server.wsEndpoint());
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / 1024;
  };
  // A string, evaluated in the page (this file is compiled without the DOM library).
  const quality = () =>
    page.evaluate<TileQuality[]>(`[...document.querySelectorAll('[data-testid="video-tile"]')].map((el) => {
      const q = el.querySelector('video').getVideoPlaybackQuality();
      return { id: el.dataset.camera, kind: el.dataset.kind, state: el.dataset.state, total: q.totalVideoFrames, dropped: q.droppedVideoFrames };
    })`);

  console.log(`bench:wall — ${TILES} tiles (${KIND}), 640×360 25 fps H.264, ${SECONDS} s, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
  await page.goto(`${streams.url}/harness/index.html`);
  const startWait = Date.now();
  for (;;) {
    const q = await quality();
    if (q.every((t) => t.state === 'playing')) break;
    if (Date.now() - startWait > 90_000) throw new Error(`not all tiles play after 90 s: ${q.map((t) => t.state).join(' ')}`);
    await page.waitForTimeout(500);
  }
  console.log(`all ${TILES} tiles playing after ${((Date.now() - startWait) / 1000).toFixed(1)} s; settling 5 s`);
  await page.waitForTimeout(5000);

  const procs0 = readProcs();
  const chrome0 = tree(browserPid, procs0);
  const ffmpeg0 = procs0.filter((p) => p.comm === 'ffmpeg');
  const heap0 = await heap();
  const q0 = await quality();
  const t0 = Date.now();
  const notPlaying: number[] = [];
  while (Date.now() - t0 < SECONDS * 1000) {
    await page.waitForTimeout(Math.min(5000, SECONDS * 1000 - (Date.now() - t0)));
    notPlaying.push((await quality()).filter((t) => t.state !== 'playing').length);
  }
  const elapsed = (Date.now() - t0) / 1000;
  const procs1 = readProcs();
  const chrome1 = tree(browserPid, procs1);
  const ffmpeg1 = procs1.filter((p) => p.comm === 'ffmpeg');
  const heap1 = await heap();
  const q1 = await quality();

  console.log('\nper tile: kind, frames decoded, dropped, dropped ratio');
  const ratios: number[] = [];
  for (const end of q1) {
    const start = q0.find((t) => t.id === end.id)!;
    const total = end.total - start.total;
    const dropped = end.dropped - start.dropped;
    const ratio = total > 0 ? dropped / total : 1;
    ratios.push(ratio);
    console.log(`  ${end.id.padEnd(9)} ${end.kind.padEnd(6)} ${String(total).padStart(6)} ${String(dropped).padStart(5)}  ${(ratio * 100).toFixed(2)} %  (${end.state})`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`dropped ratio: mean ${((ratios.reduce((a, b) => a + b, 0) / ratios.length) * 100).toFixed(2)} %, median ${(sorted[Math.floor(sorted.length / 2)]! * 100).toFixed(2)} %, worst ${(sorted.at(-1)! * 100).toFixed(2)} %`);
  console.log(`tiles not playing per 5 s sample: max ${Math.max(0, ...notPlaying)}, samples with any: ${notPlaying.filter((n) => n > 0).length}/${notPlaying.length}`);

  const cpu = (a: Proc[], b: Proc[]) => {
    const byType = new Map<string, number>();
    for (const p of b) {
      const before = a.find((x) => x.pid === p.pid)?.ticks ?? 0;
      byType.set(p.type, (byType.get(p.type) ?? 0) + (p.ticks - before));
    }
    return byType;
  };
  const byType = cpu(chrome0, chrome1);
  const totalTicks = [...byType.values()].reduce((a, b) => a + b, 0);
  const pct = (ticks: number) => `${((ticks / TICK / elapsed) * 100).toFixed(1)} %`;
  console.log(`\nChromium CPU over ${elapsed.toFixed(0)} s: ${pct(totalTicks)} of one core (${[...byType].map(([t, v]) => `${t} ${pct(v)}`).join(', ')})`);
  const ffTicks = [...cpu(ffmpeg0, ffmpeg1).values()].reduce((a, b) => a + b, 0);
  console.log(`ffmpeg sources CPU: ${pct(ffTicks)} of one core (${ffmpeg1.length} processes, not part of the figure above)`);
  const rss = (ps: Proc[]) => ps.reduce((a, p) => a + p.rssKiB, 0);
  const renderer = (ps: Proc[]) => ps.filter((p) => p.type === 'renderer').reduce((a, p) => a + p.rssKiB, 0);
  console.log(`memory: JS heap ${mib(heap0)} → ${mib(heap1)}; renderer RSS ${mib(renderer(chrome0))} → ${mib(renderer(chrome1))}; all Chromium RSS ${mib(rss(chrome0))} → ${mib(rss(chrome1))}`);

  await browser.close();
  await server.close();
  await streams.close();
  fs.rmSync(harnessDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
