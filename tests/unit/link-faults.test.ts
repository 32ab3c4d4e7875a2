/**
 * Faults with real processes (DESIGN.md: fault tests kill and restart real processes):
 *  - the district simulator, a child process, SIGKILLed while it streams a burst and restarted
 *    from its state file: the console's mirror equals GET /sim/state;
 *  - the console (the web host), a child process, SIGKILLed during a burst: its SQLite file holds
 *    exactly the changes up to its cursor (batch and cursor commit together), and restarted it
 *    resumes from there and converges.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDistrictSimulator } from '../../electron/core/sim/district/server';
import type { LinkReading } from '../../shared/district-link/protocol';
import { startClient } from '../fixtures/link-harness';
import { mirrorDiff, plainState, type PlainState } from '../fixtures/link-compare';
import { consolePid, watchHall, writeUpstreamConfig } from '../fixtures/link-processes';
import { startSimProcess, type SimProcess } from '../fixtures/sim-district';
import { freshDataDir, startHost } from '../fixtures/web-host-process';

const TOKEN = 'fault-token';

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

async function control(url: string, command: string): Promise<string> {
  const res = await fetch(`${url}/sim/control`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ command }) });
  const body = (await res.json()) as { ok: boolean; output?: string; error?: string };
  if (!body.ok) throw new Error(`sim control "${command}" failed: ${body.error}`);
  return body.output ?? '';
}

describe('the simulator killed with SIGKILL mid-burst', () => {
  it('restarted from its state file, the console converges to GET /sim/state: nothing lost, nothing doubled', { timeout: 90_000 }, async () => {
    const dir = freshDataDir('link-fault-sim-');
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const stateFile = path.join(dir, 'platform.sqlite');
    const args = ['--state', stateFile, '--token', TOKEN, '--tick-ms', '3600000', '--ack-timeout-ms', '2000'];
    let sim: SimProcess = await startSimProcess(args);
    onTestFinished(() => sim.kill());
    const port = new URL(sim.url).port;
    const h = startClient(sim.url, { token: TOKEN, settings: { reconnectMinMs: 100, reconnectMaxMs: 500, offlineAfterMs: 60_000 } });
    const status = () => getJson<{ epoch: string; headSeq: number }>(`${sim.url}/sim/status`);
    const first = await status();
    await h.until('converged before the burst', () => h.store.cursor().seq === first.headSeq && h.client.status().state === 'online', 30_000);

    const burstHead = Number(/head seq (\d+)/.exec(await control(sim.url, 'burst 30000'))?.[1]);
    expect(burstHead).toBe(first.headSeq + 30_000);
    // SIGKILL from inside the wait, synchronously, the moment part of the burst is applied.
    let cursorAtKill = 0;
    await h.until('part of the burst applied', () => {
      if (h.store.cursor().seq <= first.headSeq + 1000) return false;
      process.kill(sim.child.pid!, 'SIGKILL');
      cursorAtKill = h.store.cursor().seq;
      return true;
    }, 30_000);
    await sim.kill(); // reaps it
    expect(cursorAtKill).toBeLessThan(burstHead); // killed while the burst was still streaming
    await h.untilState('reconnecting');

    sim = await startSimProcess([...args, '--port', port]);
    const after = await status();
    expect(after.epoch).toBe(first.epoch); // the same log: the console resumes, no snapshot
    await h.until('converged after the restart', () => h.store.cursor().seq === after.headSeq && h.client.status().state === 'online', 60_000);
    const state = plainState(await getJson<PlainState>(`${sim.url}/sim/state`));
    expect(mirrorDiff(h.db, state)).toEqual([]);
    expect(h.applied.some((a) => a.reset)).toBe(false);
    expect(h.store.quarantineCount()).toBe(0);
  });
});

describe('the console killed with SIGKILL during a burst', () => {
  it('keeps its cursor and mirror consistent, and resumes from the cursor when restarted', { timeout: 120_000 }, async () => {
    const sim = await startDistrictSimulator({ port: 0, tokens: [TOKEN], tickMs: 3_600_000, ackTimeoutMs: 2_000 });
    onTestFinished(() => sim.close());
    // Which seq carried which reading, to check the console's file change by change.
    const readingSeq = new Map<string, number>();
    const offChanges = sim.onChanges((changes) => {
      for (const c of changes) if (c.kind === 'reading' && c.op === 'upsert') readingSeq.set(`${(c.data as LinkReading).sensorId}@${Date.parse((c.data as LinkReading).at)}`, c.seq);
    });
    onTestFinished(offChanges);
    const dataDir = freshDataDir('link-fault-console-');
    onTestFinished(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const config = writeUpstreamConfig(dataDir, { url: sim.url, token: TOKEN, consoleId: 'hall-fault' });

    let host = await startHost(['--config', config], { dataDir });
    onTestFinished(() => host.stop());
    let hall = await watchHall(host.url);
    onTestFinished(() => hall.close());
    const startHead = sim.headSeq();
    await hall.until('online at the head', (s) => s.state === 'online' && s.cursor === startHead);

    const pid = consolePid(host);
    const exited = new Promise((resolve) => host.child.once('exit', resolve));
    const head = sim.control.burst(60_000);
    // SIGKILL synchronously on the first status that shows the burst arriving.
    await hall.until('part of the burst applied', (s) => {
      if (s.cursor <= startHead) return false;
      process.kill(pid, 'SIGKILL');
      return true;
    });
    await exited;
    hall.close();

    // The file as the killed console left it: every change up to the cursor is there, none after.
    const db = new Database(path.join(dataDir, 'hall.sqlite'));
    let cursor: number;
    try {
      cursor = (db.prepare('SELECT cursor FROM link_state').get() as { cursor: number }).cursor;
      expect(cursor).toBeGreaterThan(startHead);
      expect(cursor).toBeLessThan(head); // killed mid-burst
      const present = new Set((db.prepare('SELECT sensor_id, at_ms FROM readings').all() as { sensor_id: string; at_ms: number }[]).map((r) => `${r.sensor_id}@${r.at_ms}`));
      const wrong: string[] = [];
      for (const [key, seq] of readingSeq) {
        if (seq > startHead && seq <= cursor && !present.has(key)) wrong.push(`missing ${key} (seq ${seq})`);
        if (seq > cursor && present.has(key)) wrong.push(`applied beyond the cursor: ${key} (seq ${seq})`);
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      // Hourly aggregates count each reading once: n per hour equals the raw rows of that hour.
      expect(
        db.prepare(`SELECT count(*) AS n FROM readings_hourly h WHERE n <> (SELECT count(*) FROM readings r WHERE r.sensor_id = h.sensor_id AND r.at_ms >= h.hour_ms AND r.at_ms < h.hour_ms + 3600000)`).get(),
      ).toEqual({ n: 0 });
    } finally {
      db.close();
    }

    // Restarted on the same data dir, it resumes from its cursor and converges.
    host = await startHost(['--config', config], { dataDir });
    hall = await watchHall(host.url);
    const resumed = await hall.until('converged after the restart', (s) => s.state === 'online' && s.cursor === sim.headSeq(), 60_000);
    expect(resumed.epoch).toBe(sim.epoch);
    await host.stop();
    const after = new Database(path.join(dataDir, 'hall.sqlite'), { readonly: true });
    try {
      expect(mirrorDiff(after, plainState(sim.state()))).toEqual([]);
      expect(after.prepare('SELECT count(*) AS n FROM link_quarantine').get()).toEqual({ n: 0 });
    } finally {
      after.close();
    }
    expect(host.output()).not.toMatch(/taking a snapshot/);
  });
});
