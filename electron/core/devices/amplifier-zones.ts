/**
 * The `amplifier-zones` driver (devices-v1): the hall/PA amplifier's power relay and one zone relay
 * per covered station, as Modbus coils over RTU (RS-485) or Modbus TCP.
 *
 * A relay that was told to switch is not trusted until it is read back: every write is followed
 * by a read of the same coils, and a difference rejects naming the coil and the station (a welded
 * relay, a module in manual override, a wrong coil number in the config). Every (re)connect reads
 * all configured coils before the device is called online, so "online" means "answers".
 */
import type { ConfigDevice } from '../config/config';
import { HallError } from '../api/errors';
import { DeviceLink, type DeviceHealth, type TransportOpener, type TransportSpec } from './device-link';
import type { AmplifierDriver, AmplifierState } from './driver';
import { ModbusClient } from './modbus';

export type AmplifierEntry = Extract<ConfigDevice, { kind: 'amplifier-zones' }>;

export interface AmplifierOptions {
  opener?: TransportOpener;
  log?: (line: string) => void;
  now?: () => Date;
  /** Per attempt; a silent device gets one retry. Default 1000 ms. */
  requestTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** Reading one span is one request; beyond this span the coils are read one by one. */
const MAX_SPAN = 256;

/** Consecutive coil numbers grouped, so a run can be one 0x0F write instead of many 0x05. */
function runs(coils: readonly number[]): number[][] {
  const sorted = [...new Set(coils)].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && last[last.length - 1] === c - 1) last.push(c);
    else out.push([c]);
  }
  return out;
}

export function createAmplifier(entry: AmplifierEntry, options: AmplifierOptions = {}): AmplifierDriver {
  const label = `amplifier-zones ${entry.id}`;
  const transport: TransportSpec = entry.serial ? { serial: entry.serial } : { tcp: entry.tcp! };
  const listeners = new Set<(health: DeviceHealth) => void>();
  const zones = entry.zones.map((z) => ({ stationCode: z.stationCode, coil: z.coil, name: z.name }));
  const allCoils = [entry.powerCoil, ...zones.map((z) => z.coil)];
  const client = new ModbusClient({ label, framing: 'serial' in transport ? 'rtu' : 'tcp', unitId: entry.unitId, timeoutMs: options.requestTimeoutMs ?? 1_000 });

  /** Reads the given coils (as few requests as is sensible), by coil number. */
  async function readCoils(coils: readonly number[]): Promise<Map<number, boolean>> {
    const values = new Map<number, boolean>();
    const min = Math.min(...coils);
    const max = Math.max(...coils);
    if (max - min < MAX_SPAN) {
      const bits = await client.readCoils(min, max - min + 1);
      for (const c of coils) values.set(c, bits[c - min]!);
    } else {
      for (const c of new Set(coils)) values.set(c, (await client.readCoils(c, 1))[0]!);
    }
    return values;
  }

  const toState = (values: Map<number, boolean>): AmplifierState => ({
    power: values.get(entry.powerCoil)!,
    zones: Object.fromEntries(zones.map((z) => [z.stationCode, values.get(z.coil)!])),
  });

  const link = new DeviceLink({
    label,
    transport,
    opener: options.opener,
    reconnectMinMs: options.reconnectMinMs,
    reconnectMaxMs: options.reconnectMaxMs,
    log: options.log,
    now: options.now,
    onData: (chunk) => client.onData(chunk),
    onDown: (reason) => client.onDown(reason),
    onHealth: (health) => listeners.forEach((l) => l(health)),
    onOpen: async () => {
      try {
        const state = toState(await readCoils(allCoils));
        options.log?.(`[devices] ${label}: ${summary(state)}`);
      } catch (error) {
        // An exception answer means the unit is there but unwell: the client has reported a
        // fault; stay connected. Anything else (no answer) fails the connect and retries.
        if (error instanceof HallError && (error.details as { code?: number } | undefined)?.code !== undefined) return;
        throw error;
      }
    },
  });
  client.attach(link);

  const summary = (s: AmplifierState): string => {
    const on = Object.values(s.zones).filter(Boolean).length;
    return `power ${s.power ? 'on' : 'off'}, ${on}/${zones.length} zones on`;
  };

  /** Writes `on` to the coils, then reads them back; a coil that disagrees rejects by name. */
  async function writeAndVerify(coils: readonly number[], on: boolean, names: (coil: number) => string): Promise<void> {
    for (const run of runs(coils)) {
      if (run.length === 1) await client.writeCoil(run[0]!, on);
      else await client.writeCoils(run[0]!, run.map(() => on));
    }
    const back = await readCoils(coils);
    const wrong = coils.filter((c) => back.get(c) !== on);
    if (wrong.length > 0) {
      const reason = `read-back mismatch: ${wrong.map((c) => `${names(c)} reads ${on ? 'off' : 'on'}`).join(', ')} after writing ${on ? 'on' : 'off'}`;
      throw new HallError('unavailable', `${label}: ${reason}`, { deviceReason: 'read-back mismatch', coils: wrong });
    }
  }

  return {
    id: entry.id,
    kind: 'amplifier-zones',
    name: entry.name,
    zones,
    start: () => link.start(),
    close: () => link.close(),
    health: () => link.status(),
    onHealth(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async probe() {
      return summary(toState(await readCoils(allCoils)));
    },
    async readState() {
      return toState(await readCoils(allCoils));
    },
    async setPower(on) {
      await writeAndVerify([entry.powerCoil], on, (coil) => `power (coil ${coil})`);
    },
    async setZones(stationCodes, on) {
      const unknown = stationCodes.filter((code) => !zones.some((z) => z.stationCode === code));
      if (unknown.length > 0) throw new HallError('not_found', `${label} has no zone for station ${unknown.join(', ')}`, { stationCodes: unknown });
      if (stationCodes.length === 0) return;
      const chosen = zones.filter((z) => stationCodes.includes(z.stationCode));
      const byCoil = new Map(chosen.map((z) => [z.coil, z]));
      await writeAndVerify([...byCoil.keys()], on, (coil) => {
        const z = byCoil.get(coil)!;
        return `${z.name ? `zone "${z.name}"` : 'zone'} (station ${z.stationCode}, coil ${coil})`;
      });
    },
  };
}
