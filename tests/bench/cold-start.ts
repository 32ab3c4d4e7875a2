/**
 * Cold start of the web host in demo mode: spawn → first 200 from /healthz, on a fresh data dir
 * (migrations + seeding) and on an existing one. Baselines measured in the same run: a bare Node
 * HTTP server, and the same through tsx (the TypeScript loader the host runs under).
 *   npm run bench:start [-- runs]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, freshDataDir } from '../fixtures/web-host-process';

const RUNS = Number(process.argv[2] ?? 5);
const TSX = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const HOST = path.join(REPO_ROOT, 'electron', 'web-host', 'main.ts');

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

async function timeToHealthy(args: string[], probePath: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(text);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
    });
    const res = await fetch(url + probePath);
    if (res.status !== 200) throw new Error(`${probePath} answered ${res.status}`);
    await res.text();
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

function stats(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

async function measure(label: string, make: () => Promise<number>) {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await make());
  const s = stats(samples);
  console.log(`${label.padEnd(44)} median ${s.median.toFixed(0).padStart(5)} ms  (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}, n=${RUNS})`);
  return s.median;
}

const tmpScript = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hall-bench-')), 'bare.cjs');
fs.writeFileSync(tmpScript, BARE_SERVER);
const bare = await measure('baseline: bare node:http server', () => timeToHealthy([tmpScript], '/'));
const bareTsx = await measure('baseline: bare server through tsx', () => timeToHealthy([TSX, tmpScript], '/'));
const fresh = await measure('web host --demo, fresh data dir', () => timeToHealthy([TSX, HOST, '--demo', '--port', '0', '--data', freshDataDir('hall-bench-')], '/healthz'));
const warmDir = freshDataDir('hall-bench-warm-');
await timeToHealthy([TSX, HOST, '--demo', '--port', '0', '--data', warmDir], '/healthz');
const warm = await measure('web host --demo, existing data dir', () => timeToHealthy([TSX, HOST, '--demo', '--port', '0', '--data', warmDir], '/healthz'));
console.log(`ratios: fresh/bare ${(fresh / bare).toFixed(1)}x, fresh/bare-through-tsx ${(fresh / bareTsx).toFixed(1)}x, existing/bare-through-tsx ${(warm / bareTsx).toFixed(1)}x`);
