/**
 * Incidents (事件) and the decision room (决策室): an incident's response level and its history,
 * the checklist a level loads, the event log (事件日志), tasks for teams, evacuation per village
 * (转移安置), losses per town (灾情, the fields of the plan's loss table), level changes proposed
 * by operators for the commander, and situation reports (情况报告, PDF).
 */
import { z } from 'zod';
import { AlertType, CapArea } from './alerts';
import { DivisionCode } from './entities';
import { Warning } from './warnings';

/** Ⅳ 一般 / Ⅲ 较大 / Ⅱ 重大 / Ⅰ 特别重大 */
export const INCIDENT_LEVELS = ['IV', 'III', 'II', 'I'] as const;
export const IncidentLevel = z.enum(INCIDENT_LEVELS);
export type IncidentLevel = z.infer<typeof IncidentLevel>;

export const INCIDENT_STATUSES = ['active', 'closing', 'closed'] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Which shipped checklist family an incident's type uses. */
export const CHECKLIST_FAMILIES = ['flood', 'forest-fire', 'hazmat', 'generic'] as const;
export const ChecklistFamily = z.enum(CHECKLIST_FAMILIES);
export type ChecklistFamily = z.infer<typeof ChecklistFamily>;

export const IncidentPlace = z.object({
  /** A town or village (12 digits) or the district (441602). */
  stationCode: DivisionCode.nullable().default(null),
  point: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).nullable().default(null),
  area: CapArea.nullable().default(null),
  description: z.string().max(200).default(''),
});
export type IncidentPlace = z.infer<typeof IncidentPlace>;

export const Incident = z.object({
  id: z.string(),
  title: z.string(),
  type: AlertType,
  family: ChecklistFamily,
  /** null until a response level is activated. */
  level: IncidentLevel.nullable(),
  status: IncidentStatus,
  place: IncidentPlace,
  occurredAt: z.string(),
  /** The commander's username (指挥长). */
  commander: z.string().nullable(),
  summary: z.string(),
  sourceAlertId: z.string().nullable(),
  /** The two live cameras the decision room shows. */
  cameraIds: z.array(z.string()).max(2),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  activatedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  closeNote: z.string().nullable(),
});
export type Incident = z.infer<typeof Incident>;

export const LevelChange = z.object({ at: z.string(), by: z.string(), from: IncidentLevel.nullable(), to: IncidentLevel.nullable(), reason: z.string() });
export type LevelChange = z.infer<typeof LevelChange>;

