/**
 * Alerts that follow the readings, shaped as CAP 1.2 messages (OASIS element names in JSON) as
 * the platform would publish them: an Alert when a sensor first crosses into a warning level, an
 * Update (referencing the earlier messages) when the level changes, a Cancel when it clears.
 * Each message is its own entity with its own identifier, as in CAP; the chain is in references.
 */
import { DISTRICT } from '../../../../shared/places';
import type { LinkAlert, LinkSensor } from '../../../../shared/district-link/protocol';
import { isoLocal, round } from './util';
import { LEVEL_CAP, LEVEL_ZH } from '../../../../shared/alerts/levels';

export const ALERT_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export const SENDER = 'yuancheng-platform@demo';

interface TypeText {
  localType: string;
  category: string;
  event: string;
  radiusKm: number;
  measure: string;
  unitZh: string;
  act: string;
  actHigh: string;
}

const TEXT: Record<LinkSensor['type'], TypeText> = {
  rain: { localType: 'rainstorm', category: 'Met', event: '暴雨', radiusKm: 5, measure: '1小时降雨量', unitZh: '毫米', act: '请注意防御暴雨，检查排水设施，低洼地带做好防涝准备。', actHigh: '立即启动防御，停止户外作业和集会，转移危险地带及低洼地区人员。' },
  river: { localType: 'flood', category: 'Met', event: '洪水', radiusKm: 3, measure: '河道水位', unitZh: '米', act: '沿河单位和群众注意防范，加强堤防巡查。', actHigh: '立即组织沿河低洼地区人员转移，加强堤防险段值守。' },
  reservoir: { localType: 'reservoir', category: 'Met', event: '水库超汛限水位', radiusKm: 2, measure: '库水位', unitZh: '米', act: '加强大坝巡查，按调度规程预泄。', actHigh: '启动水库防汛应急预案，做好下游人员转移准备。' },
  waterlog: { localType: 'waterlog', category: 'Met', event: '城市内涝', radiusKm: 0.5, measure: '积水深度', unitZh: '厘米', act: '车辆绕行，行人避开积水路段。', actHigh: '封闭积水路段，组织抽排，转移地下空间人员。' },
  fire: { localType: 'forest-fire', category: 'Fire', event: '森林火情', radiusKm: 2, measure: '热成像最高温度', unitZh: '℃', act: '通知护林员前往核查。', actHigh: '立即组织扑救力量赶赴现场，疏散周边群众。' },
  gas: { localType: 'hazmat', category: 'Env', event: '危化品泄漏', radiusKm: 1, measure: '气体浓度', unitZh: '', act: '企业立即排查泄漏点，做好防护。', actHigh: '启动危化品事故应急预案，划定警戒区，疏散下风向人员。' },
};

export function alertLocalType(type: LinkSensor['type']): string {
  return TEXT[type].localType;
}

function rank(level: AlertLevel | null): number {
  return level === null ? 0 : ALERT_LEVELS.indexOf(level) + 1;
}

/**
 * The level a value stands at: blue when it approaches warn (within a quarter of the band),
 * yellow over warn, orange over danger, red half a band beyond danger. Falling needs to clear the
 * threshold by a tenth of the band, so a value jittering on a line does not flood the desk.
 */
export function nextLevel(thresholds: LinkSensor['thresholds'], value: number, current: AlertLevel | null): AlertLevel | null {
  const warn = thresholds?.warn;
  const danger = thresholds?.danger;
  if (warn === undefined || danger === undefined) return null;
  const band = danger - warn;
  const at = (v: number): AlertLevel | null =>
    v >= danger + band * 0.5 ? 'red' : v >= danger ? 'orange' : v >= warn ? 'yellow' : v >= warn - band * 0.25 ? 'blue' : null;
  const rising = at(value);
  if (rank(rising) >= rank(current)) return rising;
  const falling = at(value + band * 0.1);
  return rank(falling) < rank(current) ? falling : current;
}

export interface ChainLink {
  identifier: string;
  sent: string;
}

function references(chain: ChainLink[]): string | undefined {
  return chain.length ? chain.map((c) => `${SENDER},${c.identifier},${c.sent}`).join(' ') : undefined;
}

/** The CAP header every alert message of the platform shares (an Update/Cancel names its chain). */
function capHeader(identifier: string, sent: string, msgType: 'Alert' | 'Update' | 'Cancel', chain: ChainLink[]) {
  const refs = references(chain);
  return {
    identifier,
    sender: SENDER,
    sent,
    status: 'Actual' as const,
    msgType,
    scope: 'Public' as const,
    ...(refs ? { references: refs } : {}),
  };
}

