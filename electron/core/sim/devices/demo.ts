/**
 * Demo mode's devices: a simulated loudspeaker terminal for each of the plan's 7 towns/streets
 * and 68 (demo) villages, one GSM modem (AT over TCP, as a ser2net serial server would carry
 * it), one amplifier with a zone per town (Modbus TCP), and one radio (rigctld's protocol). The
 * console drives them with its real drivers over loopback TCP. Like real equipment they
 * sometimes misbehave: now and then one goes offline or reports a fault for a minute or two.
 */
import type { ConfigDevice } from '../../config/config';
import type { SimMode } from '../../../../shared/contract/warnings';
import { TerminalFleet, terminalSpec } from './terminal-sim';
import { ModemSimulator } from './modem-sim';
import { AmplifierSimulator } from './modbus-sim';
import { RadioSimulator } from './radio-sim';

export interface DemoPlace {
  code: string;
  name: string;
  level: 'town' | 'village';
}

export interface DemoDevicesOptions {
  places: readonly DemoPlace[];
  terminalSpeed: number;
  smsReportMs: number;
  /** Mean minutes between simulated troubles (0: none). */
  troubleMinutes: number;
  log: (line: string) => void;
  random?: () => number;
}

export const DEMO_MODEM_ID = 'demo-modem';
export const DEMO_AMPLIFIER_ID = 'demo-amplifier';
export const DEMO_RADIO_ID = 'demo-radio';

export class DemoDevices {
  private fleet: TerminalFleet | null = null;
  private modem: ModemSimulator | null = null;
  private amplifier: AmplifierSimulator | null = null;
  private radio: RadioSimulator | null = null;
  private troubleTimer: NodeJS.Timeout | null = null;
  private entriesList: ConfigDevice[] = [];

  constructor(private readonly options: DemoDevicesOptions) {}

  async start(): Promise<ConfigDevice[]> {
    const towns = this.options.places.filter((p) => p.level === 'town');
    this.fleet = new TerminalFleet(
      this.options.places.map((p) => terminalSpec({ code: p.code, name: `${p.name}大喇叭`, kind: p.level === 'town' ? 'town' : 'village' })),
      { speed: this.options.terminalSpeed },
    );
    await this.fleet.start();
    this.modem = new ModemSimulator({ reportDelayMs: this.options.smsReportMs, urcRate: 0.05, smsc: '+8613800762500' });
    const modemPort = await this.modem.listenTcp(0);
    this.amplifier = new AmplifierSimulator({ coils: Math.max(16, towns.length + 1) });
    const ampPort = await this.amplifier.listenTcp(0);
    this.radio = new RadioSimulator({ frequencyHz: 150_100_000 });
    const radioPort = await this.radio.listen(0);
    this.entriesList = [
      ...this.fleet.deviceEntries(),
      { id: DEMO_MODEM_ID, kind: 'gsm-modem', name: '短信猫（演示）', tcp: { host: '127.0.0.1', port: modemPort }, sendIntervalMs: 300 },
      {
        id: DEMO_AMPLIFIER_ID,
        kind: 'amplifier-zones',
        name: '指挥中心功放（演示）',
        tcp: { host: '127.0.0.1', port: ampPort },
        unitId: 1,
        powerCoil: 0,
        zones: towns.map((t, i) => ({ stationCode: t.code, coil: i + 1, name: `${t.name}分区` })),
      },
      { id: DEMO_RADIO_ID, kind: 'radio', name: '三防电台（演示）', tcp: { host: '127.0.0.1', port: radioPort }, channels: [{ name: '三防应急', frequencyHz: 150_100_000 }] },
    ];
    this.scheduleTrouble();
    return this.entriesList;
  }

  /** The simulators themselves (tests look at what they received). */
  get sims(): { fleet: TerminalFleet | null; modem: ModemSimulator | null; amplifier: AmplifierSimulator | null; radio: RadioSimulator | null } {
    return { fleet: this.fleet, modem: this.modem, amplifier: this.amplifier, radio: this.radio };
  }

  get entries(): readonly ConfigDevice[] {
    return this.entriesList;
  }

  /** Tell one simulated device how to behave. */
  async simulate(deviceId: string, mode: SimMode): Promise<void> {
    if (deviceId === DEMO_MODEM_ID && this.modem) return this.modem.setMode(mode);
    if (deviceId === DEMO_AMPLIFIER_ID && this.amplifier) return this.amplifier.setMode(mode);
    if (deviceId === DEMO_RADIO_ID && this.radio) return this.radio.setMode(mode);
    const entry = this.entriesList.find((e) => e.id === deviceId);
    if (entry?.kind === 'ip-speaker' && this.fleet) return this.fleet.setMode(entry.stationCode, mode);
    throw new Error(`${deviceId} is not a simulated device`);
  }

  /** Every few minutes one terminal has trouble for a while, then recovers. */
  private scheduleTrouble(): void {
    const mean = this.options.troubleMinutes;
    if (mean <= 0 || !this.fleet) return;
    const random = this.options.random ?? Math.random;
    const wait = mean * 60_000 * (0.5 + random());
    this.troubleTimer = setTimeout(() => {
      const terminals = this.fleet?.terminals ?? [];
      const victim = terminals[Math.floor(random() * terminals.length)];
      if (victim && victim.mode === 'normal') {
        const mode = random() < 0.5 ? 'offline' : 'fault';
        void victim.setMode(mode).catch(() => undefined);
        const back = setTimeout(() => void victim.setMode('normal').catch(() => undefined), 60_000 + random() * 60_000);
        back.unref?.();
      }
      this.scheduleTrouble();
    }, wait);
    this.troubleTimer.unref?.();
  }

  async close(): Promise<void> {
    if (this.troubleTimer) clearTimeout(this.troubleTimer);
    await Promise.allSettled([this.fleet?.close(), this.modem?.close(), this.amplifier?.close(), this.radio?.close()]);
  }
}
