/**
 * The release rules as the compose form previews them, and the sums the detail shows. The core
 * decides (Warning.needsApproval, WarningDetail.allowed); these only say in advance what it will say.
 */
import type { AlertLevel, Audience, Channel, DeliveryCounts, Warning, WarningInput, WarningStatus } from '../../../shared/contract';
import { LEVEL_ZH } from '../../../shared/alerts/levels';

/** 源城区 as a 12-digit division code: a warning to it goes everywhere. */
export const DISTRICT_CODE = '441602';

/** Status filter order in the list (草稿 … 已撤销). */
export const STATUS_ORDER: readonly WarningStatus[] = ['draft', 'submitted', 'approved', 'releasing', 'completed', 'partial', 'failed', 'cancelled'];

/** Residents hear loudspeakers, amplifier zones and the radio net: such a warning is public (as the core's scopeOf). */
export function isPublic(audiences: readonly Audience[], channels: readonly Channel[]): boolean {
  return audiences.includes('residents') || audiences.includes('radio-net') || channels.some((c) => c === 'speaker' || c === 'amplifier' || c === 'radio');
}

export type ApprovalReason = 'level' | 'public';

/** Why a warning needs a commander's approval (empty: an operator may release it directly). */
export function approvalReasons(level: AlertLevel, audiences: readonly Audience[], channels: readonly Channel[]): ApprovalReason[] {
  const out: ApprovalReason[] = [];
  if (level === 'orange' || level === 'red') out.push('level');
  if (isPublic(audiences, channels)) out.push('public');
  return out;
}

/** SMS drills are prefixed 【演练】 by the core. */
export const DRILL_PREFIX = '【演练】';
/** One UCS-2 SMS holds 70 characters; a concatenated one 67 per part. */
export const SMS_SINGLE = 70;
export const SMS_PART = 67;

/** Characters (UTF-16 units, as UCS-2 counts them) and SMS parts of a text. */
export function smsEstimate(text: string, drill = false): { chars: number; parts: number } {
  const chars = (drill ? DRILL_PREFIX : '').length + text.trim().length;
  if (chars === 0) return { chars: 0, parts: 0 };
  return { chars, parts: chars <= SMS_SINGLE ? 1 : Math.ceil(chars / SMS_PART) };
}

const zhTime = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "11月29日12时30分" in Asia/Shanghai: how Chinese warnings state a time. */
export function warningTime(at: Date): string {
  const p: Record<string, string> = {};
  for (const x of zhTime.formatToParts(at)) p[x.type] = x.value;
  return `${p['month']}月${p['day']}日${p['hour']}时${p['minute']}分`;
}

/** Fill a template's {区域} {时间} {级别}. */
export function fillPlaceholders(text: string, v: { area: string; time: Date; level: AlertLevel }): string {
  return text.replaceAll('{区域}', v.area).replaceAll('{时间}', warningTime(v.time)).replaceAll('{级别}', LEVEL_ZH[v.level]);
}

/** The release's progress: done = confirmed + failed of total, in whole percent. */
export function progressOf(c: DeliveryCounts): { done: number; percent: number; confirmedPct: number; failedPct: number } {
  const done = c.confirmed + c.failed;
  if (c.total <= 0) return { done, percent: 0, confirmedPct: 0, failedPct: 0 };
  return {
    done,
    percent: Math.round((done / c.total) * 100),
    confirmedPct: (c.confirmed / c.total) * 100,
    failedPct: (c.failed / c.total) * 100,
  };
}

/** A status still moving (live progress expected). */
export const isLive = (s: WarningStatus) => s === 'releasing' || s === 'approved';

/** A datetime-local value read as hall time (Asia/Shanghai, UTC+8, no DST) → ISO; '' → undefined. */
export function hallLocalToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** ISO → a datetime-local value in hall time. */
export function isoToHallLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 16);
}

/** A warning's fields as compose input (to edit a draft or start an Update from it). */
export function toInput(w: Warning): WarningInput {
  const input: WarningInput = {
    type: w.type,
    level: w.level,
    title: w.title,
    text: w.text,
    area: w.area,
    audiences: [...w.audiences],
    channels: [...w.channels],
    repeat: w.repeat,
    drill: w.drill,
  };
  if (w.volume !== null) input.volume = w.volume;
  if (w.scheduledAt) input.scheduledAt = w.scheduledAt;
  if (w.escalation) input.escalation = w.escalation;
  if (w.templateId) input.templateId = w.templateId;
  if (w.sourceAlertId) input.sourceAlertId = w.sourceAlertId;
  return input;
}
