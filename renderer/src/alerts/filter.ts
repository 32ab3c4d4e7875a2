/**
 * The desk's filter as the toolbar edits it, applied to the alerts in memory (instant, no round
 * trip), and its translation to and from the contract's AlertFilter (what a saved filter holds).
 * Every part narrows; an empty list means "any".
 */
import type { AlertFilter, AlertLevel, AlertSource, DeskAlert, DeskState } from '../../../shared/contract';

export const TIME_WINDOWS = ['1h', '6h', '24h', 'custom'] as const;
export type TimeWindow = (typeof TIME_WINDOWS)[number];
export const WINDOW_HOURS: Record<Exclude<TimeWindow, 'custom'>, number> = { '1h': 1, '6h': 6, '24h': 24 };
const HOUR = 3_600_000;

export interface DeskFilter {
  levels: AlertLevel[];
  states: DeskState[];
  types: string[];
  towns: string[];
  sources: AlertSource[];
  window: TimeWindow;
  /** The custom range (ISO times), used when window is 'custom'. */
  from: string | null;
  to: string | null;
  q: string;
}

export function emptyFilter(): DeskFilter {
  return { levels: [], states: [], types: [], towns: [], sources: [], window: '24h', from: null, to: null, q: '' };
}

/** [since, until) in ms of the filter's time window at `now` (until null: open-ended). */
export function windowRange(filter: DeskFilter, now: number): { since: number | null; until: number | null } {
  if (filter.window !== 'custom') return { since: now - WINDOW_HOURS[filter.window] * HOUR, until: null };
  const since = filter.from ? Date.parse(filter.from) : NaN;
  const until = filter.to ? Date.parse(filter.to) : NaN;
  return { since: Number.isFinite(since) ? since : null, until: Number.isFinite(until) ? until : null };
}

/** A matcher for one filter at one instant: built once, run over thousands of alerts. */
export function alertMatcher(filter: DeskFilter, now: number): (a: DeskAlert) => boolean {
  const levels = filter.levels.length ? new Set<string>(filter.levels) : null;
  const states = filter.states.length ? new Set<string>(filter.states) : null;
  const types = filter.types.length ? new Set(filter.types) : null;
  const towns = filter.towns.length ? new Set(filter.towns) : null;
  const sources = filter.sources.length ? new Set<string>(filter.sources) : null;
  const { since, until } = windowRange(filter, now);
  const words = filter.q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return (a) => {
    if (levels && !levels.has(a.level)) return false;
    if (states && !states.has(a.state)) return false;
    if (types && !types.has(a.type)) return false;
    if (towns && !(a.townCode && towns.has(a.townCode))) return false;
    if (sources && !sources.has(a.source)) return false;
    if (since !== null || until !== null) {
      const sent = Date.parse(a.sent);
      if (since !== null && sent < since) return false;
      if (until !== null && sent >= until) return false;
    }
    if (words.length) {
      const hay = `${a.headline}\n${a.event}\n${a.areaDesc}\n${a.identifier}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return false;
    }
    return true;
  };
}

const many = <T>(xs: readonly T[]): T | T[] | undefined => (xs.length === 0 ? undefined : xs.length === 1 ? xs[0] : [...xs]);
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/**
 * The contract form of a desk filter, for saving. A relative window (last 6 h) has no place in
 * it and is not saved; a custom range is saved as since/until.
 */
export function toAlertFilter(filter: DeskFilter): AlertFilter {
  const out: AlertFilter = {};
  const level = many(filter.levels);
  const state = many(filter.states);
  const type = many(filter.types);
  const town = many(filter.towns);
  const source = many(filter.sources);
  if (level) out.level = level;
  if (state) out.state = state;
  if (type) out.type = type;
  if (town) out.town = town;
  if (source) out.source = source;
  if (filter.window === 'custom') {
    if (filter.from) out.since = new Date(filter.from).toISOString();
    if (filter.to) out.until = new Date(filter.to).toISOString();
  }
  const q = filter.q.trim();
  if (q) out.q = q.slice(0, 100);
  return out;
}

/** A saved filter back into the toolbar; without since/until the current window is kept. */
export function fromAlertFilter(saved: AlertFilter, current: DeskFilter): DeskFilter {
  const custom = Boolean(saved.since || saved.until);
  return {
    levels: list(saved.level),
    states: list(saved.state),
    types: list(saved.type),
    towns: list(saved.town),
    sources: list(saved.source),
    window: custom ? 'custom' : current.window === 'custom' ? '24h' : current.window,
    from: custom ? (saved.since ?? null) : null,
    to: custom ? (saved.until ?? null) : null,
    q: saved.q ?? '',
  };
}

export function isFiltered(filter: DeskFilter): boolean {
  return Boolean(filter.levels.length || filter.states.length || filter.types.length || filter.towns.length || filter.sources.length || filter.q.trim() || filter.window !== '24h');
}
