/**
 * The alert desk's contract: CAP 1.2 documents (OASIS element names, JSON form), the desk's alert
 * (one per CAP chain: an Alert and the Updates/Cancels that reference it), its lifecycle and
 * timeline, local threshold rules and saved filters.
 */
import { z } from 'zod';

export const ALERT_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export const AlertLevel = z.enum(ALERT_LEVELS);
export type AlertLevel = z.infer<typeof AlertLevel>;

/** Local alert types (the plan's hazards); a platform may send others, kept as given. */
export const ALERT_TYPES = [
  'rainstorm',
  'typhoon',
  'flood',
  'waterlog',
  'reservoir',
  'geohazard',
  'forest-fire',
  'hazmat',
  'earthquake',
  'accident',
  'other',
] as const;
export const AlertType = z.enum(ALERT_TYPES);
export type AlertType = z.infer<typeof AlertType>;

export const ALERT_SOURCES = ['link', 'cap', 'rule', 'manual'] as const;
export const AlertSource = z.enum(ALERT_SOURCES);
export type AlertSource = z.infer<typeof AlertSource>;

/**
 * The desk lifecycle: new → acknowledged → handling → closed (with a resolution), or escalated
 * to an incident; cancelled when the sender cancels it (a CAP Cancel).
 */
export const DESK_STATES = ['new', 'acknowledged', 'handling', 'closed', 'escalated', 'cancelled'] as const;
export const DeskState = z.enum(DESK_STATES);
export type DeskState = z.infer<typeof DeskState>;
/** States in which an alert still needs the desk (rings, counts as open, drawn on the map). */
export const OPEN_STATES: readonly DeskState[] = ['new', 'acknowledged', 'handling'];

// ---- CAP 1.2 --------------------------------------------------------------------------------

export const CAP_STATUS = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const;
export const CAP_CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export const CAP_RESPONSE_TYPES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;
export const CAP_URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_CERTAINTY = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

const ValuePair = z.object({ valueName: z.string(), value: z.string() });

export const CapResource = z.object({
  resourceDesc: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative().optional(),
  uri: z.string().optional(),
  derefUri: z.string().optional(),
  digest: z.string().optional(),
});

export const CapArea = z.object({
  areaDesc: z.string(),
  polygon: z.array(z.string()).optional(),
  circle: z.array(z.string()).optional(),
  geocode: z.array(ValuePair).optional(),
  altitude: z.number().optional(),
  ceiling: z.number().optional(),
});
export type CapArea = z.infer<typeof CapArea>;

export const CapInfo = z.object({
  language: z.string().optional(),
  category: z.array(z.string()).min(1),
  event: z.string(),
  responseType: z.array(z.string()).optional(),
  urgency: z.string(),
  severity: z.string(),
  certainty: z.string(),
  audience: z.string().optional(),
  eventCode: z.array(ValuePair).optional(),
  effective: z.string().optional(),
  onset: z.string().optional(),
  expires: z.string().optional(),
  senderName: z.string().optional(),
  headline: z.string().optional(),
  description: z.string().optional(),
  instruction: z.string().optional(),
  web: z.string().optional(),
  contact: z.string().optional(),
  parameter: z.array(ValuePair).optional(),
  resource: z.array(CapResource).optional(),
  area: z.array(CapArea),
});
export type CapInfo = z.infer<typeof CapInfo>;

/** A CAP 1.2 alert message as JSON (element names as in the OASIS schema; repeated elements are arrays). */
export const CapDocument = z.object({
  identifier: z.string(),
  sender: z.string(),
  sent: z.string(),
  status: z.enum(CAP_STATUS),
  msgType: z.enum(CAP_MSG_TYPES),
  source: z.string().optional(),
  scope: z.enum(CAP_SCOPES),
  restriction: z.string().optional(),
  addresses: z.string().optional(),
  code: z.array(z.string()).optional(),
  note: z.string().optional(),
  /** "sender,identifier,sent" triples separated by spaces. */
  references: z.string().optional(),
  incidents: z.string().optional(),
  info: z.array(CapInfo),
});
export type CapDocument = z.infer<typeof CapDocument>;

/** One problem found in a CAP document: where (an XPath-like path) and what. */
export const CapProblem = z.object({ path: z.string(), problem: z.string() });
export type CapProblem = z.infer<typeof CapProblem>;

// ---- The desk ----------------------------------------------------------------------------------

export const DeskAlert = z.object({
  id: z.string(),
  source: AlertSource,
  /** The CAP identifier and sender of the chain's first message. */
  identifier: z.string(),
  sender: z.string(),
  level: AlertLevel,
  type: z.string(),
  /** The town/street (9-digit prefix + 000) the alert is in, when known. */
  townCode: z.string().nullable(),
  stationCode: z.string().nullable(),
  sensorId: z.string().nullable(),
  headline: z.string(),
  event: z.string(),
  areaDesc: z.string(),
  /** CAP status of the latest message (Actual, Exercise, Test…). */
  capStatus: z.string(),
  /** msgType of the latest message of the chain. */
  msgType: z.string(),
  firstSent: z.string(),
  sent: z.string(),
  state: DeskState,
  ackedBy: z.string().nullable(),
  ackedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  resolution: z.string().nullable(),
  incidentId: z.string().nullable(),
  ruleId: z.string().nullable(),
  /** 0 none, 1 the desk was reminded, 2 the commanders were notified (unacknowledged orange/red). */
  remindStage: z.number().int().min(0).max(2),
  /** How many CAP messages the chain holds. */
  messages: z.number().int().nonnegative(),
  updatedAt: z.string(),
});
export type DeskAlert = z.infer<typeof DeskAlert>;

