/**
 * What belongs to an incident: its town (from its station, or the town nearest its point; the
 * whole district when it names the district or nothing), and whether an alert, a warning or a
 * device falls in it. The event log and the KPIs use the same rules.
 */
import type { Incident, Warning } from '../../../shared/contract';
import { DISTRICT, distanceMeters, pointInRing, type Ring } from '../../../shared/places';
import type { StationsRepo } from '../stations/stations-repo';

export interface Scope {
  incidentId: string;
  /** The town code (12 digits, ending 000), or null for the whole district. */
  town: string | null;
  sourceAlertId: string | null;
  startMs: number;
  point: { lat: number; lon: number } | null;
}

/** The town (12 digits ending 000) a division code lies in; null for the district itself or a foreign code. */
export function townOfCode(code: string | null | undefined): string | null {
  if (!code || !code.startsWith(DISTRICT.code) || code.length !== 12) return null;
  if (code.slice(6, 9) === '000') return null;
  return `${code.slice(0, 9)}000`;
}

export function isDistrictCode(code: string): boolean {
  return code === DISTRICT.code || code === `${DISTRICT.code}000000`;
}

/** Where the incident is, as a point (its point, its station's position, or the district's seat). */
export function incidentPoint(i: Incident, stations: StationsRepo): { lat: number; lon: number } | null {
  if (i.place.point) return i.place.point;
  const s = i.place.stationCode ? stations.get(i.place.stationCode) : undefined;
  if (s) return { lat: s.lat, lon: s.lon };
  const circle = i.place.area?.circle?.[0];
  if (circle) {
    const [lat, lon] = circle.split(' ')[0]!.split(',').map(Number);
    if (Number.isFinite(lat) && Number.isFinite(lon)) return { lat: lat!, lon: lon! };
  }
  const ring = i.place.area?.polygon?.[0] ? capRing(i.place.area.polygon[0]) : null;
  if (ring?.length) {
    const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
    return { lat, lon };
  }
  return null;
}

export function scopeOf(i: Incident, stations: StationsRepo): Scope {
  let town: string | null = null;
  const code = i.place.stationCode;
  if (code) town = townOfCode(code);
  else {
    const point = incidentPoint(i, stations);
    if (point) {
      const towns = stations.list({ level: 'town' });
      let best = Infinity;
      for (const t of towns) {
        const d = distanceMeters(point, t);
        if (d < best) [best, town] = [d, t.code];
      }
    }
  }
  return { incidentId: i.id, town, sourceAlertId: i.sourceAlertId, startMs: Date.parse(i.occurredAt), point: incidentPoint(i, stations) };
}

/** A desk alert belongs to the incident: its source, escalated into it, or in its town since it began. */
export function alertInScope(s: Scope, a: { id: string; town_code: string | null; incident_id: string | null; sent_ms: number; created_ms: number }): boolean {
  if (a.id === s.sourceAlertId || a.incident_id === s.incidentId) return true;
  if (Math.max(a.sent_ms, a.created_ms) < s.startMs) return false;
  return s.town === null || a.town_code === s.town;
}

/** "lat,lon lat,lon …" (CAP) → GeoJSON-order ring. */
export function capRing(polygon: string): Ring {
  return polygon
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(',').map(Number))
    .filter((p) => p.length === 2 && p.every(Number.isFinite))
    .map(([lat, lon]) => [lon!, lat!]);
}

/** A warning belongs to the incident: made from its alert, or its area covers the incident's place. */
export function warningInScope(s: Scope, w: Pick<Warning, 'sourceAlertId' | 'area'>): boolean {
  if (s.sourceAlertId && w.sourceAlertId === s.sourceAlertId) return true;
  for (const code of w.area.stationCodes) {
    if (isDistrictCode(code) || s.town === null) return true;
    if (code === s.town || townOfCode(code) === s.town) return true;
  }
  if (s.point && w.area.drawn?.polygon?.some((p) => pointInRing(s.point!.lon, s.point!.lat, capRing(p)))) return true;
  return false;
}

/** A device serves the incident's town (terminals and zones carry their station codes). */
export function deviceInScope(s: Scope, stationCodes: readonly string[]): boolean {
  if (stationCodes.length === 0) return false;
  if (s.town === null) return true;
  return stationCodes.some((c) => c === s.town || townOfCode(c) === s.town);
}
