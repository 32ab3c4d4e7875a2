/**
 * The release's crash promise, as a fault test with real processes: "killing the console
 * mid-release and restarting sends no confirmed delivery twice".
 *
 * The console runs as the real web host (demo mode: demo accounts and demo contacts) with its
 * own simulators switched off; the devices it drives are simulators this test process runs, so
 * they outlive the console and remember everything they received across the kill:
 *  - a loudspeaker terminal for 上城街道 and each of its 9 demo communities — the town and four
 *    communities play for 0.3 s (confirmed before the kill), five play for 15 s (still playing
 *    at the kill, ending after the restart);
 *  - a GSM modem on TCP, with sendIntervalMs 400 on the console's device entry, so the 21
 *    two-part SMS take ~17 s and the kill lands mid-queue.
 * The operator creates an orange 暴雨 warning (residents + duty + flood-duty, speaker + SMS), the
 * commander approves it; once a few SMS are confirmed and some are still queued the console is
 * SIGKILLed. The delivery states at the moment of the kill are read straight from its database
 * (nothing can change them any more), then the console is restarted on the same data dir and the
 * test waits for the warning to finish.
 *
 * Asserted: every delivery confirmed — or sent and waiting for its confirmation — at the kill got
 * exactly one start (terminal) / one message (modem); everything queued at the kill is confirmed
 * after the restart, sent once. A delivery that was `sending` at the kill (the command may or may
 * not have reached the device) is tried once more after the restart, so it may arrive at most
 * twice — the one duplicate the engine allows.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { TOWN_SEATS } from '../../shared/places';
import type { Delivery, Warning } from '../../shared/contract/warnings';
import { TerminalFleet, terminalSpec, type TerminalSimulator } from '../../electron/core/sim/devices/terminal-sim';
import { ModemSimulator } from '../../electron/core/sim/devices/modem-sim';
import { freshDataDir, loginToken, rpc, startHost, type RunningHost } from '../fixtures/web-host-process';

const TOWN = TOWN_SEATS.find((t) => t.code === '441602001000')!; // 上城街道: 9 demo communities 001…009
const SHORT_PLAY_MS = 300;
const LONG_PLAY_MS = 15_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Polls `probe` until it returns a value (a signal from the console), or fails after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function call<T>(url: string, token: string, method: string, params: unknown = {}): Promise<T> {
  const { body } = await rpc<T>(url, method, params, token);
  if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
  return body.value;
}

/** The delivery rows as the killed console left them on disk. */
function deliveriesOnDisk(dataDir: string, warningId: string): { channel: string; target: string; state: string; attempts: number }[] {
  const db = new Database(path.join(dataDir, 'hall.sqlite'), { fileMustExist: true });
  try {
    return db.prepare('SELECT channel, target, state, attempts FROM deliveries WHERE warning_id = ?').all(warningId) as never;
  } finally {
    db.close();
  }
}

/** Start requests a terminal acted on for this EBM id, and start frames it received (resends included). */
function startsOf(t: TerminalSimulator, ebmId: string): { broadcasts: number; sessions: number } {
  const frames = t.receivedOf('startBroadcast').filter((f) => f.business === 'startBroadcast' && f.data.ebmId === ebmId);
  return { broadcasts: t.broadcasts.filter((b) => b.ebmId === ebmId).length, sessions: new Set(frames.map((f) => f.sessionId)).size };
}

/** Distinct SMS (not parts) the modem accepted for a number: one per concatenation reference. */
function messagesTo(modem: ModemSimulator, phone: string): number {
  const tail = (s: string) => s.replace(/\D/g, '').slice(-11);
  const submits = modem.submits.filter((s) => tail(s.decoded.number) === tail(phone));
  const concatRefs = new Set(submits.flatMap((s) => (s.decoded.concat ? [s.decoded.concat.reference] : [])));
  return concatRefs.size + submits.filter((s) => !s.decoded.concat).length;
}

