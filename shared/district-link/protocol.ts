/**
 * District Link v1 (../shared/specs/district-link-v1.md): the wire schemas shared by the
 * console's client (electron/core/link) and the district simulator (electron/core/sim).
 * Validation is per kind; an item that fails goes to quarantine with the reason, never dropped.
 */
import { z } from 'zod';

export const PROTOCOL = 'district-link/1';
export const NAMESPACE = '/link';
export const MAX_BATCH_CHANGES = 1000;
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_UNACKED_BATCHES = 4;
export const ACK_TIMEOUT_MS = 30_000;

/** ISO 8601 with an offset (Z or ±hh:mm), as the spec requires for every time. */
export const IsoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
  message: 'an ISO 8601 time with an offset',
});
const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);
const Code12 = z.string().regex(/^\d{12}$/, 'a 12-digit division code');

export const KINDS = ['station', 'camera', 'sensor', 'reading', 'alert', 'notice'] as const;
export const Kind = z.enum(KINDS);
export type Kind = z.infer<typeof Kind>;

export const LinkStation = z.object({
  code: Code12,
  name: z.string().min(1).max(100),
  level: z.enum(['town', 'village']),
  parentCode: Code12.optional(),
  lat: Lat,
  lon: Lon,
  online: z.boolean(),
  dutyPerson: z.object({ name: z.string().max(50), phone: z.string().max(30) }).optional(),
});

