import { afterEach, describe, expect, it } from 'vitest';
import { LinkAlert } from '../../shared/district-link/protocol';
import { parseSimArgs, UsageError } from '../../electron/core/sim/district/cli';
import { MirrorPeer, startSimProcess, type SimProcess } from '../fixtures/sim-district';

const processes: SimProcess[] = [];
const peers: MirrorPeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  for (const p of processes.splice(0)) await p.kill();
});

async function control(url: string, command: string): Promise<{ status: number; body: { ok: boolean; output?: string; error?: string } }> {
  const res = await fetch(`${url}/sim/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ command }) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; output?: string; error?: string } };
}

interface Status {
  epoch: string;
  headSeq: number;
  clients: number;
  receivedActions: unknown[];
}

async function status(url: string): Promise<Status> {
  return (await (await fetch(`${url}/sim/status`)).json()) as Status;
}

describe('sim:district command line', () => {
  it('reads its options and names a bad one', () => {
    expect(parseSimArgs([])).toEqual({ port: 7700 });
    expect(parseSimArgs(['--', '--port', '0', '--state', 's.sqlite', '--token', 'a', '--token', 'b', '--tick-ms', '50', '--seed', '9'])).toEqual({
      port: 0,
      stateFile: 's.sqlite',
      tokens: ['a', 'b'],
      tickMs: 50,
      seed: 9,
    });
    expect(() => parseSimArgs(['--port', 'x'])).toThrow(/--port must be a number.*"x"/);
    expect(() => parseSimArgs(['--port'])).toThrow(UsageError);
    expect(() => parseSimArgs(['--colour', 'red'])).toThrow(/unknown option --colour/);
  });

  it('runs as a child process: /sim/status, /sim/state, control commands, clean exit on SIGTERM', async () => {
    const sim = await startSimProcess(['--tick-ms', '3600000']);
    processes.push(sim);
    const before = await status(sim.url);
    expect(before).toMatchObject({ clients: 0, receivedActions: [] });
    expect(before.epoch).toMatch(/^e/);
    expect(sim.output()).toContain(`(epoch ${before.epoch})`);

    expect(await control(sim.url, 'burst 250')).toEqual({ status: 200, body: { ok: true, output: `head seq ${before.headSeq + 250}` } });
    expect((await status(sim.url)).headSeq).toBe(before.headSeq + 250);
    const state = (await (await fetch(`${sim.url}/sim/state`)).json()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(state).sort()).toEqual(['alert', 'camera', 'notice', 'reading', 'sensor', 'station']);
    expect(Object.keys(state['station']!)).toHaveLength(76);

    expect(await control(sim.url, 'storm monsoon')).toMatchObject({ status: 400, body: { ok: false, error: expect.stringMatching(/dragon-boat, typhoon.*"monsoon"/) as unknown } });
    expect(await control(sim.url, 'offline 441602999999')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/441602999999/) as unknown } });
    expect((await control(sim.url, 'help')).body.output).toContain('ack-drop');

    // A subscribed console sees the rebuild ordered over HTTP.
    const peer = new MirrorPeer(sim.url);
    peers.push(peer);
    await peer.until(() => peer.cursor === before.headSeq + 250, 'the log');
    expect((await status(sim.url)).clients).toBe(1);
    const rebuilt = await control(sim.url, 'rebuild');
    const epoch = /epoch (\S+)/.exec(rebuilt.body.output!)![1]!;
    await peer.until(() => peer.epoch === epoch && peer.snapshots === 1, 'the rebuilt epoch');

    expect(await sim.stop()).toBe(0);
  });

  it('stops and starts again on the same port when told to, and the console reconnects', async () => {
    const sim = await startSimProcess(['--tick-ms', '3600000']);
    processes.push(sim);
    const { headSeq } = await status(sim.url);
    const peer = new MirrorPeer(sim.url, { reconnection: true });
    peers.push(peer);
    await peer.until(() => peer.cursor === headSeq, 'the log');
    const gone = new Promise<void>((resolve) => peer.socket.once('disconnect', () => resolve()));
    const back = new Promise<void>((resolve) => peer.socket.io.once('reconnect', () => resolve()));
    expect((await control(sim.url, 'stop 1s')).body.output).toMatch(/listening again in 1 s/);
    await gone;
    await back;
    expect((await control(sim.url, 'burst 5')).status).toBe(200);
    const head = (await status(sim.url)).headSeq;
    await peer.until(() => peer.cursor === head, 'changes after the restart');
    expect(peer.snapshots).toBe(0);
  });

  it('plays a storm ordered on the command line, raising CAP alerts over the wire', async () => {
    const sim = await startSimProcess(['--tick-ms', '50', '--rate', '0']);
    processes.push(sim);
    const peer = new MirrorPeer(sim.url);
    peers.push(peer);
    await peer.until(() => peer.cursor > 0, 'the log');
    expect((await control(sim.url, 'storm dragon-boat 6h 2s')).body.output).toMatch(/6 h compressed to 2 s/);
    const alerts = () => [...peer.mirror.alert.values()] as LinkAlert[];
    await peer.until(() => alerts().some((a) => a.msgType === 'Cancel') && alerts().some((a) => a.local.level === 'red'), 'red alerts and their cancellation');
    for (const a of alerts()) expect(LinkAlert.safeParse(a).success).toBe(true);
    expect(peer.quarantine).toEqual([]);
  });
});
