import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startDistrictSimulator, type DistrictSimulator } from '../../electron/core/sim/district/server';
import { MirrorPeer, linkSocket, nextEvent, plain, startSimProcess, type SimProcess } from '../fixtures/sim-district';

const open: { close(): unknown }[] = [];
const processes: SimProcess[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const p of processes.splice(0)) await p.kill();
});

function stateFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-district-')), 'platform.sqlite');
}

async function sim(file: string): Promise<DistrictSimulator> {
  const s = await startDistrictSimulator({ tickMs: 3_600_000, readingRate: 50, stateFile: file });
  open.push(s);
  return s;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

describe('district simulator: persistence', () => {
  it('continues the same epoch and seq after a restart, with its state and the action ids it received', async () => {
    const file = stateFile();
    const a = await sim(file);
    a.control.burst(500);
    a.control.storm('typhoon', { hours: 12, compressTo: 600 });
    a.control.injectMalformed(2);
    const socket = linkSocket(a.url);
    await nextEvent(socket, 'link:hello');
    const id = randomUUID();
    const first: unknown = await socket.emitWithAck('link:action', { id, type: 'alert.ack', at: '2024-06-08T10:00:00+08:00', by: 'duty', payload: { alertId: 'x' } });
    socket.close();
    const { epoch } = a;
    const head = a.headSeq();
    const state = plain(a.state());
    await a.close();
    open.splice(open.indexOf(a), 1);

    const b = await sim(file);
    expect(b.epoch).toBe(epoch);
    expect(b.headSeq()).toBe(head);
    expect(plain(b.state())).toEqual(state);
    expect(b.receivedActions()).toEqual([{ id, type: 'alert.ack', count: 1 }]);
    expect(b.status().storm).toMatchObject({ kind: 'typhoon' }); // the weather carries on too
    expect(b.control.burst(1)).toBe(head + 1);
    // A console that had everything up to `head` resumes without a snapshot.
    const p = new MirrorPeer(b.url);
    open.push(p);
    p.epoch = epoch;
    p.cursor = head;
    p.mirror = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, new Map(Object.entries(v))])) as MirrorPeer['mirror'];
    await p.until(() => p.cursor === b.headSeq(), 'the change after the restart');
    expect(p.snapshots).toBe(0);
    expect(plain(p.mirror)).toEqual(plain(b.state()));
    const again = linkSocket(b.url);
    open.push(again);
    await nextEvent(again, 'link:hello');
    expect(await again.emitWithAck('link:action', { id, type: 'alert.ack', at: '2024-06-08T10:05:00+08:00', by: 'duty', payload: { alertId: 'x' } })).toEqual({ ...(first as object), duplicate: true });
  });

  it('keeps compaction across a restart: a console behind it still needs a snapshot', async () => {
    const file = stateFile();
    const a = await sim(file);
    a.control.burst(100);
    const through = a.control.compact(10);
    await a.close();
    open.splice(open.indexOf(a), 1);
    const b = await sim(file);
    expect(b.status().compactedThrough).toBe(through);
    const socket = linkSocket(b.url);
    open.push(socket);
    await nextEvent(socket, 'link:hello');
    expect(await socket.emitWithAck('link:subscribe', { epoch: b.epoch, since: through - 1 })).toEqual({ ok: false, error: 'reset_required' });
  });

  it('survives SIGKILL of the simulator process while it writes: same epoch, no lost or repeated seqs', async () => {
    const file = stateFile();
    const first = await startSimProcess(['--state', file, '--tick-ms', '20', '--rate', '400']);
    processes.push(first);
    const before = await getJson<{ epoch: string; headSeq: number }>(`${first.url}/sim/status`);
    // Readings flow every 20 ms; kill it without warning while it writes.
    await fetch(`${first.url}/sim/control`, { method: 'POST', body: JSON.stringify({ command: 'burst 20000' }) });
    await first.kill();
    const second = await startSimProcess(['--state', file, '--tick-ms', '3600000']);
    processes.push(second);
    const after = await getJson<{ epoch: string; headSeq: number }>(`${second.url}/sim/status`);
    expect(after.epoch).toBe(before.epoch);
    expect(after.headSeq).toBeGreaterThanOrEqual(before.headSeq + 20000);
    // The restarted process serves the whole log from seq 1, gap-free, up to its head.
    const p = new MirrorPeer(second.url, { pageLimit: 1000 });
    open.push(p);
    await p.until(() => p.cursor === after.headSeq, 'the whole log', 30_000);
    const seqs = p.batches.flatMap((b) => b.changes.map((c) => c.seq));
    expect(seqs).toEqual(Array.from({ length: after.headSeq }, (_, i) => i + 1));
    const state = await getJson<Record<string, Record<string, unknown>>>(`${second.url}/sim/state`);
    expect(plain(p.mirror)).toEqual(state);
  });
});
