/**
 * The release workflow's rules, pure: who may do what to a warning in which state, whether it
 * needs approval, and how a finished release is judged. The service calls these and nothing else
 * decides; the renderer gets them as `allowed` so its buttons and the core agree.
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved ──release──▶ releasing ──▶ completed
 *     ▲                   │ reject (reason)                                   ├─▶ partial
 *     └───────────────────┘                                                   └─▶ failed
 *   draft/submitted/approved ──cancel──▶ cancelled;  releasing ──cancel──▶ cancelled (stops terminals)
 *   draft (no approval needed) ──release──▶ releasing;  draft/submitted ──release + break-glass reason──▶ releasing
 */
import type { AlertLevel } from '../../../shared/contract/alerts';
import type { Audience, Channel, DeliveryCounts, Warning, WarningStatus } from '../../../shared/contract/warnings';
import type { Role } from '../../../shared/contract/roles';
import { HallError } from '../api/errors';

export interface Caller {
  username: string;
  role: Role;
}

/** Residents hear loudspeakers, amplifier zones and the radio net: those warnings are public. */
export function scopeOf(audiences: readonly Audience[], channels: readonly Channel[]): 'public' | 'internal' {
  const publicChannel = channels.some((c) => c === 'speaker' || c === 'amplifier' || c === 'radio');
  return audiences.includes('residents') || audiences.includes('radio-net') || publicChannel ? 'public' : 'internal';
}

const NEEDS_APPROVAL_LEVELS: ReadonlySet<AlertLevel> = new Set(['orange', 'red']);

/** Orange and red warnings and anything public need a commander's approval. */
export function needsApproval(level: AlertLevel, scope: 'public' | 'internal'): boolean {
  return NEEDS_APPROVAL_LEVELS.has(level) || scope === 'public';
}

const isCommander = (c: Caller) => c.role === 'commander' || c.role === 'admin';
const isStaff = (c: Caller) => c.role !== 'wall';

export type WarningAction = 'edit' | 'submit' | 'approve' | 'reject' | 'release' | 'breakGlass' | 'cancel' | 'update';

type Subject = Pick<Warning, 'status' | 'createdBy' | 'needsApproval' | 'msgType'>;

/** Why `caller` may not do `action` to `w` now, or null when they may. */
export function refusal(action: WarningAction, w: Subject, caller: Caller): string | null {
  if (!isStaff(caller)) return 'a wall display cannot change warnings';
  switch (action) {
    case 'edit':
      return w.status === 'draft' ? null : `only a draft can be edited (this one is ${w.status})`;
    case 'submit':
      if (w.status !== 'draft') return `only a draft can be submitted (this one is ${w.status})`;
      return w.needsApproval ? null : 'this warning needs no approval: release it directly';
    case 'approve':
    case 'reject':
      if (w.status !== 'submitted') return `only a submitted warning can be ${action === 'approve' ? 'approved' : 'rejected'} (this one is ${w.status})`;
      if (!isCommander(caller)) return `only a commander may ${action} a warning`;
      if (w.createdBy === caller.username) return `the author of a warning cannot ${action} it (two-person rule)`;
      return null;
    case 'release':
      if (w.status === 'approved') return null;
      if (w.status === 'draft' && !w.needsApproval) return null;
      if (w.status === 'draft' || w.status === 'submitted') return 'this warning needs a commander\u2019s approval first (or a break-glass release with a reason)';
      return `a ${w.status} warning cannot be released`;
    case 'breakGlass':
      if (w.status !== 'draft' && w.status !== 'submitted') return `break-glass applies to a draft or submitted warning (this one is ${w.status})`;
      return w.needsApproval ? null : 'this warning needs no approval: release it directly';
    case 'cancel':
      return ['draft', 'submitted', 'approved', 'releasing'].includes(w.status) || (w.status !== 'cancelled' && w.msgType !== 'Cancel' && isFinished(w.status))
        ? null
        : `a ${w.status} warning cannot be cancelled`;
    case 'update':
      return (w.status === 'releasing' || isFinished(w.status)) && w.msgType !== 'Cancel' ? null : 'only a released warning can be updated (edit a draft instead)';
  }
}

export function assertAllowed(action: WarningAction, w: Subject & { id: string }, caller: Caller): void {
  const why = refusal(action, w, caller);
  if (!why) return;
  // A refusal that a commander who is not the author would not get is about who: forbidden; else the state: conflict.
  const aboutWho = refusal(action, w, { username: '\u0000', role: 'admin' }) === null;
  throw new HallError(aboutWho ? 'forbidden' : 'conflict', `warnings.${action === 'breakGlass' ? 'release' : action} ${w.id}: ${why}`);
}

export function allowedFor(w: Subject, caller: Caller): Record<WarningAction, boolean> {
  const actions: WarningAction[] = ['edit', 'submit', 'approve', 'reject', 'release', 'breakGlass', 'cancel', 'update'];
  return Object.fromEntries(actions.map((a) => [a, refusal(a, w, caller) === null])) as Record<WarningAction, boolean>;
}

export function isFinished(status: WarningStatus): boolean {
  return status === 'completed' || status === 'partial' || status === 'failed';
}

/**
 * A release is over when nothing is queued or being sent and nothing sent still waits for its
 * confirmation. All confirmed: completed; none: failed; some: partial.
 */
export function finalStatus(counts: DeliveryCounts, waitingForConfirmation: number): WarningStatus | null {
  if (counts.queued > 0 || counts.sending > 0 || waitingForConfirmation > 0) return null;
  const reached = counts.confirmed;
  const targets = counts.total - counts.cancelled;
  if (targets === 0) return 'failed';
  if (reached === targets) return 'completed';
  return reached === 0 ? 'failed' : 'partial';
}

export function emptyCounts(): DeliveryCounts {
  return { total: 0, queued: 0, sending: 0, sent: 0, confirmed: 0, failed: 0, cancelled: 0 };
}
