/**
 * The one table between the hall's colour levels (蓝/黄/橙/红 预警) and CAP's severity, urgency
 * and certainty, and the names of levels, types and desk states. The district simulator, CAP
 * import/export, local rules and the UI all read it here.
 */
import type { AlertLevel, DeskState } from '../contract/alerts';

export const LEVEL_CAP: Record<AlertLevel, { severity: string; urgency: string; certainty: string }> = {
  blue: { severity: 'Minor', urgency: 'Future', certainty: 'Possible' },
  yellow: { severity: 'Moderate', urgency: 'Expected', certainty: 'Likely' },
  orange: { severity: 'Severe', urgency: 'Immediate', certainty: 'Likely' },
  red: { severity: 'Extreme', urgency: 'Immediate', certainty: 'Observed' },
};

export const LEVEL_ZH: Record<AlertLevel, string> = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' };

/** Response levels that go with each warning level (Ⅳ 一般 … Ⅰ 特别重大). */
export const LEVEL_RESPONSE: Record<AlertLevel, string> = { blue: 'Ⅳ', yellow: 'Ⅲ', orange: 'Ⅱ', red: 'Ⅰ' };

export function levelRank(level: AlertLevel | null | undefined): number {
  return level ? ['blue', 'yellow', 'orange', 'red'].indexOf(level) + 1 : 0;
}

export const TYPE_ZH: Record<string, string> = {
  rainstorm: '暴雨',
  typhoon: '台风',
  flood: '洪水',
  waterlog: '内涝',
  reservoir: '水库超汛限',
  geohazard: '山洪地质灾害',
  'forest-fire': '森林火灾',
  hazmat: '危化品',
  earthquake: '地震',
  accident: '生产安全事故',
  other: '其他',
};

export const STATE_ZH: Record<DeskState, string> = {
  new: '未确认',
  acknowledged: '已确认',
  handling: '处置中',
  closed: '已关闭',
  escalated: '已升级',
  cancelled: '已撤销',
};

/** CAP severity → level, for documents that carry no colour of their own. */
const LEVEL_BY_SEVERITY: Record<string, AlertLevel> = { Extreme: 'red', Severe: 'orange', Moderate: 'yellow', Minor: 'blue' };

const COLOUR_WORDS: [RegExp, AlertLevel][] = [
  [/红色|\bred\b/i, 'red'],
  [/橙色|\borange\b/i, 'orange'],
  [/黄色|\byellow\b/i, 'yellow'],
  [/蓝色|\bblue\b/i, 'blue'],
];

/**
 * The level of a CAP message from outside: an explicit level code (eventCode/parameter named
 * level / 预警级别), else a colour word in the headline or event (Chinese warnings name their
 * colour: 暴雨橙色预警), else the severity through the table above; Unknown severity → blue.
 */
export function levelFromCap(info: { eventCode?: { valueName: string; value: string }[]; parameter?: { valueName: string; value: string }[]; headline?: string; event: string; severity: string } | undefined): AlertLevel {
  if (!info) return 'blue';
  const coded = [...(info.eventCode ?? []), ...(info.parameter ?? [])].find((p) => /^(level|alertlevel|预警级别|预警等级)$/i.test(p.valueName.trim()));
  const texts = [coded?.value, info.headline, info.event].filter((t): t is string => Boolean(t));
  for (const text of texts) for (const [re, level] of COLOUR_WORDS) if (re.test(text)) return level;
  return LEVEL_BY_SEVERITY[info.severity] ?? 'blue';
}

const TYPE_WORDS: [RegExp, string][] = [
  [/台风|typhoon|cyclone|hurricane/i, 'typhoon'],
  [/内涝|积水|waterlog/i, 'waterlog'],
  [/水库|reservoir|dam\b/i, 'reservoir'],
  [/山洪|地质|滑坡|泥石流|崩塌|landslide|mudslide|debris/i, 'geohazard'],
  [/洪水|汛|flood/i, 'flood'],
  [/暴雨|降雨|rain|storm/i, 'rainstorm'],
  [/森林|火险|火情|山火|fire|bushfire/i, 'forest-fire'],
  [/危化|化学|泄漏|hazmat|chemical|toxic|gas leak/i, 'hazmat'],
  [/地震|earthquake|seismic/i, 'earthquake'],
  [/事故|accident|explosion|collapse/i, 'accident'],
];

/** The local type of a CAP message from outside: an explicit type code, else words in the event/headline. */
export function typeFromCap(info: { eventCode?: { valueName: string; value: string }[]; event: string; headline?: string; category?: string[] } | undefined): string {
  if (!info) return 'other';
  const coded = info.eventCode?.find((p) => /^(type|hazard|alerttype|预警类型)$/i.test(p.valueName.trim()))?.value.trim();
  if (coded && coded in TYPE_ZH) return coded;
  for (const text of [coded, info.event, info.headline]) {
    if (!text) continue;
    for (const [re, type] of TYPE_WORDS) if (re.test(text)) return type;
  }
  if (info.category?.includes('Fire')) return 'forest-fire';
  return 'other';
}
