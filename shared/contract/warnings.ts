/**
 * Warning release (预警发布): a Warning of a type and level, written in Chinese, to an area (the
 * district, towns, villages or a drawn polygon), for audiences (residents through loudspeakers
 * and amplifier zones, people through SMS, the radio net), approved where the rules say so,
 * released as Deliveries to terminals, zones, radios and recipients. Also the contacts directory
 * (通讯录) and the devices registry the release drives.
 */
import { z } from 'zod';
import { AlertLevel, AlertType, CapArea } from './alerts';
import { DivisionCode } from './entities';

// ---- contacts -------------------------------------------------------------------------------

/** 村居干部, 值班人员, 三防责任人, 救援队员 */
export const CONTACT_ROLES = ['cadre', 'duty', 'flood-duty', 'rescue'] as const;
export const ContactRole = z.enum(CONTACT_ROLES);
export type ContactRole = z.infer<typeof ContactRole>;

/** Mainland mobile numbers (11 digits, 1[3-9]…), optionally +86; fixed lines with area code 0762. */
export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^(\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/, 'a mainland mobile number (11 digits) or a fixed line with its area code');

export const Contact = z.object({
  id: z.string(),
  name: z.string().min(1).max(40),
  phone: PhoneNumber,
  /** The town or village (12 digits) the person belongs to, or the district (441602). */
  stationCode: DivisionCode,
  roles: z.array(ContactRole).min(1),
  /** Named groups (e.g. 区三防办, 镇街值班) used as escalation groups. */
  groups: z.array(z.string().min(1).max(40)).default([]),
  title: z.string().max(60).default(''),
  note: z.string().max(200).default(''),
  demo: z.boolean().default(false),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof Contact>;

export const ContactInput = Contact.omit({ id: true, updatedAt: true, demo: true }).extend({ id: z.string().optional() }).strict();
export type ContactInput = z.input<typeof ContactInput>;

export const ContactsListParams = z
  .object({
    q: z.string().max(64).optional(),
    stationCode: DivisionCode.optional(),
    role: ContactRole.optional(),
    group: z.string().max(40).optional(),
  })
  .strict();

export const ContactsFileFormat = z.enum(['csv', 'xlsx']);
export const ContactsImportResult = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  /** Rows refused, each with its 1-based row number in the file and what is wrong; nothing else is lost. */
  problems: z.array(z.object({ row: z.number().int(), message: z.string() })),
});
export type ContactsImportResult = z.infer<typeof ContactsImportResult>;

export const FilePayload = z.object({ filename: z.string(), mimeType: z.string(), dataBase64: z.string() });
export type FilePayload = z.infer<typeof FilePayload>;

// ---- devices --------------------------------------------------------------------------------

export const DEVICE_KINDS = ['gsm-modem', 'ip-speaker', 'amplifier-zones', 'radio', 'ptz-pelco-d'] as const;
export const DeviceKind = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKind>;
export const DeviceState = z.enum(['online', 'offline', 'fault']);
export type DeviceState = z.infer<typeof DeviceState>;

