/**
 * How CAP messages become desk alerts. Every message — mirrored from the link, imported, raised
 * by a local rule or entered by hand — is first stored in `alerts`, then attached here:
 *  - an Alert starts a desk alert;
 *  - an Update or Cancel whose `references` name a message the desk holds joins that alert's
 *    chain: an Update changes what the alert says (level, text, area), a Cancel cancels it;
 *  - an Update/Cancel referencing nothing the desk knows stands on its own (the console may have
 *    missed the original); Ack and Error messages are kept but never make a desk alert.
 * Attaching is idempotent: a message already in a chain (a link snapshot re-sends every message)
 * only refreshes the alert when it is the chain's latest.
 */
import type { AlertRecord, CapDocument, DeskState } from '../../../shared/contract';
import { DISTRICT } from '../../../shared/places';
import { LEVEL_ZH, levelRank } from '../../../shared/alerts/levels';
import type { AlertsRepo } from '../mirror/alerts';
import type { DeskContent, DeskRow, DeskStore } from './desk-store';

/** Marks a message the desk looked at and keeps out of the desk (Ack/Error). */
export const NOT_A_DESK_ALERT = '-';

type Message = AlertRecord & { identifier: string; sender: string };

/** "sender,identifier,sent" triples → (sender, identifier) pairs; malformed triples are skipped. */
export function parseReferences(references: string | undefined): { sender: string; identifier: string; sent: string }[] {
  if (!references) return [];
  return references
    .trim()
    .split(/\s+/)
    .map((t) => t.split(','))
    .filter((p) => p.length === 3 && p.every((x) => x.length > 0))
    .map(([sender, identifier, sent]) => ({ sender: sender!, identifier: identifier!, sent: sent! }));
}

/** The town/street a division code lies in (its 9-digit prefix), or null for the district itself. */
export function townOf(code: string | null | undefined): string | null {
  if (!code || !/^\d{12}$/.test(code) || !code.startsWith(DISTRICT.code)) return null;
  const town = `${code.slice(0, 9)}000`;
  return town === `${DISTRICT.code}000000` ? null : town;
}

export function contentOf(m: Message): DeskContent {
  const cap = m.cap as unknown as CapDocument & { local?: { stationCode?: string } };
  const info = cap.info[0];
  const geocoded = info?.area.flatMap((a) => a.geocode ?? []).map((g) => g.value).find((v) => townOf(v) !== null) ?? null;
  const stationCode = m.stationCode ?? geocoded;
  return {
    level: m.level,
    type: m.type,
    townCode: townOf(stationCode),
    stationCode,
    sensorId: m.sensorId,
    headline: m.headline,
    event: info?.event ?? m.headline,
    areaDesc: info?.area.map((a) => a.areaDesc).join('；') ?? '',
    capStatus: m.status,
    msgType: m.msgType,
    sent: m.sent,
    sentMs: Date.parse(m.sent),
    cap,
  };
}

export interface Attached {
  /** Desk alerts created or changed. */
  changed: Set<string>;
  /** Desk alerts that now need the desk again (new, or their level rose): the alarm rings. */
  raised: Set<string>;
}

const OPEN: ReadonlySet<DeskState> = new Set(['new', 'acknowledged', 'handling']);

/** Attaches every unattached message, oldest first, a page at a time. */
export function attachPending(store: DeskStore, messages: AlertsRepo, now: Date, page = 2000): Attached {
  const out: Attached = { changed: new Set(), raised: new Set() };
  for (;;) {
    const batch = messages.unattached(page);
    for (const m of batch) attachOne(store, messages, m, now, out);
    if (batch.length < page) return out;
  }
}

