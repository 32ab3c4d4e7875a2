/**
 * The delivery engine: moves each delivery queued → sending → sent → confirmed (or failed with
 * the device's reason), retrying with backoff. Every state is written before the device is
 * touched (synchronous = FULL), so a console killed mid-release resumes after a restart: what
 * was confirmed or sent is never sent again; only what was in flight at the moment of the kill
 * is tried once more. Each device carries one delivery at a time; devices work in parallel.
 *
 * Confirmations: a terminal's broadcast result 3 (succeeded), the SMS status report for every
 * part, the amplifier's coil read-back, the radio's unkeyed PTT after the transmission.
 */
import type { Db } from '../db/database';
import { durablyOrJoin as durable } from '../db/database';
import { backoffDelay } from '../link/backoff';
import type { AmplifierDriver, AnyDriver, BroadcastResult, GsmModemDriver, IpSpeakerDriver, RadioDriver, SmsStatusReport } from '../devices/driver';
import type { DeliveryRow, WarningsStore } from './store';
import type { WarningRecord } from './store';

export interface EngineDevices {
  get(id: string): AnyDriver | undefined;
  /** Modems in the order they are tried. */
  modems(): GsmModemDriver[];
  /** Subscribes to every driver's confirmations (current and future drivers). */
  onBroadcastResult(listener: (deviceId: string, result: BroadcastResult) => void): void;
  onStatusReport(listener: (deviceId: string, report: SmsStatusReport) => void): void;
}

export interface EngineOptions {
  attempts: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** How long a sent SMS waits for its status report. */
  smsConfirmMs: number;
  /** Slack after the expected play time before a terminal's missing result counts as unconfirmed. */
  playSlackMs: number;
}

export interface EngineHooks {
  warning(id: string): WarningRecord | undefined;
  warningByEbm(ebmId: string): WarningRecord | undefined;
  audioUrl(w: WarningRecord): string;
  smsText(w: WarningRecord): string;
  /** A delivery of this warning changed state (the service coalesces progress and checks the end). */
  changed(warningId: string): void;
  log(line: string): void;
}

const EVENT_LEVEL = { red: 1, orange: 2, yellow: 3, blue: 4 } as const;
/** GB/T 35965.1 style event type codes (5 characters) for the start command. */
const EVENT_TYPE: Record<string, string> = {
  rainstorm: '11B03',
  typhoon: '11B01',
  flood: '11A01',
  waterlog: '11A02',
  reservoir: '11A03',
  geohazard: '11C00',
  'forest-fire': '11D01',
  hazmat: '12A00',
  earthquake: '11E00',
  accident: '12B00',
  other: '10000',
};

interface SmsRef {
  mr: number;
  state: 'pending' | 'delivered' | 'failed';
}

