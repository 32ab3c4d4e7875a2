/**
 * Guards the link client against a small real socket.io server (tests/fixtures/link-server.ts):
 * it converges, resumes from its cursor, re-snapshots on reset and compaction, acknowledges only
 * what it committed, quarantines bad and oversized input while staying online, refuses to storm
 * a server that refused it, and delivers actions exactly once.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { KINDS } from '../../shared/district-link/protocol';
import { startClient } from '../fixtures/link-harness';
import { startFixtureServer, type FixtureServer } from '../fixtures/link-server';
import { AT, TOWN, alert, camera, mirrorOnDisk, notice, sensor, station } from '../fixtures/link-data';
import type { SqliteMirrorStore } from '../../electron/core/link/mirror-store';

async function server(options: Parameters<typeof startFixtureServer>[0] = {}): Promise<FixtureServer> {
  const s = await startFixtureServer(options);
  onTestFinished(() => s.close());
  return s;
}

function seed(s: FixtureServer, n = 20): void {
  s.push([
    { kind: 'station', op: 'upsert', id: TOWN, at: AT, data: station(TOWN, { level: 'town', parentCode: undefined, name: '上城街道' }) },
    ...Array.from({ length: n }, (_, i) => ({ kind: 'camera', op: 'upsert' as const, id: `cam-${i}`, at: AT, data: camera({ name: `摄像机${i}` }) })),
    { kind: 'sensor', op: 'upsert', id: 'rain-1', at: AT, data: sensor() },
    { kind: 'reading', op: 'upsert', id: `rain-1@${AT}`, at: AT, data: { sensorId: 'rain-1', at: AT, value: 3 } },
    { kind: 'alert', op: 'upsert', id: 'al-1', at: AT, data: alert('al-1') },
    { kind: 'notice', op: 'upsert', id: 'n-1', at: AT, data: notice() },
  ]);
}

/** The mirror as the server would publish it: kind → id → data, for the kinds compared here. */
function mirrorAsServerState(store: SqliteMirrorStore) {
  return {
    camera: Object.fromEntries(store.cameras.list().map(({ id, updatedAt: _u, ...data }) => [id, data])),
    sensor: Object.fromEntries(store.sensors.list().map(({ id, updatedAt: _u, ...data }) => [id, data])),
    alert: Object.fromEntries(store.alerts.list({ limit: 1000 }).filter((a) => a.source === 'link').map((a) => [a.id, a.cap])),
    notice: Object.fromEntries(store.notices.list(500).map(({ id, at: _a, ...data }) => [id, data])),
  };
}

function expectConverged(s: FixtureServer, store: SqliteMirrorStore): void {
  const state = s.state();
  expect(mirrorAsServerState(store)).toEqual({ camera: state.camera, sensor: state.sensor, alert: state.alert, notice: state.notice });
  expect(store.cursor()).toMatchObject({ epoch: s.epoch, seq: s.headSeq() });
}