export const DeviceInfo = z.object({
  id: z.string(),
  kind: DeviceKind,
  name: z.string(),
  /** e.g. "tcp://10.1.2.3:5000" or "/dev/ttyUSB0@115200" */
  transport: z.string(),
  /** Where it is (terminals, zones): a town or village code. */
  stationCodes: z.array(z.string()),
  state: DeviceState,
  reason: z.string().nullable(),
  lastGoodAt: z.string().nullable(),
  since: z.string(),
  /** A simulator stands behind it (demo mode). */
  simulated: z.boolean(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

export const DeviceTestResult = z.object({ ok: z.boolean(), summary: z.string(), ms: z.number() });
export type DeviceTestResult = z.infer<typeof DeviceTestResult>;

/** Demo mode's fault controls for a simulated device. */
export const SIM_MODES = ['normal', 'offline', 'fault', 'refuse', 'slow'] as const;
export const SimMode = z.enum(SIM_MODES);
export type SimMode = z.infer<typeof SimMode>;

// ---- warnings -------------------------------------------------------------------------------

/** residents: loudspeakers and amplifier zones; people by role through SMS; the radio net. */
export const AUDIENCES = ['residents', 'cadre', 'duty', 'flood-duty', 'rescue', 'radio-net'] as const;
export const Audience = z.enum(AUDIENCES);
export type Audience = z.infer<typeof Audience>;

export const CHANNELS = ['speaker', 'amplifier', 'sms', 'radio'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/**
 * draft → submitted → approved → releasing → completed | partial | failed; cancelled from any
 * state before completion. A rejection returns the warning to draft with the reason.
 */
export const WARNING_STATUSES = ['draft', 'submitted', 'approved', 'releasing', 'completed', 'partial', 'failed', 'cancelled'] as const;
export const WarningStatus = z.enum(WARNING_STATUSES);
export type WarningStatus = z.infer<typeof WarningStatus>;

export const WarningArea = z.object({
  /** Towns and villages (12-digit codes); the district's code (441602) means everywhere. */
  stationCodes: z.array(DivisionCode).max(200).default([]),
  /** A drawn area (CAP polygon/circle) from the map's targeting tool; terminals inside it are targeted too. */
  drawn: CapArea.optional(),
});
export type WarningArea = z.infer<typeof WarningArea>;

export const Escalation = z
  .object({
    /** Escalate when fewer than this share (0–100 %) of people confirm… */
    minConfirmedPercent: z.number().min(1).max(100),
    /** …within this many minutes of the release. */
    withinMinutes: z.number().min(1).max(24 * 60),
    /** The contacts' group that gets the message then. */
    group: z.string().min(1).max(40),
  })
  .strict();
export type Escalation = z.infer<typeof Escalation>;

export const WarningInput = z
  .object({
    type: AlertType,
    level: AlertLevel,
    title: z.string().trim().min(2).max(60),
    text: z.string().trim().min(4).max(1000),
    area: WarningArea,
    audiences: z.array(Audience).min(1),
    channels: z.array(Channel).min(1),
    /** How many times terminals play it. */
    repeat: z.number().int().min(1).max(10).default(2),
    /** Terminal volume 0–100; absent keeps each terminal's own. */
    volume: z.number().int().min(0).max(100).optional(),
    /** Release at this time (ISO, future) instead of at once. */
    scheduledAt: z.string().datetime({ offset: true }).optional(),
    escalation: Escalation.optional(),
    templateId: z.string().max(60).optional(),
    sourceAlertId: z.string().max(200).optional(),
    /** A drill (演练): terminals are told it is a drill and SMS texts are prefixed 【演练】. */
    drill: z.boolean().default(false),
  })
  .strict();
export type WarningInput = z.input<typeof WarningInput>;

export const DeliveryCounts = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  sending: z.number().int(),
  sent: z.number().int(),
  confirmed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type DeliveryCounts = z.infer<typeof DeliveryCounts>;

export const Warning = z.object({
  id: z.string(),
  /** 35-digit EBM id (devices-v1), allocated at creation. */
  ebmId: z.string(),
  msgType: z.enum(['Alert', 'Update', 'Cancel']),
  /** The warning this one updates or cancels (CAP references). */
  references: z.string().nullable(),
  type: AlertType,
  level: AlertLevel,
  title: z.string(),
  text: z.string(),
  area: WarningArea,
  audiences: z.array(Audience),
  channels: z.array(Channel),
  repeat: z.number().int(),
  volume: z.number().int().nullable(),
  scheduledAt: z.string().nullable(),
  escalation: Escalation.nullable(),
  templateId: z.string().nullable(),
  sourceAlertId: z.string().nullable(),
  drill: z.boolean(),
  /** public when residents hear it (loudspeakers, amplifiers, radio); internal when only staff get SMS. */
  scope: z.enum(['public', 'internal']),
  /** Orange/red or public warnings need a commander who is not the author. */
  needsApproval: z.boolean(),
  status: WarningStatus,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedBy: z.string().nullable(),
  submittedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  rejectedBy: z.string().nullable(),
  rejectReason: z.string().nullable(),
  /** A release without the approval the rules require: who, why, when. Shown prominently. */
  breakGlass: z.object({ by: z.string(), reason: z.string(), at: z.string() }).nullable(),
  releasedBy: z.string().nullable(),
  releasedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  cancelReason: z.string().nullable(),
  audio: z.object({ source: z.enum(['tts', 'upload', 'tone']), durationMs: z.number(), mimeType: z.string(), bytes: z.number().int() }).nullable(),
  counts: DeliveryCounts,
});
export type Warning = z.infer<typeof Warning>;

export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'confirmed', 'failed', 'cancelled'] as const;
export const DeliveryState = z.enum(DELIVERY_STATES);
export type DeliveryState = z.infer<typeof DeliveryState>;

export const Delivery = z.object({
  id: z.string(),
  warningId: z.string(),
  channel: Channel,
  /** The device that carries it (a terminal, an amplifier, a radio, the modem that sent the SMS). */
  deviceId: z.string().nullable(),
  /** What is reached: a terminal's resource code, a zone's station code, a radio, a phone number. */
  target: z.string(),
  targetName: z.string(),
  stationCode: z.string().nullable(),
  townCode: z.string().nullable(),
  contactId: z.string().nullable(),
  /** Added because too few people confirmed in time. */
  escalated: z.boolean(),
  state: DeliveryState,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type Delivery = z.infer<typeof Delivery>;

export const TownCoverage = z.object({
  townCode: z.string(),
  townName: z.string(),
  total: z.number().int(),
  confirmed: z.number().int(),
  failed: z.number().int(),
  /** Villages of the town with at least one confirmed terminal or zone / villages targeted. */
  villagesReached: z.number().int(),
  villagesTargeted: z.number().int(),
});
export type TownCoverage = z.infer<typeof TownCoverage>;

export const WarningEvent = z.object({ at: z.string(), by: z.string().nullable(), kind: z.string(), text: z.string() });
export type WarningEvent = z.infer<typeof WarningEvent>;

export const WarningDetail = Warning.extend({
  coverage: z.array(TownCoverage),
  byChannel: z.record(z.string(), DeliveryCounts),
  timeline: z.array(WarningEvent),
  /** What the caller may do now (the rules, evaluated for the calling user). */
  allowed: z.object({
    edit: z.boolean(),
    submit: z.boolean(),
    approve: z.boolean(),
    reject: z.boolean(),
    release: z.boolean(),
    breakGlass: z.boolean(),
    cancel: z.boolean(),
    update: z.boolean(),
  }),
});
export type WarningDetail = z.infer<typeof WarningDetail>;

export const WarningTemplate = z.object({
  id: z.string(),
  name: z.string(),
  type: AlertType,
  level: AlertLevel,
  /** With placeholders {区域} {时间} {级别}. */
  title: z.string(),
  text: z.string(),
  audiences: z.array(Audience),
  channels: z.array(Channel),
  repeat: z.number().int(),
});
export type WarningTemplate = z.infer<typeof WarningTemplate>;

export const WarningsListParams = z
  .object({ status: z.array(WarningStatus).optional(), limit: z.number().int().min(1).max(500).default(100) })
  .strict();

export const WarningAudio = z.object({
  source: z.enum(['tts', 'upload', 'tone']),
  mimeType: z.string(),
  durationMs: z.number(),
  dataBase64: z.string(),
  /** Where terminals fetch it. */
  url: z.string(),
});
export type WarningAudio = z.infer<typeof WarningAudio>;
