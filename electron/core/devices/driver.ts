/**
 * What the warning release engine and the devices page need from each driver. One driver per
 * `devices:` entry; every driver owns a `DeviceLink` (reconnect, health) and times out every
 * request. Failures are thrown as HallError('unavailable' | 'conflict', message naming the device
 * and the device's own reason, details: { deviceReason, code? }).
 */
import type { DeviceHealth } from './device-link';
import type { BroadcastKind, BroadcastState, ReplyData } from './ip-terminal';

export type DeviceKind = 'gsm-modem' | 'ip-speaker' | 'amplifier-zones' | 'radio' | 'ptz-pelco-d';

export interface DeviceDriver {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly name: string;
  /** Connects (and keeps reconnecting) in the background; never throws. */
  start(): void;
  close(): Promise<void>;
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
  /** A harmless probe (AT / query status / read coils / read frequency); resolves to a one-line summary. */
  probe(): Promise<string>;
}

// --- gsm-modem ---------------------------------------------------------------------------------
export interface SmsSent {
  /** One TP-MR per part, in part order. */
  references: number[];
  parts: number;
  encoding: 'gsm7' | 'ucs2';
}
export interface SmsStatusReport {
  reference: number;
  /** The recipient as the report names it. */
  recipient: string;
  state: 'delivered' | 'pending' | 'failed';
  /** TP-ST */
  status: number;
  text: string;
  at: string;
}
export interface GsmModemDriver extends DeviceDriver {
  readonly kind: 'gsm-modem';
  /** Sends one SMS (concatenated when long) with status reports requested. A `+CMS ERROR: n` rejects with details.code = n. */
  sendSms(recipient: string, text: string): Promise<SmsSent>;
  onStatusReport(listener: (report: SmsStatusReport) => void): () => void;
}

// --- ip-speaker --------------------------------------------------------------------------------
export interface StartBroadcast {
  ebmId: string;
  kind: BroadcastKind;
  /** 1 特别重大 … 4 一般 */
  eventLevel: 1 | 2 | 3 | 4;
  /** 5 ASCII characters (GB/T 35965 event type code, e.g. "11B03"). */
  eventType: string;
  /** 0–100, or 0xFF to keep the terminal's volume. */
  volume: number;
  repeat: number;
  audioUrl: string;
}
export interface BroadcastResult {
  ebmId: string;
  state: BroadcastState;
  startUtc: number;
  endUtc: number;
  playCount: number;
  at: string;
}
export interface IpSpeakerDriver extends DeviceDriver {
  readonly kind: 'ip-speaker';
  readonly resourceCode: string;
  readonly stationCode: string;
  /** Resolves when the terminal replied ok; rejects with its result code otherwise (or on timeout after retries). */
  startBroadcast(start: StartBroadcast): Promise<void>;
  stopBroadcast(ebmId: string): Promise<void>;
  setVolume(volume: number): Promise<void>;
  queryStatus(): Promise<ReplyData>;
  onBroadcastResult(listener: (result: BroadcastResult) => void): () => void;
}

// --- amplifier-zones ---------------------------------------------------------------------------
export interface AmplifierState {
  power: boolean;
  /** By station code. */
  zones: Record<string, boolean>;
}
export interface AmplifierDriver extends DeviceDriver {
  readonly kind: 'amplifier-zones';
  readonly zones: readonly { stationCode: string; coil: number; name?: string | undefined }[];
  /** Writes the coil(s) and reads them back; rejects when the read-back differs. */
  setPower(on: boolean): Promise<void>;
  setZones(stationCodes: readonly string[], on: boolean): Promise<void>;
  readState(): Promise<AmplifierState>;
}

// --- radio -------------------------------------------------------------------------------------
export interface RadioDriver extends DeviceDriver {
  readonly kind: 'radio';
  readonly channels: readonly { name: string; frequencyHz: number }[];
  setFrequency(hz: number): Promise<void>;
  getFrequency(): Promise<number>;
  setPtt(on: boolean): Promise<void>;
  getPtt(): Promise<boolean>;
  /**
   * Select the channel (name) or frequency, key PTT, hold it for `durationMs` (the audio's length),
   * unkey and verify with `t`. PTT is always released, also on abort or error.
   */
  transmit(options: { channel?: string; frequencyHz?: number; durationMs: number; signal?: AbortSignal }): Promise<void>;
}

export type AnyDriver = GsmModemDriver | IpSpeakerDriver | AmplifierDriver | RadioDriver;
