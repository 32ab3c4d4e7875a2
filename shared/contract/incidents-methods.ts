/**
 * Incidents and the decision room: methods spread into the one table in `methods.ts`. Setting a
 * level, deciding a proposal, marking entries significant and closing are the commander's;
 * everything an operator records in the field (log, tasks, evacuation, losses, proposals) is staff.
 */
import { z } from 'zod';
import { ANYONE_SIGNED_IN, STAFF, type Role } from './roles';
import type { MethodSpec } from './methods';
import {
  DecisionQueue,
  EvacuationInput,
  EvacuationSummary,
  Incident,
  IncidentDetail,
  IncidentInput,
  IncidentLevel,
  IncidentPlace,
  IncidentReportFile,
  IncidentStatus,
  IncidentSummary,
  IncidentTask,
  LevelProposal,
  LossInput,
  LossSummary,
  TaskInput,
  TaskStatus,
  TimelineEntry,
  TimelineKind,
} from './incidents';

function method<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

const Id = z.object({ id: z.string().min(1).max(100) }).strict();
const COMMANDERS: readonly Role[] = ['admin', 'commander'];
const Reason = z.string().trim().min(2).max(500);

export const incidentMethods = {
  'incidents.create': method({ params: IncidentInput, result: Incident, roles: STAFF, audited: true, summary: 'Open an incident by hand (an escalated alert opens one too); a level given activates its checklist.' }),
  'incidents.get': method({ params: Id, result: IncidentDetail, roles: ANYONE_SIGNED_IN, audited: false, summary: 'One incident with its KPIs, level history, checklist, proposals and reports.' }),
  'incidents.list': method({
    params: z.object({ status: z.array(IncidentStatus).optional() }).strict(),
    result: z.array(IncidentSummary),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'Incidents with their KPIs, active first then newest.',
  }),
  'incidents.update': method({
    params: z
      .object({
        id: z.string().min(1).max(100),
        changes: z
          .object({
            title: z.string().trim().min(2).max(100).optional(),
            place: IncidentPlace.optional(),
            commander: z.string().max(64).nullable().optional(),
            summary: z.string().max(2000).optional(),
            cameraIds: z.array(z.string().min(1).max(100)).max(2).optional(),
          })
          .strict(),
      })
      .strict(),
    result: Incident,
    roles: STAFF,
    audited: true,
    summary: 'Change an incident’s title, place, commander, summary or the two cameras the decision room shows.',
  }),
  'incidents.setLevel': method({
    params: z.object({ id: z.string().min(1).max(100), level: IncidentLevel, reason: Reason }).strict(),
    result: IncidentDetail,
    roles: COMMANDERS,
    audited: true,
    summary: 'Activate, raise or lower the response level; the level’s checklist is loaded and the history kept.',
  }),
  'incidents.proposeLevel': method({
    params: z.object({ id: z.string().min(1).max(100), level: IncidentLevel, reason: Reason }).strict(),
    result: LevelProposal,
    roles: STAFF,
    audited: true,
    summary: 'Propose a level change for the commander to decide (it waits in the decision room’s queue).',
  }),
  'incidents.decideProposal': method({
    params: z.object({ proposalId: z.string().min(1).max(100), accept: z.boolean(), note: z.string().max(500).optional() }).strict(),
    result: LevelProposal,
    roles: COMMANDERS,
    audited: true,
    summary: 'Accept (the level changes) or decline a proposed level change.',
  }),
  'incidents.close': method({
    params: z.object({ id: z.string().min(1).max(100), note: Reason, final: z.boolean().default(true) }).strict(),
    result: Incident,
    roles: COMMANDERS,
    audited: true,
    summary: 'Move an incident to closing (final: false) or close it.',
  }),
  'incidents.timeline': method({
    params: z.object({ id: z.string().min(1).max(100), kinds: z.array(TimelineKind).optional(), significantOnly: z.boolean().optional(), q: z.string().max(64).optional() }).strict(),
    result: z.array(TimelineEntry),
    roles: ANYONE_SIGNED_IN,
    audited: false,
    summary: 'The incident’s event log in time order: alerts, warnings, devices, wall scenes, levels, tasks, evacuation, losses, manual entries.',
  }),
  'incidents.log': method({
    params: z.object({ id: z.string().min(1).max(100), text: z.string().trim().min(1).max(2000), significant: z.boolean().optional() }).strict(),
    result: TimelineEntry,
    roles: STAFF,
    audited: true,
    summary: 'Add a manual entry to the event log.',
  }),
  'incidents.mark': method({
    params: z.object({ id: z.string().min(1).max(100), entryId: z.number().int(), significant: z.boolean() }).strict(),
    result: TimelineEntry,
    roles: COMMANDERS,
    audited: true,
    summary: 'Mark (or unmark) an event log entry as significant.',
  }),
  'incidents.checklist.update': method({
    params: z
      .object({ id: z.string().min(1).max(100), itemId: z.string().min(1).max(100), done: z.boolean().optional(), assignee: z.string().max(60).nullable().optional(), note: z.string().max(500).optional() })
      .strict(),
    result: IncidentDetail,
    roles: STAFF,
    audited: true,
    summary: 'Check off, assign or annotate a checklist item.',
  }),
  'incidents.tasks.list': method({ params: Id, result: z.array(IncidentTask), roles: ANYONE_SIGNED_IN, audited: false, summary: 'The incident’s tasks, overdue first.' }),
  'incidents.tasks.save': method({
    params: z.object({ incidentId: z.string().min(1).max(100), task: TaskInput }).strict(),
    result: IncidentTask,
    roles: STAFF,
    audited: true,
    summary: 'Add or change a task for a team or unit.',
  }),
  'incidents.tasks.setStatus': method({
    params: z.object({ incidentId: z.string().min(1).max(100), taskId: z.string().min(1).max(100), status: TaskStatus }).strict(),
    result: IncidentTask,
    roles: STAFF,
    audited: true,
    summary: 'Move a task to in progress, done or cancelled.',
  }),
  'incidents.evacuation.list': method({ params: Id, result: EvacuationSummary, roles: ANYONE_SIGNED_IN, audited: false, summary: 'Evacuation per village with totals per town.' }),
  'incidents.evacuation.save': method({ params: EvacuationInput, result: EvacuationSummary, roles: STAFF, audited: true, summary: 'Record a village’s people to move, moved, shelter and zone status.' }),
  'incidents.losses.list': method({ params: Id, result: LossSummary, roles: ANYONE_SIGNED_IN, audited: false, summary: 'Loss reports per town (history and latest) with totals.' }),
  'incidents.losses.save': method({ params: LossInput, result: LossSummary, roles: STAFF, audited: true, summary: 'Record a town’s losses as of now (a new time-stamped report; earlier ones are kept).' }),
  'incidents.report': method({ params: Id, result: IncidentReportFile, roles: STAFF, audited: true, summary: 'Make the situation report (情况报告) as a PDF, keep it with the incident and return it.' }),
  'incidents.wall': method({ params: Id, result: z.object({ sceneId: z.string() }), roles: STAFF, audited: true, summary: 'Put the wall into the incident’s scene.' }),
  'decision.queue': method({ params: z.object({}).strict(), result: DecisionQueue, roles: COMMANDERS, audited: false, summary: 'What waits for the commander: warning approvals and proposed level changes.' }),
} as const;