export const ChecklistItem = z.object({
  id: z.string(),
  /** The level whose activation loaded it. */
  level: IncidentLevel,
  seq: z.number().int(),
  text: z.string(),
  /** Who the plan makes responsible (e.g. 区三防办, 各镇街). */
  owner: z.string(),
  assignee: z.string().nullable(),
  /** Due this many minutes after the level was activated. */
  dueMinutes: z.number().int().nullable(),
  dueAt: z.string().nullable(),
  done: z.boolean(),
  doneBy: z.string().nullable(),
  doneAt: z.string().nullable(),
  note: z.string().nullable(),
  /** Items of a level that is no longer the incident's stay, marked superseded. */
  superseded: z.boolean(),
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

export const TASK_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export const IncidentTask = z.object({
  id: z.string(),
  incidentId: z.string(),
  title: z.string(),
  detail: z.string(),
  /** A rescue team or unit (救援队, 镇街, 部门). */
  assignee: z.string(),
  stationCode: z.string().nullable(),
  dueAt: z.string().nullable(),
  status: TaskStatus,
  overdue: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type IncidentTask = z.infer<typeof IncidentTask>;
export const TaskInput = z
  .object({
    id: z.string().max(100).optional(),
    title: z.string().trim().min(2).max(100),
    detail: z.string().max(1000).default(''),
    assignee: z.string().trim().min(1).max(60),
    stationCode: DivisionCode.nullable().default(null),
    dueAt: z.string().datetime({ offset: true }).nullable().default(null),
  })
  .strict();

/** 关注 / 准备转移 / 立即转移 / 就地避险 / 解除 / 演练 */
export const EVACUATION_STATUSES = ['watch', 'prepare', 'evacuate', 'shelter-in-place', 'lifted', 'drill'] as const;
export const EvacuationStatus = z.enum(EVACUATION_STATUSES);
export type EvacuationStatus = z.infer<typeof EvacuationStatus>;

export const EvacuationRecord = z.object({
  stationCode: z.string(),
  stationName: z.string(),
  townCode: z.string(),
  toMove: z.number().int().min(0),
  moved: z.number().int().min(0),
  shelter: z.string(),
  status: EvacuationStatus,
  updatedAt: z.string(),
  updatedBy: z.string(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});
export type EvacuationRecord = z.infer<typeof EvacuationRecord>;
export const EvacuationInput = z
  .object({
    incidentId: z.string().min(1).max(100),
    stationCode: z.string().regex(/^\d{12}$/, 'a 12-digit village code'),
    toMove: z.number().int().min(0).max(1_000_000),
    moved: z.number().int().min(0).max(1_000_000),
    shelter: z.string().max(100).default(''),
    status: EvacuationStatus,
  })
  .strict();
export const TownTotals = z.object({ townCode: z.string(), townName: z.string(), toMove: z.number().int(), moved: z.number().int(), villages: z.number().int() });
export const EvacuationSummary = z.object({
  records: z.array(EvacuationRecord),
  byTown: z.array(TownTotals),
  totals: z.object({ toMove: z.number().int(), moved: z.number().int(), villages: z.number().int() }),
});
export type EvacuationSummary = z.infer<typeof EvacuationSummary>;

/** The plan's loss table (三防灾情损失统计): people, houses, crops, money in 万元, casualties. */
export const LossFields = z.object({
  affectedPeople: z.number().int().min(0).default(0),
  relocated: z.number().int().min(0).default(0),
  housesCollapsed: z.number().int().min(0).default(0),
  housesDamaged: z.number().int().min(0).default(0),
  /** 农作物受灾面积, 亩 */
  cropAreaMu: z.number().min(0).default(0),
  /** 直接经济损失 and its breakdown, 万元 */
  directLoss: z.number().min(0).default(0),
  lossAgri: z.number().min(0).default(0),
  lossIndustryTransport: z.number().min(0).default(0),
  lossWaterFacilities: z.number().min(0).default(0),
  lossOther: z.number().min(0).default(0),
  deaths: z.number().int().min(0).default(0),
  missing: z.number().int().min(0).default(0),
  injured: z.number().int().min(0).default(0),
});
export type LossFields = z.infer<typeof LossFields>;
export const LossReport = LossFields.extend({ id: z.string(), townCode: z.string(), townName: z.string(), at: z.string(), by: z.string(), note: z.string() });
export type LossReport = z.infer<typeof LossReport>;
export const LossInput = LossFields.extend({
  incidentId: z.string().min(1).max(100),
  townCode: z.string().regex(/^\d{9}000$/, 'a 12-digit town code'),
  note: z.string().max(500).default(''),
}).strict();
export const LossSummary = z.object({
  /** Every report, newest first (the history). */
  reports: z.array(LossReport),
  /** The latest report of each town. */
  byTown: z.array(LossReport),
  /** Sum of the latest per town. */
  totals: LossFields,
});
export type LossSummary = z.infer<typeof LossSummary>;

export const TIMELINE_KINDS = ['alert', 'warning', 'device', 'wall', 'level', 'checklist', 'task', 'evacuation', 'loss', 'status', 'manual', 'report'] as const;
export const TimelineKind = z.enum(TIMELINE_KINDS);
export type TimelineKind = z.infer<typeof TimelineKind>;
export const TimelineEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: TimelineKind,
  text: z.string(),
  by: z.string().nullable(),
  significant: z.boolean(),
  /** What it is about (an alert id, a warning id, a device id, a task id…). */
  ref: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const LevelProposal = z.object({
  id: z.string(),
  incidentId: z.string(),
  incidentTitle: z.string(),
  from: IncidentLevel.nullable(),
  to: IncidentLevel,
  reason: z.string(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  state: z.enum(['pending', 'accepted', 'declined']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export type LevelProposal = z.infer<typeof LevelProposal>;

/** The decision room's large figures for one incident. */
export const IncidentKpis = z.object({
  durationMinutes: z.number().int(),
  openAlerts: z.number().int(),
  moved: z.number().int(),
  toMove: z.number().int(),
  overdueTasks: z.number().int(),
  openTasks: z.number().int(),
  confirmedDeliveries: z.number().int(),
  totalDeliveries: z.number().int(),
  checklistDone: z.number().int(),
  checklistTotal: z.number().int(),
  pendingProposals: z.number().int(),
});
export type IncidentKpis = z.infer<typeof IncidentKpis>;

export const IncidentSummary = Incident.extend({ kpis: IncidentKpis });
export type IncidentSummary = z.infer<typeof IncidentSummary>;

export const IncidentDetail = IncidentSummary.extend({
  levelHistory: z.array(LevelChange),
  checklist: z.array(ChecklistItem),
  proposals: z.array(LevelProposal),
  /** Situation reports made so far, newest first. */
  reports: z.array(z.object({ id: z.string(), at: z.string(), by: z.string(), filename: z.string(), bytes: z.number().int() })),
});
export type IncidentDetail = z.infer<typeof IncidentDetail>;

export const IncidentInput = z
  .object({
    title: z.string().trim().min(2).max(100),
    type: AlertType,
    level: IncidentLevel.optional(),
    place: IncidentPlace,
    occurredAt: z.string().datetime({ offset: true }).optional(),
    commander: z.string().max(64).optional(),
    summary: z.string().max(2000).default(''),
    sourceAlertId: z.string().max(200).optional(),
  })
  .strict();
export type IncidentInput = z.input<typeof IncidentInput>;

export const DecisionQueue = z.object({
  /** Warnings submitted for approval. */
  approvals: z.array(Warning),
  /** Level changes operators proposed. */
  proposals: z.array(LevelProposal),
});
export type DecisionQueue = z.infer<typeof DecisionQueue>;

export const IncidentReportFile = z.object({ id: z.string(), path: z.string(), filename: z.string(), bytes: z.number().int(), dataBase64: z.string() });