function attachOne(store: DeskStore, messages: AlertsRepo, m: Message, now: Date, out: Attached): void {
  const c = contentOf(m);
  const known = store.chainDeskId(m.sender, m.identifier);
  if (known) {
    messages.setDeskId(m.id, known);
    const desk = store.get(known);
    if (desk && c.sentMs >= desk.sent_ms && desk.cap !== JSON.stringify(c.cap)) {
      store.setContent(known, c, now);
      out.changed.add(known);
    }
    return;
  }
  const refs = parseReferences(m.cap.references);
  const target = refs.map((r) => store.chainDeskId(r.sender, r.identifier)).find((id): id is string => id !== undefined);
  if (m.msgType === 'Ack' || m.msgType === 'Error') {
    if (target) store.log(target, 'note', `收到 CAP ${m.msgType} 消息 ${m.identifier}`, null, now);
    messages.setDeskId(m.id, target ?? NOT_A_DESK_ALERT);
    return;
  }
  const desk = target ? store.get(target) : undefined;
  if (desk && (m.msgType === 'Update' || m.msgType === 'Cancel')) {
    store.addToChain(m.sender, m.identifier, desk.id, m.sent, m.msgType);
    messages.setDeskId(m.id, desk.id);
    store.countMessages(desk.id);
    out.changed.add(desk.id);
    // An older message arriving late joins the chain but does not overwrite what is newer.
    if (c.sentMs < desk.sent_ms) return;
    store.setContent(desk.id, c, now);
    if (m.msgType === 'Cancel') return cancel(store, desk, m, now);
    const rose = levelRank(c.level) > levelRank(desk.level);
    const levelText = c.level !== desk.level ? `（${LEVEL_ZH[desk.level]} → ${LEVEL_ZH[c.level]}）` : '';
    store.log(desk.id, 'updated', `更新${levelText}：${c.headline}`, null, now);
    if (rose && OPEN.has(desk.state)) {
      // A rise in level needs the desk again: an acknowledged alert rings anew; one being handled
      // stays with its handler (the timeline and the event tell them).
      if (desk.state === 'acknowledged') store.setState(desk.id, 'new', now);
      store.setRemindStage(desk.id, 0);
      out.raised.add(desk.id);
    }
    return;
  }
  // An Alert, or an Update/Cancel of something this console never held: a desk alert of its own.
  store.insert(m.id, m.source, c, { now, ruleId: (m.cap as { local?: { ruleId?: string } }).local?.ruleId ?? null });
  store.addToChain(m.sender, m.identifier, m.id, m.sent, m.msgType);
  messages.setDeskId(m.id, m.id);
  store.log(m.id, 'raised', `${SOURCE_ZH[m.source]}：${c.headline}`, null, now);
  out.changed.add(m.id);
  if (m.source === 'link' && m.sensorId) supersedeRuleAlerts(store, m.sensorId, m.id, c.headline, now, out);
  if (m.msgType === 'Cancel') {
    store.setState(m.id, 'cancelled', now, { resolution: '发布方撤销（CAP Cancel）' });
    return;
  }
  out.raised.add(m.id);
}

/**
 * The platform now warns about a sensor a local rule was already warning about: the rule's alert
 * closes into the platform's, so the desk does not carry the same danger twice.
 */
function supersedeRuleAlerts(store: DeskStore, sensorId: string, platformId: string, headline: string, now: Date, out: Attached): void {
  for (const rule of store.openRuleAlertsFor(sensorId)) {
    const text = `区平台已发布同一监测点的告警（${headline}），本地规则告警并入 ${platformId}`;
    store.setState(rule.id, 'closed', now, { resolution: text });
    store.log(rule.id, 'closed', text, null, now);
    out.changed.add(rule.id);
  }
}

function cancel(store: DeskStore, desk: DeskRow, m: Message, now: Date): void {
  if (OPEN.has(desk.state)) {
    store.setState(desk.id, 'cancelled', now, { resolution: '发布方撤销（CAP Cancel）' });
    store.log(desk.id, 'cancelled', `发布方撤销：${m.headline}`, null, now);
  } else {
    store.log(desk.id, 'note', `发布方撤销（告警已${desk.state === 'closed' ? '关闭' : '升级'}）：${m.headline}`, null, now);
  }
}

const SOURCE_ZH: Record<AlertRecord['source'], string> = { link: '区平台', cap: 'CAP导入', rule: '本地规则', manual: '人工录入' };