export function alertIdentifier(sentMs: number, counter: number): string {
  return `YC-${isoLocal(sentMs).slice(0, 19).replace(/\D/g, '')}-${String(counter).padStart(6, '0')}`;
}

export interface SensorAlertInput {
  identifier: string;
  sentMs: number;
  msgType: 'Alert' | 'Update' | 'Cancel';
  /** Earlier messages of the same episode, oldest first. */
  chain: ChainLink[];
  level: AlertLevel;
  sensorId: string;
  sensor: LinkSensor;
  stationName: string;
  value: number;
}

export function sensorAlert(input: SensorAlertInput): LinkAlert {
  const { sensor, level } = input;
  const t = TEXT[sensor.type];
  const unit = t.unitZh || sensor.unit;
  const sent = isoLocal(input.sentMs);
  const cancel = input.msgType === 'Cancel';
  const value = `${round(input.value, 2)}${unit}`;
  const limits = `警戒值${sensor.thresholds?.warn ?? '—'}${unit}，危险值${sensor.thresholds?.danger ?? '—'}${unit}`;
  const cap = cancel ? { urgency: 'Past', severity: 'Minor', certainty: 'Observed' } : LEVEL_CAP[level];
  return {
    ...capHeader(input.identifier, sent, input.msgType, input.chain),
    info: [
      {
        language: 'zh-CN',
        category: [t.category],
        event: t.event,
        ...cap,
        headline: cancel ? `${sensor.name}解除${t.event}${LEVEL_ZH[level]}预警` : `${sensor.name}发布${t.event}${LEVEL_ZH[level]}预警`,
        description: cancel
          ? `${input.stationName}${sensor.name}${t.measure}已回落至${value}（${limits}），预警解除。`
          : `${input.stationName}${sensor.name}${t.measure}${value}（${limits}），达到${LEVEL_ZH[level]}预警标准。`,
        ...(cancel ? {} : { instruction: level === 'orange' || level === 'red' ? t.actHigh : t.act }),
        effective: sent,
        ...(cancel ? {} : { onset: sent, expires: isoLocal(input.sentMs + 6 * 3_600_000) }),
        area: [
          {
            areaDesc: `${input.stationName}${sensor.name}周边${t.radiusKm}公里`,
            circle: [`${sensor.lat},${sensor.lon} ${t.radiusKm}`],
            geocode: [{ valueName: 'division-code', value: sensor.stationCode }],
          },
        ],
      },
    ],
    local: { level, type: t.localType, stationCode: sensor.stationCode, sensorId: input.sensorId },
  };
}

/** The city observatory's typhoon warning for the whole district (no sensor behind it). */
export function typhoonAlert(input: { identifier: string; sentMs: number; msgType: 'Alert' | 'Update' | 'Cancel'; chain: ChainLink[]; level: AlertLevel; name: string }): LinkAlert {
  const sent = isoLocal(input.sentMs);
  const cancel = input.msgType === 'Cancel';
  return {
    ...capHeader(input.identifier, sent, input.msgType, input.chain),
    info: [
      {
        language: 'zh-CN',
        category: ['Met'],
        event: '台风',
        ...(cancel ? { urgency: 'Past', severity: 'Minor', certainty: 'Observed' } : LEVEL_CAP[input.level]),
        headline: cancel ? `河源市气象台解除台风${LEVEL_ZH[input.level]}预警` : `河源市气象台发布台风${LEVEL_ZH[input.level]}预警`,
        description: cancel
          ? `${input.name}已减弱远离，对源城区的影响基本结束。`
          : `受${input.name}影响，源城区未来24小时将出现大风和暴雨到大暴雨，局部特大暴雨。`,
        ...(cancel ? {} : { instruction: '加固户外设施，停止高空和水上作业，危险地带人员及时转移。', expires: isoLocal(input.sentMs + 12 * 3_600_000) }),
        effective: sent,
        area: [{ areaDesc: DISTRICT.name, circle: [`${DISTRICT.lat},${DISTRICT.lon} 15`], geocode: [{ valueName: 'division-code', value: `${DISTRICT.code}000000` }] }],
      },
    ],
    local: { level: input.level, type: 'typhoon' },
  };
}
