/**
 * Local threshold rules over sensor readings: the console raises its own alerts, so the hall
 * is warned even when the district platform is silent or unreachable.
 *
 * Per (rule, sensor) the engine remembers the level it stands at. A level is entered when the
 * metric reaches its threshold and left only when the metric falls `hysteresis` below it, so a
 * reading jittering on a line changes nothing. One desk alert per (rule, sensor) episode: a
 * change of level is a CAP Update of the same alert, the metric clearing is a Cancel. While the
 * platform has an open alert of its own for the sensor, the rule stays quiet (the desk does not
 * show the same danger twice) but keeps its level, so it does not fire the moment that alert closes.
 */
import type { AlertLevel, AlertRule, Sensor } from '../../../shared/contract';
import { ALERT_LEVELS } from '../../../shared/contract/alerts';
import { levelRank } from '../../../shared/alerts/levels';
import type { Db } from '../db/database';
import { sql } from '../db/sql';
import { allQ, oneQ, runQ } from '../mirror/statements';

/**
 * The defaults (an admin changes them in 设置 → 告警规则):
 * - rain 1 h: 短时强降水 20 mm/h upward (20/30/50/80 mm);
 * - rain 3 h: after Guangdong's 暴雨 signals — 橙 50 mm in 3 h, 红 100 mm in 3 h (黄 30 mm);
 * - rain 24 h: 暴雨 50, 大暴雨 100, 150, 特大暴雨 250 mm;
 * - reservoir: metres over its 汛限水位 (0 / 0.5 / 1.0 m); river: over its 警戒水位 (0 / 0.5 / 1.0 m);
 * - waterlogging: 10 / 15 / 30 / 50 cm of standing water;
 * - fire detectors: 60 / 120 / 180 ℃ at the thermal camera's hottest point;
 * - gas detectors: against each detector's own alarm levels (units differ: %LEL, mg/m³).
 */
export const DEFAULT_RULES: readonly AlertRule[] = [
  { id: 'rain-1h', name: '短时强降水（1小时雨量）', sensorType: 'rain', metric: 'rain-1h', thresholds: { blue: 20, yellow: 30, orange: 50, red: 80 }, hysteresis: 2, alertType: 'rainstorm', enabled: true },
  { id: 'rain-3h', name: '暴雨（3小时雨量）', sensorType: 'rain', metric: 'rain-3h', thresholds: { yellow: 30, orange: 50, red: 100 }, hysteresis: 3, alertType: 'rainstorm', enabled: true },
  { id: 'rain-24h', name: '暴雨（24小时雨量）', sensorType: 'rain', metric: 'rain-24h', thresholds: { blue: 50, yellow: 100, orange: 150, red: 250 }, hysteresis: 5, alertType: 'rainstorm', enabled: true },
  { id: 'reservoir-limit', name: '水库超汛限水位', sensorType: 'reservoir', metric: 'above-warn', thresholds: { yellow: 0, orange: 0.5, red: 1 }, hysteresis: 0.05, alertType: 'reservoir', enabled: true },
  { id: 'river-warning', name: '河道超警戒水位', sensorType: 'river', metric: 'above-warn', thresholds: { yellow: 0, orange: 0.5, red: 1 }, hysteresis: 0.05, alertType: 'flood', enabled: true },
  { id: 'waterlog-depth', name: '内涝积水深度', sensorType: 'waterlog', metric: 'value', thresholds: { blue: 10, yellow: 15, orange: 30, red: 50 }, hysteresis: 2, alertType: 'waterlog', enabled: true },
  { id: 'fire-detector', name: '热成像火情', sensorType: 'fire', metric: 'value', thresholds: { yellow: 60, orange: 120, red: 180 }, hysteresis: 5, alertType: 'forest-fire', enabled: true },
  { id: 'gas-detector', name: '危化品气体浓度', sensorType: 'gas', metric: 'band', thresholds: { yellow: 0, orange: 1, red: 1.5 }, hysteresis: 0.1, alertType: 'hazmat', enabled: true },
];

