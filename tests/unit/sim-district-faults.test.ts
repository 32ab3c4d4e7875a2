import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_BATCH_CHANGES } from '../../shared/district-link/protocol';
import { startDistrictSimulator, type DistrictSimulator } from '../../electron/core/sim/district/server';
import { MirrorPeer, linkSocket, nextEvent, plain } from '../fixtures/sim-district';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function simWithPeer(): Promise<{ s: DistrictSimulator; p: MirrorPeer }> {
  const s = await startDistrictSimulator({ tickMs: 3_600_000, readingRate: 100 });
  open.push(s);
  const p = new MirrorPeer(s.url);
  open.push(p);
  await p.until(() => p.cursor === s.headSeq(), 'the initial catalogue');
  return { s, p };
}

describe('district simulator: injected faults', () => {
  it('logs malformed items with real seqs; a correct console quarantines each with a reason and still mirrors the state', async () => {
    const { s, p } = await simWithPeer();
    const before = s.state();
    const seqs = s.control.injectMalformed(6);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6].map((i) => seqs[0]! + i - 1));
    // The platform does not hold what it cannot hold: its state is unchanged by the bad items.
    expect(plain(s.state())).toEqual(plain(before));
    s.control.burst(20);
    await p.until(() => p.cursor === s.headSeq(), 'past the malformed items');
    expect(p.quarantine.map((q) => q.seq)).toEqual(seqs);
    const reasons = p.quarantine.map((q) => q.reason).join('\n');
    expect(reasons).toMatch(/station 4416029: code/);
    expect(reasons).toMatch(/unknown kind "weather-radar"/);
    expect(reasons).toMatch(/not an ISO 8601 time with an offset/);
    expect(reasons).toMatch(/notice .*body/);
    expect(reasons).toMatch(/unknown op "merge"/);
    expect(reasons).toMatch(/reading .*value/);
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });

  it('repeats changes inside batches on request; a console that skips seq ≤ cursor is unaffected', async () => {
    const { s, p } = await simWithPeer();
    s.control.injectDuplicates(5);
    const head = s.control.burst(30);
    await p.until(() => p.cursor === head, 'the burst');
    const batch = p.batches.at(-1)!;
    expect(batch.changes).toHaveLength(35);
    expect(batch.changes.slice(0, 4).map((c) => c.seq)).toEqual([head - 29, head - 29, head - 28, head - 28]);
    expect(p.duplicatesSkipped).toBe(5);
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });

  it('replays stale changes at the end of later batches (seqs going backwards); the mirror stays right', async () => {
    const { s, p } = await simWithPeer();
    const before = s.headSeq();
    s.control.injectOutOfOrder(3);
    const head = s.control.burst(10);
    await p.until(() => p.cursor === head, 'the burst');
    const seqs = p.batches.at(-1)!.changes.map((c) => c.seq);
    expect(seqs.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => before + 1 + i));
    expect(seqs.slice(10)).toEqual([before, before - 1, before - 2]);
    expect(p.cursor).toBe(head); // not the last change's seq
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });

  it('keeps every batch within 1000 changes and 1 MiB, even when the items are large', async () => {
    const s = await startDistrictSimulator({ tickMs: 3_600_000 });
    open.push(s);
    s.control.injectMalformed(60); // ten 64 KiB notices among them
    s.control.burst(2500);
    const socket = linkSocket(s.url);
    open.push(socket);
    await nextEvent(socket, 'link:hello');
    const sizes: { count: number; bytes: number }[] = [];
    let last = 0;
    const done = new Promise<void>((resolve) => {
      socket.on('link:changes', (batch: { changes: { seq: number }[] }, ack: (a: unknown) => void) => {
        sizes.push({ count: batch.changes.length, bytes: Buffer.byteLength(JSON.stringify(batch)) });
        last = batch.changes.at(-1)!.seq;
        ack({ appliedTo: last });
        if (last === s.headSeq()) resolve();
      });
    });
    await socket.emitWithAck('link:subscribe', { since: 0 });
    await done;
    expect(Math.max(...sizes.map((b) => b.count))).toBeLessThanOrEqual(MAX_BATCH_CHANGES);
    expect(Math.max(...sizes.map((b) => b.bytes))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(sizes.some((b) => b.bytes > MAX_BATCH_BYTES / 2)).toBe(true);
  });
});
