/**
 * The link inside createCore: disabled without an upstream outside demo mode; demo mode starts
 * the simulator in-process and connects through socket.io; an upstream in the config is used;
 * the methods serve the mirror; events are coalesced; close() stops the client and simulator.
 */
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseConfig } from '../../electron/core/config/config';
import type { Core } from '../../electron/core/core';
import { startDistrictSimulator } from '../../electron/core/sim/district/server';
import type { EventOf, LinkStatus } from '../../shared/contract';
import { mirrorDiff, plainState } from '../fixtures/link-compare';
import { signInAs, startCore, valueOf } from '../fixtures/core-helpers';

function untilLink(core: Core, what: string, check: (s: LinkStatus) => boolean, guardMs = 20_000): Promise<LinkStatus> {
  return new Promise((resolve, reject) => {
    if (check(core.link.status())) return resolve(core.link.status());
    const guard = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(core.link.status())}`));
    }, guardMs);
    const off = core.events.on('link.status', () => {
      const s = core.link.status();
      if (!check(s)) return;
      clearTimeout(guard);
      off();
      resolve(s);
    });
  });
}

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the link in createCore', () => {
  it('is disabled without an upstream outside demo mode, and its methods still answer', async () => {
    const { core } = await startCore({ demo: false, adminPassword: 'admin-password-1' });
    await core.link.ready;
    expect(core.link.status()).toMatchObject({ state: 'disabled', url: null, epoch: null, cursor: 0, lag: 0, pendingActions: 0, quarantined: 0 });
    expect(core.link.linkClient).toBeNull();
  });

  it('in demo mode starts the simulator in-process, mirrors it, serves the methods, and stops it on close', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'operator');
    // The host may listen before the simulator is up: the link reports connecting meanwhile.
    expect(['connecting', 'online']).toContain(valueOf<LinkStatus>(await core.invoke(ctx, 'link.status', {})).state);
    const mirrorEvent = new Promise<EventOf<'mirror.changed'>>((resolve) => core.events.on('mirror.changed', resolve));
    await core.link.ready;
    const sim = core.link.simulator!;
    await untilLink(core, 'online at the head', (s) => s.state === 'online' && s.cursor === sim.headSeq() && s.epoch === sim.epoch);
    expect(mirrorDiff(core.db, plainState(sim.state()))).toEqual([]);
    expect((await mirrorEvent).upTo).toBeGreaterThan(0);

    const status = valueOf<LinkStatus>(await core.invoke(ctx, 'link.status', {}));
    expect(status).toMatchObject({ state: 'online', url: sim.url, epoch: sim.epoch, lag: 0 });
    const cameras = valueOf<{ stationCode: string }[]>(await core.invoke(ctx, 'cameras.list', {}));
    expect(cameras.length).toBe(sim.state().camera.size);
    const sensors = valueOf<{ id: string; type: string }[]>(await core.invoke(ctx, 'sensors.list', {}));
    expect(sensors.length).toBe(sim.state().sensor.size);
    const rain = valueOf<{ type: string }[]>(await core.invoke(ctx, 'sensors.list', { type: 'rain' }));
    expect(rain.length).toBeGreaterThan(0);
    expect(rain.every((s) => s.type === 'rain')).toBe(true);
    const latest = valueOf<unknown[]>(await core.invoke(ctx, 'readings.latest', {}));
    expect(latest.length).toBeGreaterThan(0);
    const towns = valueOf<{ source?: string; lastContact?: string }[]>(await core.invoke(ctx, 'stations.list', { level: 'town' }));
    expect(towns).toHaveLength(8);
    expect(towns.filter((t) => t.lastContact).length).toBeGreaterThan(0);
    expect(valueOf(await core.invoke(ctx, 'link.quarantine.list', {}))).toEqual([]);
    expect(valueOf(await core.invoke(ctx, 'notices.list', {}))).toEqual(expect.any(Array));

    // An action from a domain, through the core's internal API, reaches the platform once.
    const { id } = core.link.enqueueAction('incident.report', 'operator', { incident: { id: 'inc-1', title: '内涝' } });
    await untilLink(core, 'the action acked', () => core.link.outbox.get(id)?.state === 'acked');
    expect(sim.receivedActions().find((a) => a.id === id)?.count).toBe(1);
    expect(valueOf<{ id: string; state: string }[]>(await core.invoke(ctx, 'link.actions.list', { state: 'acked' })).map((a) => a.id)).toEqual([id]);

    // Readings arrive as coalesced events: a burst of 2 000 gives a handful, not 2 000.
    let readingEvents = 0;
    let mirrorEvents = 0;
    const offR = core.events.on('readings.changed', () => readingEvents++);
    const offM = core.events.on('mirror.changed', () => mirrorEvents++);
    sim.control.burst(2_000);
    await untilLink(core, 'the burst applied', (s) => s.cursor === sim.headSeq());
    await new Promise<void>((resolve) => {
      const off = core.events.on('readings.changed', () => {
        off();
        resolve();
      });
    });
    offR();
    offM();
    expect(readingEvents).toBeGreaterThan(0);
    expect(readingEvents).toBeLessThan(20);
    expect(mirrorEvents).toBeLessThan(20);

    const url = sim.url;
    await core.closeAsync();
    expect(await portOpen(url)).toBe(false);
  });

  it('connects to the upstream of the config instead of starting a simulator', async () => {
    const sim = await startDistrictSimulator({ port: 0, tokens: ['cfg-token'], tickMs: 3_600_000 });
    onTestFinished(() => sim.close());
    const config = parseConfig({ demo: true, upstream: { url: sim.url, token: 'cfg-token', consoleId: 'hall-1' } });
    const { core } = await startCore({ demo: true, config });
    await core.link.ready;
    expect(core.link.simulator).toBeNull();
    const status = await untilLink(core, 'online', (s) => s.state === 'online' && s.cursor === sim.headSeq());
    expect(status.url).toBe(sim.url);
    expect(mirrorDiff(core.db, plainState(sim.state()))).toEqual([]);
  });
});