const StreamUrl = z.string().max(2000).refine((s) => /^(https?|wss?):\/\//.test(s), { message: 'an http(s) or ws(s) URL' });
export const LinkCamera = z.object({
  name: z.string().min(1).max(100),
  stationCode: Code12,
  lat: Lat,
  lon: Lon,
  online: z.boolean(),
  ptz: z.boolean(),
  codec: z.enum(['h264', 'h265']).optional(),
  streams: z.object({ hls: StreamUrl.optional(), flv: StreamUrl.optional(), wsFlv: StreamUrl.optional(), whep: StreamUrl.optional() }),
});

export const SENSOR_TYPES = ['rain', 'river', 'reservoir', 'waterlog', 'fire', 'gas'] as const;
export const SensorType = z.enum(SENSOR_TYPES);
export const LinkSensor = z.object({
  name: z.string().min(1).max(100),
  stationCode: Code12,
  type: SensorType,
  lat: Lat,
  lon: Lon,
  unit: z.string().max(20),
  thresholds: z.object({ warn: z.number().optional(), danger: z.number().optional() }).optional(),
});

export const LinkReading = z.object({ sensorId: z.string().min(1).max(100), value: z.number().finite(), at: IsoTime });

const ValuePair = z.object({ valueName: z.string(), value: z.string() });
export const LinkAlert = z.object({
  identifier: z.string().min(1).max(200),
  sender: z.string().min(1).max(200),
  sent: IsoTime,
  status: z.enum(['Actual', 'Exercise', 'System', 'Test', 'Draft']),
  msgType: z.enum(['Alert', 'Update', 'Cancel', 'Ack', 'Error']),
  scope: z.enum(['Public', 'Restricted', 'Private']),
  references: z.string().optional(),
  info: z
    .array(
      z.object({
        language: z.string().optional(),
        category: z.array(z.string()).min(1),
        event: z.string().min(1),
        urgency: z.string(),
        severity: z.string(),
        certainty: z.string(),
        headline: z.string().optional(),
        description: z.string().optional(),
        instruction: z.string().optional(),
        effective: IsoTime.optional(),
        onset: IsoTime.optional(),
        expires: IsoTime.optional(),
        eventCode: z.array(ValuePair).optional(),
        area: z.array(
          z.object({
            areaDesc: z.string(),
            polygon: z.array(z.string()).optional(),
            circle: z.array(z.string()).optional(),
            geocode: z.array(ValuePair).optional(),
          }),
        ),
      }),
    )
    .min(1),
  local: z.object({
    level: z.enum(['blue', 'yellow', 'orange', 'red']),
    type: z.string().min(1),
    stationCode: Code12.optional(),
    sensorId: z.string().optional(),
  }),
});

export const LinkNotice = z.object({ title: z.string().min(1).max(200), body: z.string().max(20_000), from: z.string().max(200) });

export const ENTITY_SCHEMAS = {
  station: LinkStation,
  camera: LinkCamera,
  sensor: LinkSensor,
  reading: LinkReading,
  alert: LinkAlert,
  notice: LinkNotice,
} as const;

export type LinkStation = z.infer<typeof LinkStation>;
export type LinkCamera = z.infer<typeof LinkCamera>;
export type LinkSensor = z.infer<typeof LinkSensor>;
export type LinkReading = z.infer<typeof LinkReading>;
export type LinkAlert = z.infer<typeof LinkAlert>;
export type LinkNotice = z.infer<typeof LinkNotice>;

/** The envelope is checked loosely so a bad `data` can be quarantined with its seq intact. */
export const ChangeEnvelope = z.object({
  seq: z.number().int().nonnegative(),
  kind: z.string(),
  op: z.string(),
  id: z.string(),
  at: z.string(),
  data: z.unknown().optional(),
});
export type ChangeEnvelope = z.infer<typeof ChangeEnvelope>;

export interface Change {
  seq: number;
  kind: Kind;
  op: 'upsert' | 'delete';
  id: string;
  at: string;
  data?: unknown;
}

export const Hello = z.object({ protocol: z.string(), serverId: z.string(), serverTime: z.string(), epoch: z.string(), headSeq: z.number().int() });
export type Hello = z.infer<typeof Hello>;

export const SubscribeAck = z.union([
  z.object({ ok: z.literal(true), epoch: z.string(), headSeq: z.number().int() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export const ChangesBatch = z.object({ epoch: z.string(), changes: z.array(z.unknown()).max(MAX_BATCH_CHANGES) });
export const Reset = z.object({ epoch: z.string(), reason: z.string() });
export const SnapshotBegin = z.object({ snapshotId: z.string(), epoch: z.string(), asOfSeq: z.number().int() });
export const SnapshotPage = z.object({ items: z.array(z.object({ id: z.string(), data: z.unknown() })), nextCursor: z.string().nullable() });

export const ACTION_TYPES = ['alert.ack', 'alert.close', 'incident.report', 'broadcast.report'] as const;
export const Action = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(64),
  at: IsoTime,
  by: z.string().min(1).max(64),
  payload: z.record(z.string(), z.unknown()),
});
export type Action = z.infer<typeof Action>;

export const ActionResult = z.union([
  z.object({ ok: z.literal(true), duplicate: z.boolean().optional(), result: z.record(z.string(), z.unknown()).optional() }),
  z.object({ ok: z.literal(false), retryable: z.boolean(), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ActionResult = z.infer<typeof ActionResult>;

/** Why a change cannot be applied (null when it can): the quarantine's reason text. */
export function validateChange(raw: unknown): { ok: true; change: Change } | { ok: false; seq: number | null; reason: string } {
  const env = ChangeEnvelope.safeParse(raw);
  if (!env.success) {
    const seq = typeof (raw as { seq?: unknown } | null)?.seq === 'number' ? (raw as { seq: number }).seq : null;
    return { ok: false, seq, reason: `envelope: ${env.error.issues.map((i) => `${i.path.join('.') || '(change)'} ${i.message}`).join('; ')}` };
  }
  const c = env.data;
  const kind = Kind.safeParse(c.kind);
  if (!kind.success) return { ok: false, seq: c.seq, reason: `unknown kind "${c.kind}"` };
  if (c.op !== 'upsert' && c.op !== 'delete') return { ok: false, seq: c.seq, reason: `unknown op "${c.op}"` };
  if (!IsoTime.safeParse(c.at).success) return { ok: false, seq: c.seq, reason: `at: "${c.at}" is not an ISO 8601 time with an offset` };
  if (c.id.length === 0 || c.id.length > 200) return { ok: false, seq: c.seq, reason: 'id: empty or longer than 200 characters' };
  if (c.op === 'delete') return { ok: true, change: { seq: c.seq, kind: kind.data, op: 'delete', id: c.id, at: c.at } };
  const data = ENTITY_SCHEMAS[kind.data].safeParse(c.data);
  if (!data.success) {
    return { ok: false, seq: c.seq, reason: `${kind.data} ${c.id}: ${data.error.issues.map((i) => `${i.path.join('.') || '(data)'} ${i.message}`).join('; ')}` };
  }
  return { ok: true, change: { seq: c.seq, kind: kind.data, op: 'upsert', id: c.id, at: c.at, data: data.data } };
}
