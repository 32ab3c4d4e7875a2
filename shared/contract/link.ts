/**
 * Contract types for the district link and the upstream mirror (cameras, sensors, readings,
 * alerts, notices). The wire protocol itself is shared/district-link/protocol.ts.
 */
import { z } from 'zod';
import { LinkAlert, LinkCamera, LinkNotice, LinkSensor, SensorType } from '../district-link/protocol';

export const LINK_STATES = ['disabled', 'connecting', 'online', 'reconnecting', 'offline', 'unauthorized', 'protocol-unsupported'] as const;
export const LinkState = z.enum(LINK_STATES);
export type LinkState = z.infer<typeof LinkState>;

export const LinkStatus = z.object({
  state: LinkState,
  /** When the link entered this state (ISO). */
  since: z.string(),
  url: z.string().nullable(),
  serverId: z.string().nullable(),
  epoch: z.string().nullable(),
  /** Highest seq durably applied. */
  cursor: z.number().int(),
  /** Highest seq the server has told us about. */
  headSeq: z.number().int(),
  /** headSeq − cursor. */
  lag: z.number().int(),
  pendingActions: z.number().int(),
  failedActions: z.number().int(),
  quarantined: z.number().int(),
  /** When a change was last applied (ISO) — the "数据截至" time while offline. */
  lastAppliedAt: z.string().nullable(),
  lastError: z.string().optional(),
});
export type LinkStatus = z.infer<typeof LinkStatus>;

export const QuarantineItem = z.object({
  id: z.number().int(),
  receivedAt: z.string(),
  epoch: z.string().nullable(),
  seq: z.number().int().nullable(),
  kind: z.string().nullable(),
  itemId: z.string().nullable(),
  reason: z.string(),
  /** The raw change as received (JSON text, truncated to 64 KiB). */
  raw: z.string(),
});
export type QuarantineItem = z.infer<typeof QuarantineItem>;

export const ACTION_STATES = ['pending', 'sent', 'acked', 'failed'] as const;
export const ActionState = z.enum(ACTION_STATES);
export type ActionState = z.infer<typeof ActionState>;

export const ActionRecord = z.object({
  id: z.string(),
  type: z.string(),
  at: z.string(),
  by: z.string(),
  payload: z.record(z.string(), z.unknown()),
  state: ActionState,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  ackedAt: z.string().nullable(),
});
export type ActionRecord = z.infer<typeof ActionRecord>;

export const Camera = LinkCamera.extend({ id: z.string(), updatedAt: z.string() });
export type Camera = z.infer<typeof Camera>;

export const Sensor = LinkSensor.extend({ id: z.string(), updatedAt: z.string() });
export type Sensor = z.infer<typeof Sensor>;

export const ReadingPoint = z.object({ sensorId: z.string(), value: z.number(), at: z.string() });
export type ReadingPoint = z.infer<typeof ReadingPoint>;

export const ReadingBucket = z.enum(['raw', 'hour']);
export const ReadingRange = z.object({
  sensorId: z.string(),
  bucket: ReadingBucket,
  points: z.array(z.object({ at: z.string(), value: z.number(), min: z.number().optional(), max: z.number().optional(), n: z.number().int().optional() })),
});
export type ReadingRange = z.infer<typeof ReadingRange>;

/** A mirrored alert: the CAP-shaped record as the platform sent it, plus where it came from. */
export const AlertRecord = z.object({
  id: z.string(),
  source: z.enum(['link', 'cap', 'rule', 'manual']),
  level: z.enum(['blue', 'yellow', 'orange', 'red']),
  type: z.string(),
  stationCode: z.string().nullable(),
  sensorId: z.string().nullable(),
  headline: z.string(),
  sent: z.string(),
  status: z.string(),
  msgType: z.string(),
  cap: LinkAlert,
  updatedAt: z.string(),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

export const Notice = LinkNotice.extend({ id: z.string(), at: z.string() });
export type Notice = z.infer<typeof Notice>;

export { SensorType };