describe('warning release across a console crash', () => {
  it('after a SIGKILL mid-release and a restart, nothing confirmed or sent is sent again and the rest goes out', async () => {
    // ---- the devices, outside the console ----
    const places = [
      { code: TOWN.code, name: TOWN.name, kind: 'town' as const },
      ...Array.from({ length: TOWN.demoVillages }, (_, i) => ({ code: TOWN.code.slice(0, 9) + String(i + 1).padStart(3, '0'), name: `演示社区${i + 1}`, kind: 'village' as const })),
    ];
    const specs = places.map((p) => terminalSpec({ code: p.code, name: `${p.name}大喇叭`, kind: p.kind }));
    const quick = new TerminalFleet(specs.slice(0, 5), { playMs: SHORT_PLAY_MS });
    const slow = new TerminalFleet(specs.slice(5), { playMs: LONG_PLAY_MS });
    await Promise.all([quick.start(), slow.start()]);
    cleanups.push(() => Promise.all([quick.close(), slow.close()]));
    const terminals = [...quick.terminals, ...slow.terminals];
    const modem = new ModemSimulator({ reportDelayMs: 100 });
    const modemPort = await modem.listenTcp(0);
    cleanups.push(() => modem.close());

    const dataDir = freshDataDir('hall-resume-');
    const configFile = path.join(dataDir, 'hall.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        simulator: { devices: false, deviceTroubleMinutes: 0 },
        warnings: { retryMinSeconds: 0.2, retryMaxSeconds: 1, playSlackSeconds: 30, smsConfirmMinutes: 0.1 },
        devices: [...quick.deviceEntries(), ...slow.deviceEntries(), { id: 'modem-1', kind: 'gsm-modem', name: '短信猫', tcp: { host: '127.0.0.1', port: modemPort }, sendIntervalMs: 400 }],
      }),
    );
    const args = ['--demo', '--config', configFile];
    let host: RunningHost = await startHost(args, { dataDir });
    cleanups.push(() => host.stop());

    // ---- create, submit, approve ----
    let operator = await loginToken(host.url, 'operator', 'operator123');
    const commander = await loginToken(host.url, 'commander', 'commander123');
    await until('every device online', async () => {
      const list = await call<{ state: string }[]>(host.url, operator, 'devices.list');
      return list.length === terminals.length + 1 && list.every((d) => d.state === 'online') ? true : undefined;
    });
    const warning = await call<Warning>(host.url, operator, 'warnings.create', {
      type: 'rainstorm',
      level: 'orange',
      title: '暴雨橙色预警',
      text: '上城街道未来3小时将出现50毫米以上强降雨，请低洼地带、河道沿岸人员立即转移，注意防范山洪和城市内涝。',
      area: { stationCodes: [TOWN.code] },
      audiences: ['residents', 'duty', 'flood-duty'],
      channels: ['speaker', 'sms'],
      repeat: 1,
    });
    await call(host.url, operator, 'warnings.submit', { id: warning.id });
    await call(host.url, commander, 'warnings.approve', { id: warning.id });

    // ---- wait for the middle of the release, then kill ----
    const deliveries = () => call<Delivery[]>(host.url, operator, 'warnings.deliveries', { id: warning.id });
    await until('short plays and a few SMS confirmed while SMS are still queued', async () => {
      const list = await deliveries();
      const confirmedSpeakers = list.filter((d) => d.channel === 'speaker' && d.state === 'confirmed').length;
      const confirmedSms = list.filter((d) => d.channel === 'sms' && d.state === 'confirmed').length;
      const queuedSms = list.filter((d) => d.channel === 'sms' && d.state === 'queued').length;
      return confirmedSpeakers >= 5 && confirmedSms >= 3 && queuedSms >= 5 ? true : undefined;
    });
    await new Promise<void>((resolve) => {
      host.child.once('exit', () => resolve());
      host.child.kill('SIGKILL');
    });
    const atKill = deliveriesOnDisk(dataDir, warning.id);
    const inState = (...states: string[]) => atKill.filter((d) => states.includes(d.state));
    expect(atKill.filter((d) => d.channel === 'speaker')).toHaveLength(terminals.length);
    expect(inState('confirmed').length).toBeGreaterThanOrEqual(8);
    expect(inState('queued').length).toBeGreaterThanOrEqual(4);
    // Observed, for the report: how the kill split the deliveries.
    console.log(`[resume] at the kill: ${['confirmed', 'sent', 'sending', 'queued', 'failed'].map((s) => `${s} ${inState(s).length}`).join(', ')}`);

    // ---- restart on the same data dir and wait for the end ----
    host = await startHost(args, { dataDir });
    operator = await loginToken(host.url, 'operator', 'operator123');
    const finished = await until('the warning to finish after the restart', async () => {
      const w = await call<Warning>(host.url, operator, 'warnings.get', { id: warning.id });
      return w.status === 'releasing' ? undefined : w;
    });
    const final = await deliveries();
    console.log(`[resume] after the restart: ${finished.status} ${JSON.stringify(finished.counts)}`);

    // ---- each device's own record ----
    const terminalOf = new Map(terminals.map((t) => [t.resourceCode, t]));
    const sendsOf = (d: { channel: string; target: string }) => {
      if (d.channel === 'sms') return messagesTo(modem, d.target);
      const s = startsOf(terminalOf.get(d.target)!, warning.ebmId);
      return Math.max(s.broadcasts, s.sessions);
    };
    const finalState = new Map(final.map((d) => [`${d.channel}/${d.target}`, d.state]));
    for (const d of inState('confirmed', 'sent')) {
      // Confirmed or handed over before the kill: never sent again.
      expect(sendsOf(d), `${d.channel} ${d.target} (${d.state} at the kill)`).toBe(1);
    }
    for (const d of inState('queued')) {
      // Not yet touched at the kill: sent once after the restart, and confirmed.
      if (d.attempts === 0) expect(sendsOf(d), `${d.channel} ${d.target} (queued at the kill)`).toBe(1);
      expect(finalState.get(`${d.channel}/${d.target}`), `${d.channel} ${d.target} (queued at the kill)`).toBe('confirmed');
    }
    console.log(`[resume] sending at the kill: ${inState('sending').map((d) => `${d.channel} ${d.target} sent ${sendsOf(d)}×`).join(', ') || 'none'}`);
    for (const d of inState('sending')) {
      // In flight at the kill: the console cannot know whether the device got it, so it tries
      // once more — at most two sends, and it ends confirmed.
      expect(sendsOf(d), `${d.channel} ${d.target} (sending at the kill)`).toBeGreaterThanOrEqual(1);
      expect(sendsOf(d), `${d.channel} ${d.target} (sending at the kill)`).toBeLessThanOrEqual(2);
      expect(finalState.get(`${d.channel}/${d.target}`)).toBe('confirmed');
    }
    // The long plays were still running at the kill; their result reached the restarted console.
    for (const t of slow.terminals) {
      const d = final.find((x) => x.channel === 'speaker' && x.target === t.resourceCode);
      expect(d?.state, `${t.name} (playing across the restart)`).toBe('confirmed');
    }
    expect(['completed', 'partial']).toContain(finished.status);
    // Only an SMS whose status report fell into the dead console's lap stays unconfirmed.
    const unconfirmed = final.filter((d) => d.state !== 'confirmed');
    for (const d of unconfirmed) expect(`${d.channel} ${d.state}`).toBe('sms sent');
    expect(finished.status).toBe(unconfirmed.length === 0 ? 'completed' : 'partial');
  }, 120_000);
});
