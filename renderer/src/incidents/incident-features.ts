/**
 * What the incident map draws, as GeoJSON (pure, no map): the incident's place (its CAP area, its
 * point or its station), evacuation villages as circles coloured by zone status, and open alerts
 * at their station in the alert level's colour. Every feature carries its `color` and `kind`.
 */
import type * as GeoJSON from 'geojson';
import type { DeskAlert, EvacuationRecord, Incident, Station } from '../../../shared/contract';
import { circleToRing, parseCapCircle, parseCapPolygon, type Ring } from '../../../shared/map/cap-area';
import { LEVEL_COLORS } from '../alerts/alarm-levels';
import { EVACUATION_COLORS, levelColor } from './rules';

export type IncidentFeature = GeoJSON.Feature<GeoJSON.Geometry, { kind: 'place' | 'village' | 'alert'; color: string; label: string; status?: string }>;

const point = (lon: number, lat: number): GeoJSON.Point => ({ type: 'Point', coordinates: [lon, lat] });

export function placeFeatures(incident: Pick<Incident, 'place' | 'level' | 'title'>, stations: ReadonlyMap<string, Station>): IncidentFeature[] {
  const color = levelColor(incident.level);
  const props = { kind: 'place' as const, color, label: incident.title };
  const out: IncidentFeature[] = [];
  const area = incident.place.area;
  if (area) {
    const rings: Ring[] = [];
    try {
      for (const p of area.polygon ?? []) rings.push(parseCapPolygon(p));
      for (const c of area.circle ?? []) rings.push(circleToRing(parseCapCircle(c), 48));
    } catch {
      // A malformed area is shown as the point or station below; the core validated it on the way in.
    }
    for (const ring of rings) out.push({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
  const p = incident.place.point;
  if (p) out.push({ type: 'Feature', properties: props, geometry: point(p.lon, p.lat) });
  else if (!out.length && incident.place.stationCode) {
    const s = stations.get(incident.place.stationCode);
    if (s) out.push({ type: 'Feature', properties: props, geometry: point(s.lon, s.lat) });
  }
  return out;
}

export function villageFeatures(records: readonly EvacuationRecord[], stations: ReadonlyMap<string, Station>): IncidentFeature[] {
  return records.flatMap((r) => {
    const s = stations.get(r.stationCode);
    const lat = r.lat ?? s?.lat;
    const lon = r.lon ?? s?.lon;
    if (lat == null || lon == null) return [];
    return [{ type: 'Feature', properties: { kind: 'village', color: EVACUATION_COLORS[r.status], label: r.stationName, status: r.status }, geometry: point(lon, lat) }];
  });
}

const OPEN_STATES: ReadonlySet<DeskAlert['state']> = new Set(['new', 'acknowledged', 'handling', 'escalated']);

export function alertFeatures(alerts: readonly DeskAlert[], stations: ReadonlyMap<string, Station>): IncidentFeature[] {
  return alerts.flatMap((a) => {
    if (!OPEN_STATES.has(a.state)) return [];
    const s = stations.get(a.stationCode ?? '') ?? stations.get(a.townCode ?? '');
    if (!s) return [];
    return [{ type: 'Feature', properties: { kind: 'alert', color: LEVEL_COLORS[a.level], label: a.headline }, geometry: point(s.lon, s.lat) }];
  });
}