describe('converging', () => {
  it('subscribes from 0 on a fresh mirror, applies every batch, acknowledges after commit and goes online', async () => {
    const s = await server({ batchSize: 7 });
    seed(s);
    const h = startClient(s.url);
    await h.until('the mirror at head, online', () => h.store.cursor().seq === s.headSeq() && h.client.status().state === 'online');
    expectConverged(s, h.store);
    expect(s.snapshotsTaken()).toBe(0);
    // Every ack names a seq the mirror had committed; the last one is the head.
    await s.ackOf(s.headSeq());
    expect(s.acks).toEqual([...s.acks].sort((a, b) => a - b));
    expect(h.statuses.map((x) => x.state)).toContain('online');
    const status = h.client.status();
    expect(status).toMatchObject({ url: s.url, serverId: 'fixture-district', epoch: s.epoch, cursor: s.headSeq(), lag: 0, quarantined: 0 });
    expect(status.lastAppliedAt).not.toBeNull();
  });

  it('streams live changes and resumes from its cursor after the connection drops', async () => {
    const s = await server();
    seed(s, 3);
    const h = startClient(s.url);
    await h.until('seeded', () => h.store.cursor().seq === s.headSeq());
    s.push([{ kind: 'camera', op: 'delete', id: 'cam-0', at: AT }]);
    await h.until('the live delete', () => h.store.cursor().seq === s.headSeq());
    expect(h.store.cameras.list().map((c) => c.id)).toEqual(['cam-1', 'cam-2']);
    const attemptsBefore = s.connectionAttempts();
    s.dropConnections();
    await h.untilState('reconnecting');
    s.push([{ kind: 'camera', op: 'upsert', id: 'cam-9', at: AT, data: camera() }]); // while away
    await h.untilState('online');
    await h.until('the change made while away', () => h.store.cursor().seq === s.headSeq());
    expectConverged(s, h.store);
    expect(s.snapshotsTaken()).toBe(0); // resumed from the cursor, no snapshot
    expect(s.connectionAttempts() - attemptsBefore).toBe(1);
  });

  it('takes a snapshot when the server rebuilds its data (new epoch) and converges to it', async () => {
    const s = await server();
    seed(s, 5);
    const h = startClient(s.url);
    await h.until('seeded', () => h.store.cursor().seq === s.headSeq());
    const oldEpoch = s.epoch;
    s.rebuild((state) => {
      delete state.camera['cam-0'];
      state.camera['cam-new'] = camera({ name: '新建' });
      state.notice = {};
    });
    await h.until('the new epoch', () => h.store.cursor().epoch === s.epoch && h.client.status().state === 'online');
    expect(s.epoch).not.toBe(oldEpoch);
    expect(s.snapshotsTaken()).toBe(1);
    expectConverged(s, h.store);
    expect(h.applied.some((a) => a.reset)).toBe(true);
  });

  it('takes a snapshot when its cursor was compacted away, paging every kind', async () => {
    const s = await server();
    seed(s, 120); // more than two pages of cameras at the harness page size of 50
    const h = startClient(s.url);
    await h.until('online', () => h.client.status().state === 'online');
    await h.client.stop();
    // While the console is away, the server moves on and compacts its log.
    s.push([{ kind: 'camera', op: 'delete', id: 'cam-3', at: AT }, { kind: 'notice', op: 'upsert', id: 'n-2', at: AT, data: notice({ title: '第二份' }) }]);
    s.compact();
    const again = startClient(s.url, { mirror: h });
    await again.until('converged after the snapshot', () => again.store.cursor().seq === s.headSeq() && again.client.status().state === 'online');
    expect(s.snapshotsTaken()).toBe(1);
    expectConverged(s, again.store);
    expect(again.store.cameras.list()).toHaveLength(119);
  });
});

