import { afterEach, describe, expect, it } from 'vitest';
import { Hello, MAX_BATCH_CHANGES, SnapshotBegin, SnapshotPage, SubscribeAck } from '../../shared/district-link/protocol';
import { startDistrictSimulator, type DistrictSimulator, type DistrictSimulatorOptions } from '../../electron/core/sim/district/server';
import { MirrorPeer, linkSocket, nextEvent, plain, refusal } from '../fixtures/sim-district';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A simulator whose world only moves when the test says so (ticks an hour apart). */
async function sim(options: DistrictSimulatorOptions = {}): Promise<DistrictSimulator> {
  const s = await startDistrictSimulator({ tickMs: 3_600_000, readingRate: 200, ...options });
  open.push(s);
  return s;
}

function peer(s: DistrictSimulator, options?: ConstructorParameters<typeof MirrorPeer>[1]): MirrorPeer {
  const p = new MirrorPeer(s.url, options);
  open.push(p);
  return p;
}

describe('district simulator: handshake', () => {
  it('refuses a wrong token with "unauthorized" and another protocol with "protocol_unsupported"', async () => {
    const s = await sim({ tokens: ['hall-secret'] });
    expect(await refusal(s.url, { token: 'demo-token' })).toBe('unauthorized');
    expect(await refusal(s.url, { token: 'hall-secret', protocol: 'district-link/2' })).toBe('protocol_unsupported');
  });

  it('refuses to start on a port in use, naming it', async () => {
    const s = await sim();
    await expect(startDistrictSimulator({ port: s.port })).rejects.toThrow(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${s.port}.*EADDRINUSE`));
  });

  it('says hello with the protocol, epoch and head seq on connect', async () => {
    const s = await sim();
    const socket = linkSocket(s.url);
    open.push(socket);
    const hello = Hello.parse(await nextEvent(socket, 'link:hello'));
    expect(hello).toMatchObject({ protocol: 'district-link/1', epoch: s.epoch, headSeq: s.headSeq() });
    expect(hello.serverTime).toMatch(/\+08:00$/);
  });
});

describe('district simulator: change feed', () => {
  it('sends batches in seq order after `since`, ≤ 1000 changes, never more than 4 unacknowledged', async () => {
    const s = await sim();
    const p = peer(s);
    p.holdAcks = true;
    await p.until(() => p.cursor === s.headSeq(), 'the initial catalogue');
    p.releaseAcks();
    s.control.burst(6500);
    await p.until(() => p.held.length === 4, 'four batches');
    // A round trip on the same socket: any fifth batch sent before it would arrive before its answer.
    await p.socket.emitWithAck('link:snapshot:page', { snapshotId: 'none' });
    expect(p.held).toHaveLength(4);
    p.releaseAcks(1);
    await p.until(() => p.held.length === 4, 'one more batch after one ack');
    while (p.cursor < s.headSeq()) {
      p.releaseAcks();
      await p.until(() => p.held.length > 0 || p.cursor === s.headSeq(), 'the next batches');
    }
    p.releaseAcks();
    expect(p.maxUnacked).toBe(4);
    const seqs = p.batches.flatMap((b) => b.changes.map((c) => c.seq));
    expect(seqs).toEqual(Array.from({ length: s.headSeq() }, (_, i) => i + 1));
    expect(Math.max(...p.batches.map((b) => b.changes.length))).toBe(MAX_BATCH_CHANGES);
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });

  it('starts after the console’s `since` when it already holds the head of the log', async () => {
    const s = await sim();
    const head = s.headSeq();
    const socket = linkSocket(s.url);
    open.push(socket);
    await nextEvent(socket, 'link:hello');
    const first = nextEvent<{ changes: { seq: number }[] }>(socket, 'link:changes');
    expect(SubscribeAck.parse(await socket.emitWithAck('link:subscribe', { epoch: s.epoch, since: head - 3 }))).toEqual({ ok: true, epoch: s.epoch, headSeq: head });
    const batch = await first;
    expect(batch.changes.map((c) => c.seq)).toEqual([head - 2, head - 1, head]);
  });

  it('sends a batch again when its ack does not come within the ack timeout', async () => {
    const s = await sim({ ackTimeoutMs: 150 });
    const p = peer(s);
    await p.until(() => p.cursor === s.headSeq(), 'the initial catalogue');
    p.shouldAck = (_batch, timesSeen) => timesSeen > 1; // lose the first ack of every batch
    const head = s.control.burst(10);
    await p.until(() => p.batches.filter((b) => b.changes.at(-1)?.seq === head).length === 2, 'the re-sent batch');
    const [first, again] = p.batches.filter((b) => b.changes.at(-1)?.seq === head);
    expect(again!.changes).toEqual(first!.changes);
    expect(p.duplicatesSkipped).toBe(10);
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });

  it('answers reset_required for another epoch, a seq beyond the head, and a since behind compaction', async () => {
    const s = await sim();
    const socket = linkSocket(s.url);
    open.push(socket);
    await nextEvent(socket, 'link:hello');
    const subscribe = async (body: object) => SubscribeAck.parse(await socket.emitWithAck('link:subscribe', body));
    expect(await subscribe({ epoch: 'e-older', since: 5 })).toEqual({ ok: false, error: 'reset_required' });
    expect(await subscribe({ epoch: s.epoch, since: s.headSeq() + 1 })).toEqual({ ok: false, error: 'reset_required' });
    expect(await subscribe({ since: 7 })).toEqual({ ok: false, error: 'reset_required' }); // a seq without its epoch means nothing
    s.control.burst(100);
    const through = s.control.compact(40);
    expect(through).toBe(s.headSeq() - 40);
    expect(await subscribe({ epoch: s.epoch, since: through - 1 })).toEqual({ ok: false, error: 'reset_required' });
    expect(await subscribe({ epoch: s.epoch, since: 0 })).toEqual({ ok: false, error: 'reset_required' });
    expect(await subscribe({ epoch: s.epoch, since: through })).toMatchObject({ ok: true });
  });

  it('resets a subscribed console that falls behind a compaction, and it converges by snapshot', async () => {
    const s = await sim();
    const p = peer(s);
    await p.until(() => p.cursor === s.headSeq(), 'the initial catalogue');
    p.holdAcks = true;
    s.control.burst(5000);
    await p.until(() => p.held.length === 4, 'a full window');
    s.control.compact(0);
    p.holdAcks = false;
    p.releaseAcks();
    await p.until(() => p.snapshots === 1 && p.cursor === s.headSeq(), 'the snapshot after compaction');
    expect(p.resets).toEqual([{ epoch: s.epoch, reason: 'compacted' }]);
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });

  it('sends link:reset with the new epoch when rebuilt; the console re-snapshots and converges', async () => {
    const s = await sim();
    const p = peer(s);
    await p.until(() => p.cursor === s.headSeq(), 'the initial catalogue');
    const old = s.epoch;
    const epoch = s.control.rebuild();
    expect(epoch).not.toBe(old);
    await p.until(() => p.epoch === epoch && p.cursor === s.headSeq(), 'the new epoch');
    expect(p.resets).toEqual([{ epoch, reason: 'rebuilt' }]);
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });

  it('keeps a snapshot as of asOfSeq while the world changes; snapshot + later changes == state', async () => {
    const s = await sim();
    const socket = linkSocket(s.url);
    open.push(socket);
    await nextEvent(socket, 'link:hello');
    const begin = SnapshotBegin.parse(await socket.emitWithAck('link:snapshot:begin', {}));
    const expected = plain(s.state());
    expect(begin).toMatchObject({ epoch: s.epoch, asOfSeq: s.headSeq() });
    const station = Object.keys(expected['station']!).find((code) => (expected['station']![code] as { online: boolean }).online)!;
    const camera = Object.keys(expected['camera']!)[0]!;
    s.control.storm('dragon-boat', { hours: 6, compressTo: 600 });
    const got: Record<string, Record<string, unknown>> = {};
    for (const kind of Object.keys(expected)) {
      got[kind] = {};
      let cursor: string | null = null;
      do {
        // The world moves between every page: readings, a station going down, a camera retired.
        s.control.burst(50);
        s.control.setOnline(station, false);
        if (s.state().camera.has(camera)) s.control.remove('camera', camera);
        s.control.tick();
        const page = SnapshotPage.parse(await socket.emitWithAck('link:snapshot:page', { snapshotId: begin.snapshotId, kind, limit: 17, ...(cursor ? { cursor } : {}) }));
        for (const item of page.items) got[kind][item.id] = item.data;
        cursor = page.nextCursor;
      } while (cursor);
    }
    expect(got).toEqual(expected);
    // Subscribing from asOfSeq brings the snapshot to the current state.
    const q = new MirrorPeer(s.url);
    open.push(q);
    q.mirror = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, new Map(Object.entries(v))])) as MirrorPeer['mirror'];
    q.epoch = begin.epoch;
    q.cursor = begin.asOfSeq;
    await q.until(() => q.cursor === s.headSeq(), 'changes after asOfSeq');
    expect(q.snapshots).toBe(0);
    expect(plain(q.mirror)).toEqual(plain(s.state()));
    expect(s.state().camera.has(camera)).toBe(false);
    expect(s.state().station.get(station)).toMatchObject({ online: false });
  });

  it('answers page requests for an unknown snapshot or kind with an error that is not a page', async () => {
    const s = await sim();
    const socket = linkSocket(s.url);
    open.push(socket);
    await nextEvent(socket, 'link:hello');
    const unknown: unknown = await socket.emitWithAck('link:snapshot:page', { snapshotId: 'gone', kind: 'station', limit: 10 });
    expect(SnapshotPage.safeParse(unknown).success).toBe(false);
    expect(unknown).toMatchObject({ error: 'unknown_snapshot' });
    const { snapshotId } = SnapshotBegin.parse(await socket.emitWithAck('link:snapshot:begin', {}));
    expect(await socket.emitWithAck('link:snapshot:page', { snapshotId, kind: 'weather', limit: 10 })).toMatchObject({ error: 'unknown_kind' });
    expect(await socket.emitWithAck('link:snapshot:page', { snapshotId, kind: 'station', limit: 10, cursor: 'forged' })).toMatchObject({ error: 'bad_cursor' });
  });

  it('cuts connections on drop; a reconnecting console resumes from its cursor without a snapshot', async () => {
    const s = await sim();
    const p = peer(s, { reconnection: true });
    await p.until(() => p.cursor === s.headSeq(), 'the initial catalogue');
    const reconnected = new Promise<void>((resolve) => p.socket.io.once('reconnect', () => resolve()));
    expect(s.control.dropConnections()).toBe(1);
    await reconnected;
    s.control.burst(300);
    await p.until(() => p.cursor === s.headSeq(), 'changes after the reconnect');
    expect(p.snapshots).toBe(0);
    expect(plain(p.mirror)).toEqual(plain(s.state()));
  });
});
