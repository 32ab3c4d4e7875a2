/**
 * Rules of the incidents room that the renderer shows but never decides: level names and colours
 * (Ⅳ blue … Ⅰ red, as the warning levels), zone-status colours, overdue tasks and checklist
 * items, durations and totals as they read on a large screen.
 */
import type { ChecklistItem, EvacuationStatus, IncidentLevel, IncidentStatus, IncidentTask, TimelineKind } from '../../../shared/contract';
import { EVACUATION_STATUSES, INCIDENT_LEVELS, TIMELINE_KINDS } from '../../../shared/contract';
import { LEVEL_COLORS } from '../alerts/alarm-levels';

export { EVACUATION_STATUSES, INCIDENT_LEVELS, TIMELINE_KINDS };

/** Ⅳ … Ⅰ: the Roman numerals the plan writes. */
export const LEVEL_NUMERALS: Readonly<Record<IncidentLevel, string>> = { IV: 'Ⅳ', III: 'Ⅲ', II: 'Ⅱ', I: 'Ⅰ' };

export const INCIDENT_LEVEL_COLORS: Readonly<Record<IncidentLevel, string>> = {
  IV: LEVEL_COLORS.blue,
  III: LEVEL_COLORS.yellow,
  II: LEVEL_COLORS.orange,
  I: LEVEL_COLORS.red,
};

/** Colour of a level, grey when none is active yet. */
export const levelColor = (level: IncidentLevel | null): string => (level ? INCIDENT_LEVEL_COLORS[level] : '#7f8da3');

/** 0 (Ⅳ) … 3 (Ⅰ): higher is more severe. */
export const levelRank = (level: IncidentLevel | null): number => (level ? INCIDENT_LEVELS.indexOf(level) : -1);

/** Zone status colours on the map, the wall and the table: 关注 blue … 演练 grey. */
export const EVACUATION_COLORS: Readonly<Record<EvacuationStatus, string>> = {
  watch: '#3d8bff',
  prepare: '#ffe14d',
  evacuate: '#ff3b48',
  'shelter-in-place': '#ff9640',
  lifted: '#3ccf7a',
  drill: '#8d96a5',
};

export const STATUS_ORDER: readonly IncidentStatus[] = ['active', 'closing', 'closed'];

/** A task is overdue when it is still open past its due time (the core says so too; either wins). */
export function isTaskOverdue(task: Pick<IncidentTask, 'status' | 'dueAt' | 'overdue'>, now: number): boolean {
  if (task.status === 'done' || task.status === 'cancelled') return false;
  if (task.overdue) return true;
  return task.dueAt !== null && Date.parse(task.dueAt) < now;
}

/** Overdue tasks first, then by due time (none last), then newest. */
export function sortTasks(tasks: readonly IncidentTask[], now: number): IncidentTask[] {
  const due = (t: IncidentTask) => (t.dueAt ? Date.parse(t.dueAt) : Infinity);
  const closed = (t: IncidentTask) => (t.status === 'done' || t.status === 'cancelled' ? 1 : 0);
  return [...tasks].sort((a, b) => Number(isTaskOverdue(b, now)) - Number(isTaskOverdue(a, now)) || closed(a) - closed(b) || due(a) - due(b) || b.createdAt.localeCompare(a.createdAt));
}

export function isItemOverdue(item: Pick<ChecklistItem, 'done' | 'dueAt' | 'superseded'>, now: number): boolean {
  return !item.done && !item.superseded && item.dueAt !== null && Date.parse(item.dueAt) < now;
}

/** "3小时05分" / "3 h 05 min" from minutes. */
export function formatDuration(minutes: number, locale: string): string {
  const m = Math.max(0, Math.floor(minutes));
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(2, '0');
  if (locale === 'en') return h ? `${h} h ${mm} min` : `${m} min`;
  if (h >= 48) return `${Math.floor(h / 24)}天${h % 24}小时`;
  return h ? `${h}小时${mm}分` : `${m}分钟`;
}

/** 12345 → "12,345": large figures grouped so they read from across the hall. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Money in 万元 with at most two decimals. */
export function formatWan(n: number): string {
  return (Math.round(n * 100) / 100).toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Share moved of to move, 0–100, 0 when nobody is to move. */
export function movedPercent(moved: number, toMove: number): number {
  return toMove > 0 ? Math.min(100, Math.round((moved / toMove) * 100)) : 0;
}

/** The 12-digit town code of a village or town code. */
export const townOf = (code: string): string => `${code.slice(0, 9)}000`;

/** The levels an incident can move to from `current` (all, but the current one). */
export const otherLevels = (current: IncidentLevel | null): IncidentLevel[] => INCIDENT_LEVELS.filter((l) => l !== current);

export const isTimelineKind = (k: string): k is TimelineKind => (TIMELINE_KINDS as readonly string[]).includes(k);