describe('bad input', () => {
  it('quarantines malformed items, moves past them, and stays online', async () => {
    const s = await server();
    seed(s, 2);
    const h = startClient(s.url);
    await h.until('seeded', () => h.store.cursor().seq === s.headSeq());
    s.push([
      { kind: 'camera', op: 'upsert', id: 'cam-bad', at: AT, data: { ...camera(), streams: { hls: 'ftp://nope' } } },
      { kind: 'volcano', op: 'upsert', id: 'v-1', at: AT, data: {} },
      { kind: 'notice', op: 'upsert', id: 'n-late', at: 'yesterday', data: notice() },
      { kind: 'camera', op: 'upsert', id: 'cam-good', at: AT, data: camera() },
    ]);
    await h.until('past the bad items', () => h.store.cursor().seq === s.headSeq());
    expect(h.client.status()).toMatchObject({ state: 'online', quarantined: 3 });
    expect(h.store.cameras.list().map((c) => c.id)).toContain('cam-good');
    expect(h.store.quarantine.list().map((q) => q.reason)).toEqual([
      expect.stringMatching(/^at: "yesterday"/),
      'unknown kind "volcano"',
      expect.stringMatching(/^camera cam-bad: streams\.hls/),
    ]);
    await s.ackOf(s.headSeq());
  });

  it('quarantines an oversized batch as one record, does not acknowledge past it, and re-synchronises by snapshot', async () => {
    const s = await server();
    seed(s, 2);
    const h = startClient(s.url);
    await h.until('seeded', () => h.store.cursor().seq === s.headSeq());
    const cursor = h.store.cursor().seq;
    const subscribed = s.subscriptions();
    const changes = Array.from({ length: 1001 }, (_, i) => ({ seq: cursor + 1 + i, kind: 'notice', op: 'upsert', id: `n-x${i}`, at: AT, data: notice() }));
    const [ack] = await s.sendRaw({ epoch: s.epoch, changes });
    expect(ack).toEqual({ appliedTo: cursor });
    await h.until('re-synchronised and subscribed again', () => s.snapshotsTaken() === 1 && s.subscriptions() === subscribed + 1);
    const [item] = h.store.quarantine.list();
    expect(item?.reason).toMatch(/^oversized batch \(1001 changes; limits 1000 changes and 1048576 bytes\), seq \d+–\d+: not applied, re-synchronising by snapshot$/);
    expect(h.store.notices.list(500).map((n) => n.id)).not.toContain('n-x0');
    expectConverged(s, h.store);
    // Over 1 MiB in fewer than 1000 changes is oversized too.
    const big = Array.from({ length: 3 }, (_, i) => ({ seq: s.headSeq() + 1 + i, kind: 'notice', op: 'upsert', id: `n-big${i}`, at: AT, data: notice({ body: '汛'.repeat(200_000) }) }));
    const [ack2] = await s.sendRaw({ epoch: s.epoch, changes: big });
    expect(ack2).toEqual({ appliedTo: s.headSeq() });
    await h.until('quarantined and re-synchronised', () => h.store.quarantineCount() === 2 && s.subscriptions() === subscribed + 2);
    expect(h.store.quarantine.list()[0]?.reason).toMatch(/^oversized batch \(3 changes, \d+ bytes;/);
    expect(h.client.status().state).toBe('online');
  });
});

describe('a malformed batch', () => {
  it('is quarantined whole without moving the cursor, and the console re-synchronises', async () => {
    const s = await server();
    seed(s, 2);
    const h = startClient(s.url);
    await h.until('seeded', () => h.store.cursor().seq === s.headSeq() && h.client.status().state === 'online');
    const cursor = h.store.cursor().seq;
    const subscribed = s.subscriptions();
    const [ack] = await s.sendRaw({ epoch: s.epoch, changes: 'not a list' });
    expect(ack).toEqual({ appliedTo: cursor });
    await h.until('re-subscribed after a snapshot', () => s.subscriptions() === subscribed + 1);
    expect(h.store.quarantine.list()).toEqual([expect.objectContaining({ seq: null, reason: 'malformed link:changes (no epoch or no changes array)', raw: JSON.stringify({ epoch: s.epoch, changes: 'not a list' }) })]);
    expect(h.store.cursor()).toMatchObject({ epoch: s.epoch, seq: cursor });
  });
});

describe('refusals', () => {
  it('a wrong token gives state unauthorized with the reason, and no retry storm', async () => {
    const s = await server({ token: 'right' });
    const h = startClient(s.url, { token: 'wrong', settings: { reconnectMinMs: 50, reconnectMaxMs: 2_000 } });
    const status = await h.untilState('unauthorized');
    expect(status.lastError).toBe('the server refused the connection: unauthorized: unknown token');
    expect(s.connectionAttempts()).toBe(1);
    // At the cap (2 s here, 30 s by default) with jitter: the next attempt comes no sooner than 1.5 s.
    const firstRetry = Date.now();
    await h.until('the retry at the cap', () => s.connectionAttempts() === 2, 5_000);
    expect(Date.now() - firstRetry).toBeGreaterThanOrEqual(1_000);
    expect(h.client.status().state).toBe('unauthorized');
    expect(h.client.connectionAttempts).toBe(2);
  });

  it('goes offline after N failed attempts, with since = when the link went down, and comes back', async () => {
    const s = await server();
    seed(s, 1);
    const h = startClient(s.url, { settings: { offlineAfterAttempts: 2 } });
    await h.untilState('online');
    const url = s.url;
    await s.close();
    const offline = await h.untilState('offline');
    const reconnecting = h.statuses.find((x) => x.state === 'reconnecting');
    expect(offline.since).toBe(reconnecting?.since);
    expect(offline.lastError).toMatch(/cannot connect to/);
    // The same port again: the console reconnects on its own.
    const back = await startFixtureServerOn(url);
    onTestFinished(() => back.close());
    await h.untilState('online');
  });
});

describe('protocol', () => {
  it('a server that refuses the protocol, or greets with another one: protocol-unsupported, retried only at the cap', async () => {
    const refusing = await server({ protocol: 'district-link/2' });
    const a = startClient(refusing.url, { settings: { reconnectMaxMs: 60_000 } });
    expect(await a.untilState('protocol-unsupported')).toMatchObject({ lastError: 'the server refused the connection: protocol_unsupported' });
    const greeting = await server({ helloProtocol: 'district-link/2' });
    const b = startClient(greeting.url, { settings: { reconnectMaxMs: 60_000 } });
    expect(await b.untilState('protocol-unsupported')).toMatchObject({ lastError: 'the server speaks district-link/2, this console district-link/1' });
    expect(refusing.connectionAttempts() + greeting.connectionAttempts()).toBe(2);
    expect(a.store.cursor()).toMatchObject({ epoch: null, seq: 0 });
  });
});

/** A new server on the port the console knows (the old one was closed), with another epoch. */
function startFixtureServerOn(url: string): Promise<FixtureServer> {
  return startFixtureServer({ port: Number(new URL(url).port), epoch: 'epoch-restarted' });
}

describe('actions', () => {
  it('delivers actions enqueued while offline exactly once after reconnecting', async () => {
    const s = await server();
    const h = startClient(s.url);
    await h.untilState('online');
    s.dropConnections();
    await h.untilState('reconnecting');
    const ids = [0, 1, 2].map((i) => h.outbox.enqueue('alert.ack', 'operator', { alertId: `al-${i}` }).id);
    await h.until('all acked', () => h.outbox.counts().pending === 0);
    expect(s.receivedActions.sort()).toEqual([...ids].sort());
    expect(h.outbox.list('acked')).toHaveLength(3);
  });

  it('re-sends an action whose ack was dropped, with the same id; the server records it once', async () => {
    const s = await server();
    const h = startClient(s.url);
    await h.untilState('online');
    s.dropActionAcks(2);
    const { id } = h.outbox.enqueue('alert.close', 'commander', { alertId: 'al-1', resolution: '已处置' });
    await h.until('acked', () => h.outbox.get(id)?.state === 'acked');
    expect(s.receivedActions).toEqual([id, id, id]);
    expect(s.recordedActions.size).toBe(1);
    expect(h.outbox.get(id)).toMatchObject({ attempts: 3, result: { ok: true, duplicate: true } });
  });

  it('keeps a refused action as failed and visible, and goes on with the next', async () => {
    const s = await server();
    s.refuseActionType = 'broadcast.report';
    const h = startClient(s.url);
    await h.untilState('online');
    const refused = h.outbox.enqueue('broadcast.report', 'operator', { releaseId: 'r-1', summary: {} });
    const next = h.outbox.enqueue('alert.ack', 'operator', { alertId: 'al-1' });
    await h.until('both settled', () => h.outbox.get(next.id)?.state === 'acked' && h.outbox.get(refused.id)?.state === 'failed');
    expect(h.outbox.get(refused.id)).toMatchObject({ lastError: 'refused: broadcast.report is not accepted', attempts: 1 });
    await h.until('failed counted', () => h.client.status().failedActions === 1);
  });
});

describe('actions written inside a caller transaction', () => {
  it('are sent only once that transaction committed, and never when it rolled back', async () => {
    const s = await server();
    const h = startClient(s.url);
    await h.untilState('online');
    expect(() =>
      h.db.transaction(() => {
        h.outbox.enqueue('alert.ack', 'operator', { alertId: 'rolled-back' });
        throw new Error('the acknowledgement failed');
      })(),
    ).toThrow('the acknowledgement failed');
    const kept = h.db.transaction(() => h.outbox.enqueue('alert.ack', 'operator', { alertId: 'kept' }))();
    await h.until('acked', () => h.outbox.get(kept.id)?.state === 'acked');
    expect(s.receivedActions).toEqual([kept.id]);
  });
});

describe('the snapshot validates every item', () => {
  it('quarantines bad snapshot items and applies the rest', async () => {
    const s = await server();
    seed(s, 2);
    s.rebuild((state) => {
      state.sensor['bad-sensor'] = { ...sensor(), type: 'seismograph' };
    });
    s.compact(); // a fresh console cannot replay the log: it takes a snapshot
    const h = startClient(s.url, { mirror: mirrorOnDisk() });
    await h.until('online at the epoch', () => h.store.cursor().epoch === s.epoch && h.client.status().state === 'online');
    expect(h.store.sensors.list().map((x) => x.id)).toEqual(['rain-1']);
    expect(h.store.quarantine.list()).toEqual([expect.objectContaining({ kind: 'sensor', itemId: 'bad-sensor', seq: null })]);
    expect(KINDS.length).toBe(6);
  });
});