export const ALERT_EVENT_KINDS = [
  'raised',
  'updated',
  'acknowledged',
  'handling',
  'closed',
  'escalated',
  'cancelled',
  'reminder',
  'commanders-notified',
  'upstream',
  'note',
] as const;
export const AlertEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  /** The user who did it, or null for the console itself (rules, the link, reminders). */
  by: z.string().nullable(),
  kind: z.enum(ALERT_EVENT_KINDS),
  text: z.string(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const DeskAlertDetail = z.object({
  alert: DeskAlert,
  /** The chain's latest CAP message (what the alert says now). */
  cap: CapDocument,
  /** The chain's messages, oldest first. */
  chain: z.array(z.object({ identifier: z.string(), sender: z.string(), sent: z.string(), msgType: z.string() })),
  timeline: z.array(AlertEvent),
});
export type DeskAlertDetail = z.infer<typeof DeskAlertDetail>;

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1).max(20)]);

/** The desk's filter (also what a saved filter holds). Every field narrows; arrays mean "any of". */
export const AlertFilter = z
  .object({
    state: oneOrMany(DeskState).optional(),
    level: oneOrMany(AlertLevel).optional(),
    type: oneOrMany(z.string().min(1).max(40)).optional(),
    town: oneOrMany(z.string().regex(/^\d{12}$/, 'a 12-digit town code')).optional(),
    source: oneOrMany(AlertSource).optional(),
    /** Sent at or after (ISO time). */
    since: z.iso.datetime({ offset: true }).optional(),
    /** Sent before (ISO time). */
    until: z.iso.datetime({ offset: true }).optional(),
    /** Words in the headline, event, area or identifier. */
    q: z.string().max(100).optional(),
  })
  .strict();
export type AlertFilter = z.infer<typeof AlertFilter>;

export const AlertsListParams = AlertFilter.extend({
  limit: z.number().int().min(1).max(5000).optional(),
  /** From a previous page's nextCursor. */
  cursor: z.string().max(300).optional(),
}).strict();
export type AlertsListParams = z.infer<typeof AlertsListParams>;

export const AlertsListResult = z.object({ items: z.array(DeskAlert), nextCursor: z.string().nullable(), total: z.number().int() });
export type AlertsListResult = z.infer<typeof AlertsListResult>;

export const ManualAlertParams = z
  .object({
    level: AlertLevel,
    type: AlertType,
    headline: z.string().trim().min(2).max(200),
    description: z.string().max(5000).optional(),
    instruction: z.string().max(5000).optional(),
    stationCode: z.string().regex(/^\d{12}$/, 'a 12-digit division code').optional(),
    /** A CAP area, e.g. from the map's targeting tool. Without one, the station's point (or the district) is the area. */
    area: z
      .object({ areaDesc: z.string().min(1).max(500), polygon: z.array(z.string().max(20_000)).max(10).optional(), circle: z.array(z.string().max(200)).max(10).optional() })
      .strict()
      .optional(),
    exercise: z.boolean().optional(),
  })
  .strict();
export type ManualAlertParams = z.infer<typeof ManualAlertParams>;

export const RULE_METRICS = ['value', 'above-warn', 'band', 'rain-1h', 'rain-3h', 'rain-24h'] as const;
export const RuleMetric = z.enum(RULE_METRICS);

export const RuleThresholds = z
  .object({ blue: z.number().finite().optional(), yellow: z.number().finite().optional(), orange: z.number().finite().optional(), red: z.number().finite().optional() })
  .strict()
  .refine((t) => Object.keys(t).length > 0, 'at least one level needs a threshold')
  .refine((t) => {
    const v = ALERT_LEVELS.map((l) => t[l]).filter((x): x is number => x !== undefined);
    return v.every((x, i) => i === 0 || x > v[i - 1]!);
  }, 'thresholds must rise from blue to red');

export const AlertRule = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{2,40}$/, 'lowercase letters, digits and dashes'),
    name: z.string().trim().min(1).max(100),
    sensorType: z.enum(['rain', 'river', 'reservoir', 'waterlog', 'fire', 'gas']),
    /**
     * value: the reading itself; above-warn: how far above the sensor's warn level (汛限/警戒, in
     * the sensor's unit); band: where the reading stands between the sensor's own thresholds
     * (0 at warn, 1 at danger — for sensors whose units differ, like gas detectors);
     * rain-1h/3h/24h: rainfall over the window, from the gauge's hourly amounts.
     */
    metric: RuleMetric,
    thresholds: RuleThresholds,
    /** A level clears only when the metric falls this far below its threshold. */
    hysteresis: z.number().finite().nonnegative(),
    alertType: AlertType,
    enabled: z.boolean(),
  })
  .strict();
export type AlertRule = z.infer<typeof AlertRule>;

export const SavedAlertFilter = z.object({ id: z.number().int(), name: z.string(), filter: AlertFilter });
export type SavedAlertFilter = z.infer<typeof SavedAlertFilter>;

export const AlertCounts = z.object({
  open: z.number().int(),
  unacknowledged: z.number().int(),
  byLevel: z.record(AlertLevel, z.number().int()),
});
export type AlertCounts = z.infer<typeof AlertCounts>;
