/**
 * A warning as a CAP 1.2 message: identifier from the EBM id, the Update/Cancel chain through
 * `references`, the level through the one LEVEL_CAP table, the area as the chosen places'
 * division codes (geocode) and the drawn polygon/circle. The XML is checked by the same parser
 * that guards imports before it leaves the console.
 */
import type { CapDocument, CapInfo } from '../../../shared/contract/alerts';
import { LEVEL_CAP, LEVEL_ZH, TYPE_ZH } from '../../../shared/alerts/levels';
import { capDateTime, parseCap, toCapXml } from '../alerts/cap';
import { CATEGORY_OF, LOCAL_SENDER } from '../alerts/desk';
import { HallError } from '../api/errors';
import type { WarningRecord } from './store';

export const capIdentifier = (w: Pick<WarningRecord, 'ebmId'>) => `YC-EBM-${w.ebmId}`;
const sentOf = (w: WarningRecord) => capDateTime(new Date(w.releasedAt ?? w.createdAt));

export function warningToCap(w: WarningRecord, referenced: WarningRecord | undefined, placeName: (code: string) => string): { xml: string; filename: string } {
  const areaDesc = w.area.stationCodes.map(placeName).join('、') || w.area.drawn?.areaDesc || '源城区';
  const cap = LEVEL_CAP[w.level];
  const info: CapInfo = {
    language: 'zh-CN',
    category: [CATEGORY_OF[w.type] ?? 'Other'],
    event: `${TYPE_ZH[w.type] ?? w.type}${LEVEL_ZH[w.level]}预警`,
    responseType: [w.msgType === 'Cancel' ? 'AllClear' : 'Prepare'],
    urgency: cap.urgency,
    severity: cap.severity,
    certainty: cap.certainty,
    eventCode: [{ valueName: 'EBM', value: w.ebmId }],
    senderName: '源城区应急指挥中心',
    headline: w.title,
    description: w.text,
    area: [
      {
        areaDesc,
        ...(w.area.drawn?.polygon?.length ? { polygon: w.area.drawn.polygon } : {}),
        ...(w.area.drawn?.circle?.length ? { circle: w.area.drawn.circle } : {}),
        ...(w.area.stationCodes.length ? { geocode: w.area.stationCodes.map((code) => ({ valueName: 'GB/T 2260', value: code })) } : {}),
      },
    ],
  };
  const doc: CapDocument = {
    identifier: capIdentifier(w),
    sender: LOCAL_SENDER,
    sent: sentOf(w),
    status: w.drill ? 'Exercise' : w.status === 'draft' || w.status === 'submitted' ? 'Draft' : 'Actual',
    msgType: w.msgType,
    scope: w.scope === 'public' ? 'Public' : 'Restricted',
    ...(w.scope === 'public' ? {} : { restriction: '仅限三防责任人和值班人员' }),
    ...(referenced ? { references: `${LOCAL_SENDER},${capIdentifier(referenced)},${sentOf(referenced)}` } : {}),
    info: [info],
  };
  const xml = toCapXml(doc);
  const checked = parseCap(xml);
  if (!checked.ok) throw new HallError('invalid_cap', `warnings.exportCap ${w.id}: the message would not be valid CAP: ${checked.problems.map((p) => `${p.path} ${p.problem}`).join('; ')}`, checked.problems);
  return { xml, filename: `${capIdentifier(w)}.xml` };
}