export class DeliveryEngine {
  private readonly busyDevices = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly transmissions = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | null = null;
  /**
   * Status reports that matched no sent SMS yet: a report for part 1 can arrive while parts 2
   * and 3 are still being sent, before the delivery is marked sent with its references.
   */
  private earlyReports: { deviceId: string; report: SmsStatusReport; at: number }[] = [];
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly store: WarningsStore,
    private readonly devices: EngineDevices,
    private readonly hooks: EngineHooks,
    private readonly options: EngineOptions,
    private readonly now: () => Date,
  ) {
    devices.onBroadcastResult((deviceId, r) => this.onBroadcastResult(deviceId, r));
    devices.onStatusReport((deviceId, r) => this.onStatusReport(deviceId, r));
  }

  /** Resume after a start: in-flight deliveries go back to the queue. */
  start(): void {
    const requeued = this.store.requeueSending();
    if (requeued > 0) this.hooks.log(`[warnings] Resuming: ${requeued} deliveries that were being sent when the console stopped are queued again`);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.transmissions.forEach((c) => c.abort());
  }

  /** Look for due deliveries now (after a release, a retry time, a device freed). */
  pump(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const nowMs = this.now().getTime();
    for (const row of this.store.due(nowMs, 500)) {
      if (this.inFlight.has(row.id)) continue;
      const deviceKey = row.channel === 'sms' ? 'sms' : (row.device_id ?? row.id);
      if (this.busyDevices.has(deviceKey)) continue;
      this.busyDevices.add(deviceKey);
      this.inFlight.add(row.id);
      void this.deliver(row).finally(() => {
        this.busyDevices.delete(deviceKey);
        this.inFlight.delete(row.id);
        this.pump();
      });
    }
    const next = this.store.nextDueAt();
    if (next !== null && !this.stopped) {
      this.timer = setTimeout(() => this.pump(), Math.max(50, Math.min(next - this.now().getTime(), 60_000)));
      this.timer.unref?.();
    }
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    const w = this.hooks.warning(row.warning_id);
    if (!w || w.status !== 'releasing') return;
    durable(this.db, () => this.store.update(row.id, { state: 'sending', attempts: row.attempts + 1 }));
    this.hooks.changed(w.id);
    try {
      switch (row.channel) {
        case 'speaker':
          await this.sendSpeaker(row, w);
          break;
        case 'sms':
          await this.sendSms(row, w);
          break;
        case 'amplifier':
          await this.switchZone(row, w);
          break;
        case 'radio':
          await this.transmit(row, w);
          break;
      }
    } catch (error) {
      // The console is closing: devices were closed under the request; the row stays as it is
      // (sending → queued again at the next start).
      if (this.stopped) return;
      this.failed(row, error);
    }
    if (this.stopped) return;
    this.hooks.changed(w.id);
  }

  private playMs(w: WarningRecord): number {
    return (w.audio?.durationMs ?? 10_000) * w.repeat;
  }

  private driver<T extends AnyDriver>(row: DeliveryRow, kind: T['kind']): T {
    const d = row.device_id ? this.devices.get(row.device_id) : undefined;
    if (!d || d.kind !== kind) throw new Error(`device ${row.device_id ?? '?'} is no longer configured`);
    return d as T;
  }

  private async sendSpeaker(row: DeliveryRow, w: WarningRecord): Promise<void> {
    const speaker = this.driver<IpSpeakerDriver>(row, 'ip-speaker');
    await speaker.startBroadcast({
      ebmId: w.ebmId,
      kind: w.drill ? 'real-drill' : 'emergency',
      eventLevel: EVENT_LEVEL[w.level],
      eventType: EVENT_TYPE[w.type] ?? '10000',
      volume: w.volume ?? 0xff,
      repeat: w.repeat,
      audioUrl: this.hooks.audioUrl(w),
    });
    const current = this.store.delivery(row.id);
    if (current?.state !== 'sending') return; // a result arrived first and confirmed it
    durable(this.db, () =>
      this.store.update(row.id, { state: 'sent', sent_at: this.now().toISOString(), last_error: null, confirm_by: this.now().getTime() + this.playMs(w) + this.options.playSlackMs }),
    );
  }

  private async sendSms(row: DeliveryRow, w: WarningRecord): Promise<void> {
    const modems = this.devices.modems();
    if (modems.length === 0) throw new Error('no SMS modem is configured');
    // The order of channels for a person: each modem in turn, online ones first.
    const ordered = [...modems].sort((a, b) => Number(b.health().state === 'online') - Number(a.health().state === 'online'));
    let lastError: unknown = null;
    for (const modem of ordered) {
      try {
        const sent = await modem.sendSms(row.target, this.hooks.smsText(w));
        const refs: SmsRef[] = sent.references.map((mr) => ({ mr, state: 'pending' }));
        durable(this.db, () =>
          this.store.update(row.id, {
            state: 'sent',
            device_id: modem.id,
            refs: JSON.stringify(refs),
            sent_at: this.now().toISOString(),
            last_error: null,
            confirm_by: this.now().getTime() + this.options.smsConfirmMs,
          }),
        );
        const early = this.earlyReports.filter((e) => e.deviceId === modem.id);
        this.earlyReports = this.earlyReports.filter((e) => e.deviceId !== modem.id);
        for (const e of early) this.onStatusReport(e.deviceId, e.report);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  private async switchZone(row: DeliveryRow, w: WarningRecord): Promise<void> {
    const amp = this.driver<AmplifierDriver>(row, 'amplifier-zones');
    const stationCode = row.station_code!;
    await amp.setPower(true);
    await amp.setZones([stationCode], true);
    durable(this.db, () => this.store.update(row.id, { state: 'confirmed', sent_at: this.now().toISOString(), confirmed_at: this.now().toISOString(), last_error: null }));
    // The zone carries the hall's PA audio for the warning's play time, then opens again.
    const off = setTimeout(() => {
      amp.setZones([stationCode], false).catch((error: unknown) => this.hooks.log(`[warnings] ${amp.name}: could not switch zone ${stationCode} off: ${(error as Error).message}`));
    }, this.playMs(w));
    off.unref?.();
  }

  private async transmit(row: DeliveryRow, w: WarningRecord): Promise<void> {
    const radio = this.driver<RadioDriver>(row, 'radio');
    const abort = new AbortController();
    this.transmissions.set(row.id, abort);
    durable(this.db, () => this.store.update(row.id, { state: 'sent', sent_at: this.now().toISOString() }));
    this.hooks.changed(w.id);
    try {
      const channel = radio.channels[0]?.name;
      await radio.transmit({ ...(channel ? { channel } : {}), durationMs: this.playMs(w), signal: abort.signal });
    } finally {
      this.transmissions.delete(row.id);
    }
    if (abort.signal.aborted) return;
    durable(this.db, () => this.store.update(row.id, { state: 'confirmed', confirmed_at: this.now().toISOString(), last_error: null }));
  }

  private failed(row: DeliveryRow, error: unknown): void {
    const reason = reasonOf(error);
    const current = this.store.delivery(row.id);
    if (!current || current.state === 'cancelled' || current.state === 'confirmed') return;
    const attempts = current.attempts;
    if (attempts < this.options.attempts) {
      const delay = backoffDelay({ minMs: this.options.retryMinMs, maxMs: this.options.retryMaxMs }, attempts);
      durable(this.db, () => this.store.update(row.id, { state: 'queued', last_error: reason, next_attempt_at: this.now().getTime() + delay }));
    } else {
      durable(this.db, () => this.store.update(row.id, { state: 'failed', last_error: reason }));
      this.hooks.log(`[warnings] Delivery to ${row.target_name} (${row.channel}) failed after ${attempts} attempts: ${reason}`);
    }
  }

  private onBroadcastResult(deviceId: string, r: BroadcastResult): void {
    if (this.stopped) return;
    const w = this.hooks.warningByEbm(r.ebmId);
    const speaker = this.devices.get(deviceId);
    if (!w || !speaker || speaker.kind !== 'ip-speaker') return;
    const row = this.store.byTarget(w.id, 'speaker', speaker.resourceCode);
    if (!row || row.state === 'confirmed' || row.state === 'cancelled') return;
    const at = this.now().toISOString();
    if (r.state === 'succeeded') {
      durable(this.db, () => this.store.update(row.id, { state: 'confirmed', confirmed_at: at, last_error: null, sent_at: row.sent_at ?? at }));
    } else if (r.state === 'failed') {
      durable(this.db, () => this.store.update(row.id, { state: 'failed', last_error: `the terminal reported the broadcast failed (played ${r.playCount} times)` }));
    } else if (r.state === 'cancelled') {
      durable(this.db, () => this.store.update(row.id, { state: 'cancelled', last_error: 'the terminal reported the broadcast cancelled' }));
    } else if (r.state === 'playing' && row.state === 'sending') {
      durable(this.db, () => this.store.update(row.id, { state: 'sent', sent_at: at, confirm_by: this.now().getTime() + this.playMs(w) + this.options.playSlackMs }));
    } else return;
    this.hooks.changed(w.id);
  }

  private onStatusReport(deviceId: string, report: SmsStatusReport): void {
    if (report.state === 'pending' || this.stopped) return;
    for (const row of this.store.sentSmsByRef(deviceId, report.reference)) {
      if (!samePhone(row.target, report.recipient)) continue;
      const refs = JSON.parse(row.refs) as SmsRef[];
      const ref = refs.find((r) => r.mr === report.reference && r.state === 'pending');
      if (!ref) continue;
      ref.state = report.state;
      const allDelivered = refs.every((r) => r.state === 'delivered');
      const anyFailed = refs.some((r) => r.state === 'failed');
      durable(this.db, () =>
        this.store.update(row.id, {
          refs: JSON.stringify(refs),
          ...(anyFailed ? { state: 'failed' as const, last_error: `the network reports the SMS was not delivered: ${report.text} (TP-ST ${report.status})` } : {}),
          ...(allDelivered ? { state: 'confirmed' as const, confirmed_at: this.now().toISOString() } : {}),
        }),
      );
      this.hooks.changed(row.warning_id);
      return;
    }
    const nowMs = this.now().getTime();
    this.earlyReports = this.earlyReports.filter((e) => e.at > nowMs - 120_000).slice(-1000);
    this.earlyReports.push({ deviceId, report, at: nowMs });
  }

  /** Stop what is playing for a cancelled warning: terminals get a stop, radios unkey. */
  async stopWarning(w: WarningRecord): Promise<void> {
    const rows = this.store.deliveryRows(w.id);
    for (const row of rows) this.transmissions.get(row.id)?.abort();
    await Promise.allSettled(
      rows
        .filter((r) => r.channel === 'speaker' && (r.state === 'sent' || r.state === 'confirmed'))
        .map(async (r) => {
          const d = r.device_id ? this.devices.get(r.device_id) : undefined;
          if (d?.kind === 'ip-speaker') await d.stopBroadcast(w.ebmId);
        }),
    );
  }
}

function samePhone(a: string, b: string): boolean {
  const tail = (s: string) => s.replace(/\D/g, '').slice(-11);
  return tail(a) === tail(b);
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const details = (error as { details?: { deviceReason?: string } }).details;
    return details?.deviceReason && !error.message.includes(details.deviceReason) ? `${error.message} (${details.deviceReason})` : error.message;
  }
  return String(error);
}
