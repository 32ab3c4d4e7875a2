/**
 * A release expands into deliveries: one per loudspeaker terminal and amplifier zone in the
 * area (residents), one per radio (the radio net), one per person whose role is among the
 * audiences and who belongs to the area (SMS; one per phone number). Pure: the service passes in
 * the stations, the devices and the contacts.
 */
import type { CapArea } from '../../../shared/contract/alerts';
import type { Audience, Channel, Contact, ContactRole, WarningArea } from '../../../shared/contract/warnings';
import type { NewDelivery } from './store';

export interface PlaceRef {
  code: string;
  name: string;
  level: 'district' | 'town' | 'village';
  parentCode?: string | undefined;
  lat: number;
  lon: number;
}

export interface SpeakerRef {
  id: string;
  name: string;
  resourceCode: string;
  stationCode: string;
}
export interface ZoneRef {
  deviceId: string;
  deviceName: string;
  stationCode: string;
  name?: string | undefined;
}
export interface RadioRef {
  id: string;
  name: string;
}

export interface Inventory {
  places: readonly PlaceRef[];
  speakers: readonly SpeakerRef[];
  zones: readonly ZoneRef[];
  radios: readonly RadioRef[];
  contacts: readonly Contact[];
}

/** Point in a CAP polygon ("lat,lon lat,lon …") or circle ("lat,lon radiusKm"). */
export function insideCapArea(area: CapArea, lat: number, lon: number): boolean {
  for (const polygon of area.polygon ?? []) {
    const pts = polygon.trim().split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]);
    let inside = false;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [yi, xi] = pts[i]!;
      const [yj, xj] = pts[j]!;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    if (inside) return true;
  }
  for (const circle of area.circle ?? []) {
    const [centre, radius] = circle.trim().split(/\s+/);
    const [clat, clon] = (centre ?? '').split(',').map(Number);
    const r = Number(radius);
    if ([clat, clon, r].some((v) => !Number.isFinite(v))) continue;
    const dLat = ((lat - clat!) * Math.PI) / 180;
    const dLon = ((lon - clon!) * Math.PI) / 180;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos((clat! * Math.PI) / 180) * Math.cos((lat * Math.PI) / 180) * Math.sin(dLon / 2) ** 2;
    if (6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a)) <= r) return true;
  }
  return false;
}

/** The towns and villages the area covers: a town brings its villages; the district, everything. */
export function coveredPlaces(area: WarningArea, places: readonly PlaceRef[]): Set<string> {
  const covered = new Set<string>();
  const chosen = new Set(area.stationCodes);
  for (const p of places) {
    if (p.level === 'district') continue;
    const town = p.level === 'town' ? p.code : p.parentCode;
    if (chosen.has(p.code) || (town && chosen.has(town)) || [...chosen].some((c) => c.length === 6 && p.code.startsWith(c))) covered.add(p.code);
    else if (area.drawn && insideCapArea(area.drawn, p.lat, p.lon)) covered.add(p.code);
  }
  return covered;
}

const PEOPLE: readonly ContactRole[] = ['cadre', 'duty', 'flood-duty', 'rescue'];

export function expandRelease(w: { area: WarningArea; audiences: readonly Audience[]; channels: readonly Channel[] }, inv: Inventory): NewDelivery[] {
  const covered = coveredPlaces(w.area, inv.places);
  const byCode = new Map(inv.places.map((p) => [p.code, p]));
  const townOf = (code: string) => {
    const p = byCode.get(code);
    return p?.level === 'village' ? (p.parentCode ?? null) : p?.level === 'town' ? p.code : null;
  };
  const out: NewDelivery[] = [];
  const residents = w.audiences.includes('residents');
  if (residents && w.channels.includes('speaker')) {
    for (const s of inv.speakers) {
      if (!covered.has(s.stationCode)) continue;
      out.push({ channel: 'speaker', deviceId: s.id, target: s.resourceCode, targetName: s.name, stationCode: s.stationCode, townCode: townOf(s.stationCode), contactId: null });
    }
  }
  if (residents && w.channels.includes('amplifier')) {
    for (const z of inv.zones) {
      if (!covered.has(z.stationCode)) continue;
      const place = byCode.get(z.stationCode)?.name ?? z.stationCode;
      out.push({ channel: 'amplifier', deviceId: z.deviceId, target: `${z.deviceId}/${z.stationCode}`, targetName: `${z.deviceName} · ${z.name ?? place}`, stationCode: z.stationCode, townCode: townOf(z.stationCode), contactId: null });
    }
  }
  if (w.channels.includes('radio') && (w.audiences.includes('radio-net') || residents)) {
    for (const r of inv.radios) out.push({ channel: 'radio', deviceId: r.id, target: r.id, targetName: r.name, stationCode: null, townCode: null, contactId: null });
  }
  const roles = new Set(PEOPLE.filter((r) => w.audiences.includes(r)));
  if (w.channels.includes('sms') && roles.size > 0) {
    const seen = new Set<string>();
    for (const c of inv.contacts) {
      if (!covered.has(c.stationCode) || !c.roles.some((r) => roles.has(r)) || seen.has(c.phone)) continue;
      seen.add(c.phone);
      out.push({ channel: 'sms', deviceId: null, target: c.phone, targetName: c.name, stationCode: c.stationCode, townCode: townOf(c.stationCode), contactId: c.id });
    }
  }
  return out;
}

/** The people of an escalation group not already reached by this warning. */
export function expandEscalation(group: string, already: ReadonlySet<string>, inv: Pick<Inventory, 'contacts' | 'places'>): NewDelivery[] {
  const byCode = new Map(inv.places.map((p) => [p.code, p]));
  return inv.contacts
    .filter((c) => c.groups.includes(group) && !already.has(c.phone))
    .map((c) => {
      const p = byCode.get(c.stationCode);
      const town = p?.level === 'village' ? (p.parentCode ?? null) : p?.level === 'town' ? p.code : null;
      return { channel: 'sms' as const, deviceId: null, target: c.phone, targetName: c.name, stationCode: c.stationCode, townCode: town, contactId: c.id, escalated: true };
    });
}
