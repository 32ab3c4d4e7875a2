/**
 * The publisher coalesces applied batches into few renderer events, yet the first change after a
 * quiet spell goes out at once (the latency the hall sees), and nothing is lost in the merge.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/core/events/bus';
import { MirrorPublisher } from '../../electron/core/link/publisher';
import type { StationsRepo } from '../../electron/core/stations/stations-repo';
import type { AppliedSummary } from '../../electron/core/link/seams';
import type { EventOf } from '../../shared/contract';

const noStations = { getMany: () => [] } as unknown as StationsRepo;

function readings(upTo: number, sensor: string, value: number): AppliedSummary {
  return {
    appliedTo: upTo,
    counts: { reading: 1 },
    ids: {},
    latestReadings: [{ sensorId: sensor, value, at: new Date(Date.UTC(2026, 0, 1, 0, 0, upTo)).toISOString() }],
    duplicates: 0,
    quarantined: 0,
  };
}

describe('mirror publisher', () => {
  it('publishes the first batch at once, then merges a burst into one trailing event', async () => {
    const events = new EventBus();
    const mirror: EventOf<'mirror.changed'>[] = [];
    const latest: EventOf<'readings.changed'>[] = [];
    events.on('mirror.changed', (e) => mirror.push(e));
    events.on('readings.changed', (e) => latest.push(e));
    const publisher = new MirrorPublisher(events, noStations, 40);

    publisher.add(readings(1, 'rain-1', 1), false);
    expect(mirror).toHaveLength(1); // leading edge: synchronous, no window to wait for
    expect(mirror[0]).toMatchObject({ upTo: 1, counts: { reading: 1 }, reset: false });

    const trailing = new Promise<void>((resolve) => events.on('mirror.changed', () => resolve()));
    for (let seq = 2; seq <= 500; seq++) publisher.add(readings(seq, `rain-${seq % 3}`, seq), false);
    expect(mirror).toHaveLength(1); // within the window: merged, not one event per change
    await trailing;
    expect(mirror).toHaveLength(2);
    expect(mirror[1]).toMatchObject({ upTo: 500, counts: { reading: 499 } });
    // The newest value per sensor survives the merge.
    const merged = new Map(latest[1]!.latest.map((r) => [r.sensorId, r.value]));
    expect(merged).toEqual(new Map([['rain-0', 498], ['rain-1', 499], ['rain-2', 500]]));
    publisher.close();
  });

  it('carries a reset through the merge so renderers reload everything', async () => {
    const events = new EventBus();
    const seen: EventOf<'mirror.changed'>[] = [];
    events.on('mirror.changed', (e) => seen.push(e));
    const publisher = new MirrorPublisher(events, noStations, 40);
    publisher.add(readings(10, 'rain-1', 1), false);
    const trailing = new Promise<void>((resolve) => events.on('mirror.changed', () => resolve()));
    publisher.add({ ...readings(3, 'rain-1', 2), counts: {} }, true); // new epoch, lower seq
    await trailing;
    expect(seen.at(-1)).toMatchObject({ reset: true, upTo: 3 });
    publisher.close();
  });
});