/** The level a metric stands at, given where it stood (hysteresis on the way down). */
export function ruleLevel(rule: Pick<AlertRule, 'thresholds' | 'hysteresis'>, metric: number, current: AlertLevel | null): AlertLevel | null {
  const at = (v: number): AlertLevel | null => {
    let level: AlertLevel | null = null;
    for (const l of ALERT_LEVELS) {
      const t = rule.thresholds[l];
      if (t !== undefined && v >= t) level = l;
    }
    return level;
  };
  const rising = at(metric);
  if (levelRank(rising) >= levelRank(current)) return rising;
  const falling = at(metric + rule.hysteresis);
  return levelRank(falling) < levelRank(current) ? falling : current;
}

const HOUR = 3_600_000;
/** A gauge's hourly amount counts for its hour only if read within this long of the hour's end. */
const GAUGE_TOLERANCE_MS = 15 * 60_000;

/**
 * The metric of a rule for a sensor at `atMs`, or null when it cannot be computed (no reading,
 * no thresholds on the sensor for a relative metric). Rain gauges report the last hour's amount
 * (mm), so n hours of rain are the amounts read at t, t−1 h, …, t−(n−1) h (an hour without a
 * reading counts as dry).
 */
export function ruleMetric(db: Db, rule: AlertRule, sensor: Sensor, latest: { value: number; atMs: number }): number | null {
  const warn = sensor.thresholds?.warn;
  const danger = sensor.thresholds?.danger;
  switch (rule.metric) {
    case 'value':
    case 'rain-1h':
      return latest.value;
    case 'above-warn':
      return warn === undefined ? null : latest.value - warn;
    case 'band':
      return warn === undefined || danger === undefined || danger === warn ? null : (latest.value - warn) / (danger - warn);
    case 'rain-3h':
    case 'rain-24h': {
      const hours = rule.metric === 'rain-3h' ? 3 : 24;
      let sum = latest.value;
      for (let k = 1; k < hours; k++) {
        const end = latest.atMs - k * HOUR;
        const row = oneQ<{ value: number }>(
          db,
          sql`SELECT value FROM readings WHERE sensor_id = ${sensor.id} AND at_ms <= ${end} AND at_ms > ${end - GAUGE_TOLERANCE_MS} ORDER BY at_ms DESC LIMIT 1`,
        );
        sum += row?.value ?? 0;
      }
      return sum;
    }
  }
}

export interface RuleState {
  level: AlertLevel;
  deskId: string | null;
  value: number;
  since: string;
}

export class RulesStore {
  constructor(private readonly db: Db) {}

  /** The rules: saved ones, and the defaults for any id never saved. */
  list(): AlertRule[] {
    const saved = new Map(
      allQ<{ id: string; body: string }>(this.db, sql`SELECT id, body FROM alert_rules`).map((r) => [r.id, JSON.parse(r.body) as AlertRule]),
    );
    const defaults = DEFAULT_RULES.map((d) => saved.get(d.id) ?? d);
    const own = [...saved.values()].filter((r) => !DEFAULT_RULES.some((d) => d.id === r.id));
    return [...defaults, ...own];
  }

  save(rule: AlertRule, by: string, now: Date): void {
    runQ(
      this.db,
      sql`INSERT INTO alert_rules (id, body, updated_at, updated_by) VALUES (${rule.id}, ${JSON.stringify(rule)}, ${now.toISOString()}, ${by})
          ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
  }

  state(ruleId: string, sensorId: string): RuleState | undefined {
    const r = oneQ<{ level: AlertLevel; desk_id: string | null; value: number; since: string }>(
      this.db,
      sql`SELECT level, desk_id, value, since FROM alert_rule_state WHERE rule_id = ${ruleId} AND sensor_id = ${sensorId}`,
    );
    return r ? { level: r.level, deskId: r.desk_id, value: r.value, since: r.since } : undefined;
  }

  setState(ruleId: string, sensorId: string, s: RuleState): void {
    runQ(
      this.db,
      sql`INSERT INTO alert_rule_state (rule_id, sensor_id, level, desk_id, value, since) VALUES (${ruleId}, ${sensorId}, ${s.level}, ${s.deskId}, ${s.value}, ${s.since})
          ON CONFLICT (rule_id, sensor_id) DO UPDATE SET level = excluded.level, desk_id = excluded.desk_id, value = excluded.value, since = excluded.since`,
    );
  }

  clearState(ruleId: string, sensorId: string): void {
    runQ(this.db, sql`DELETE FROM alert_rule_state WHERE rule_id = ${ruleId} AND sensor_id = ${sensorId}`);
  }
}
