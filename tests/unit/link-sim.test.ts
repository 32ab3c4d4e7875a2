/**
 * The link client against the real district simulator (electron/core/sim/district), in-process,
 * over real sockets on 127.0.0.1: convergence to sim.state(), rebuilds and compaction, injected
 * malformed/duplicate/out-of-order items, a wrong token, and actions exactly once.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDistrictSimulator, type DistrictSimulator } from '../../electron/core/sim/district/server';
import { startClient, type Harness } from '../fixtures/link-harness';
import { mirrorDiff, plainState } from '../fixtures/link-compare';

const TOKEN = 'sim-test-token';

async function sim(options: Parameters<typeof startDistrictSimulator>[0] = {}): Promise<DistrictSimulator> {
  // A long tick: the world moves when a test says so (control.tick / burst), not on a timer.
  const s = await startDistrictSimulator({ port: 0, tokens: [TOKEN], tickMs: 3_600_000, ackTimeoutMs: 2_000, ...options });
  onTestFinished(() => s.close());
  return s;
}

function converged(h: Harness, s: DistrictSimulator): Promise<void> {
  return h.until(`the mirror at the simulator's head`, () => h.store.cursor().epoch === s.epoch && h.store.cursor().seq === s.headSeq() && h.client.status().state === 'online', 20_000);
}

describe('against the district simulator', () => {
  it('converges to sim.state() and stays converged through a burst and live changes', async () => {
    const s = await sim();
    const h = startClient(s.url, { token: TOKEN });
    await converged(h, s);
    expect(mirrorDiff(h.db, plainState(s.state()))).toEqual([]);
    s.control.burst(10_000);
    await converged(h, s);
    s.control.tick();
    const someStation = [...s.state().station.keys()].find((code) => code.length === 12 && !code.endsWith('000'))!;
    s.control.setOnline(someStation, false);
    await converged(h, s);
    expect(mirrorDiff(h.db, plainState(s.state()))).toEqual([]);
    expect(h.store.quarantineCount()).toBe(0);
  });

  it('re-snapshots and converges after a rebuild (new epoch) and after compaction', async () => {
    const s = await sim();
    const h = startClient(s.url, { token: TOKEN });
    await converged(h, s);
    const firstEpoch = s.epoch;
    s.control.rebuild();
    expect(s.epoch).not.toBe(firstEpoch);
    await converged(h, s);
    expect(mirrorDiff(h.db, plainState(s.state()))).toEqual([]);
    const resets = h.applied.filter((a) => a.reset).length;
    expect(resets).toBeGreaterThanOrEqual(1);

    // Compaction while the console is away forces a snapshot when it comes back.
    await h.client.stop();
    s.control.burst(500);
    s.control.compact();
    const again = startClient(s.url, { token: TOKEN, mirror: h });
    await converged(again, s);
    expect(again.applied.some((a) => a.reset)).toBe(true);
    expect(mirrorDiff(again.db, plainState(s.state()))).toEqual([]);
  });

  it('quarantines malformed items, ignores duplicates and stale out-of-order items, and stays online', async () => {
    const s = await sim();
    const h = startClient(s.url, { token: TOKEN });
    await converged(h, s);
    s.control.injectDuplicates(20);
    s.control.injectOutOfOrder(20);
    const seqs = s.control.injectMalformed(6);
    s.control.burst(200);
    await converged(h, s);
    expect(h.client.status()).toMatchObject({ state: 'online', quarantined: 6 });
    expect(h.store.quarantine.list().map((q) => q.seq).sort((a, b) => a! - b!)).toEqual(seqs);
    expect(mirrorDiff(h.db, plainState(s.state()))).toEqual([]);
  });

  it('a wrong token: unauthorized with the reason, and few connection attempts over a few seconds', async () => {
    const s = await sim();
    const h = startClient(s.url, { token: 'not-the-token', settings: { reconnectMinMs: 100, reconnectMaxMs: 30_000 } });
    const status = await h.untilState('unauthorized');
    expect(status.lastError).toContain('unauthorized');
    // Watch for three seconds: a storm would be dozens of attempts; at the cap it is just the first.
    await new Promise<void>((resolve) => {
      const guard = setTimeout(resolve, 3_000); // the observation window itself is what is measured
      guard.unref();
    });
    expect(h.client.connectionAttempts).toBe(1);
    expect(h.client.status().state).toBe('unauthorized');
  });

  it('delivers actions taken while offline exactly once after reconnecting', async () => {
    const s = await sim();
    const h = startClient(s.url, { token: TOKEN });
    await converged(h, s);
    await s.control.stop();
    await h.untilState('reconnecting');
    const alertId = [...s.state().alert.keys()][0];
    const ids = Array.from({ length: 5 }, (_, i) => h.outbox.enqueue('incident.report', 'operator', { incident: { id: `inc-${i}`, title: '内涝' }, ...(alertId ? { alertId } : {}) }).id);
    await s.control.start();
    await h.until('all acked', () => h.outbox.counts().pending === 0, 20_000);
    const received = new Map(s.receivedActions().map((a) => [a.id, a.count]));
    for (const id of ids) expect(received.get(id)).toBe(1);
    expect(h.outbox.list('acked').map((a) => a.id).sort()).toEqual([...ids].sort());
  });

  it('re-sends actions whose acks were dropped; the simulator absorbs them by id', async () => {
    const s = await sim();
    const h = startClient(s.url, { token: TOKEN });
    await converged(h, s);
    s.control.dropActionAcks(2);
    const a = h.outbox.enqueue('incident.report', 'operator', { incident: { id: 'inc-a' } });
    const b = h.outbox.enqueue('incident.report', 'operator', { incident: { id: 'inc-b' } });
    await h.until('both acked', () => h.outbox.get(a.id)?.state === 'acked' && h.outbox.get(b.id)?.state === 'acked', 20_000);
    const received = new Map(s.receivedActions().map((x) => [x.id, x]));
    expect(received.get(a.id)!.count + received.get(b.id)!.count).toBeGreaterThanOrEqual(3);
    expect([...received.keys()].filter((id) => id === a.id || id === b.id)).toHaveLength(2); // recorded once each
    expect(h.outbox.counts()).toEqual({ pending: 0, failed: 0 });
  });
});
