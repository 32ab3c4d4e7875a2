/** Times are stored as UTC and always shown in the hall's zone, whatever the PC's zone is. */
export const HALL_TIME_ZONE = 'Asia/Shanghai';

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: HALL_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function parts(date: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of partsFormat.formatToParts(date)) out[p.type] = p.value;
  return out;
}

function toDate(value: Date | string | number): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:03:22" in Asia/Shanghai. */
export function hallTime(value: Date | string | number): string {
  const date = toDate(value);
  if (!date) return '—';
  const p = parts(date);
  return `${p['hour']}:${p['minute']}:${p['second']}`;
}

/** "2025-06-01 14:03:22" in Asia/Shanghai: one unambiguous form for logs and facts. */
export function hallDateTime(value: Date | string | number): string {
  const date = toDate(value);
  if (!date) return '—';
  const p = parts(date);
  return `${p['year']}-${p['month']}-${p['day']} ${hallTime(date)}`;
}

const zhDate = new Intl.DateTimeFormat('zh-CN', { timeZone: HALL_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric' });
const zhWeekday = new Intl.DateTimeFormat('zh-CN', { timeZone: HALL_TIME_ZONE, weekday: 'long' });
const enDate = new Intl.DateTimeFormat('en-US', { timeZone: HALL_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });

/** "2025年6月1日 星期日" / "Sunday, June 1, 2025" in Asia/Shanghai, in the UI's language. */
export function hallDateLong(value: Date, locale: string): string {
  return locale === 'en' ? enDate.format(value) : `${zhDate.format(value)} ${zhWeekday.format(value)}`;
}

export type AgeUnit = 'now' | 'minutes' | 'hours' | 'days';

/**
 * How long ago `value` was, relative to `now`, in the coarsest unit that reads at a glance:
 * under a minute is "now"; then whole minutes, hours, days (rounded down, never negative,
 * so a clock a little ahead of the core never says "in 2 minutes").
 */
export function ageOf(value: Date | string | number, now: Date | number): { unit: AgeUnit; n: number } | null {
  const date = toDate(value);
  if (!date) return null;
  const ms = Math.max(0, (now instanceof Date ? now.getTime() : now) - date.getTime());
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return { unit: 'now', n: 0 };
  if (minutes < 60) return { unit: 'minutes', n: minutes };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { unit: 'hours', n: hours };
  return { unit: 'days', n: Math.floor(hours / 24) };
}
