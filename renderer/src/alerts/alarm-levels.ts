/** Alert levels in order of severity, and their colours (the map's legend colours). */
import { ALERT_LEVELS, type AlertLevel } from '../../../shared/contract/alerts';

export const LEVEL_COLORS: Readonly<Record<AlertLevel, string>> = {
  blue: '#3d8bff',
  yellow: '#ffe14d',
  orange: '#ff9640',
  red: '#ff3b48',
};

/** 0 (blue) … 3 (red). */
export const levelRank = (level: AlertLevel): number => ALERT_LEVELS.indexOf(level);

export function highestLevel(levels: Iterable<AlertLevel>): AlertLevel | null {
  let best: AlertLevel | null = null;
  for (const level of levels) if (best === null || levelRank(level) > levelRank(best)) best = level;
  return best;
}
