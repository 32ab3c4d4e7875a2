/**
 * Where an alert is: its CAP areas as GeoJSON (polygons and circles through the shared parsers
 * the core validates with; a geocode as its town/village point or the district), and one point
 * for it (the first area's centre, else its station's or town's point) to find cameras near it.
 */
import type * as GeoJSON from 'geojson';
import type { CapArea, DeskAlertDetail, MapFeature, Station } from '../../../shared/contract';
import { capAreaGeometry, type PlaceResolver } from '../../../shared/map/features';
import { distanceKm } from '../../../shared/map/cap-area';

export type LonLat = [number, number];

export interface AlertPlace {
  /** The drawable areas (fill/outline) and points (geocoded or fallback), WGS-84. */
  features: GeoJSON.Feature[];
  /** The point cameras are searched around, null when nothing is known. */
  point: LonLat | null;
  /** 'area' drawn from polygons/circles; 'point' only a place; 'none' nothing drawable. */
  kind: 'area' | 'point' | 'none';
}

export function placeResolver(stations: ReadonlyMap<string, Station>, districtBoundary: () => MapFeature['geometry']): PlaceResolver {
  return {
    districtCode: '441602',
    districtBoundary,
    placePoint: (code) => {
      const s = stations.get(code);
      return s ? [s.lon, s.lat] : undefined;
    },
  };
}

function centreOf(geometry: GeoJSON.Geometry): LonLat | null {
  if (geometry.type === 'Point') return geometry.coordinates as LonLat;
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.type === 'MultiPolygon' ? geometry.coordinates[0]?.[0] : undefined;
  if (!ring?.length) return null;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const [x, y] of ring as LonLat[]) {
    w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
  }
  return [(w + e) / 2, (s + n) / 2];
}

export function alertPlace(detail: DeskAlertDetail, stations: ReadonlyMap<string, Station>, places: PlaceResolver): AlertPlace {
  const features: GeoJSON.Feature[] = [];
  const seen = new Set<string>();
  let point: LonLat | null = null;
  let drawnArea = false;
  const areas: CapArea[] = detail.cap.info.flatMap((i) => i.area);
  for (const area of areas) {
    const key = JSON.stringify(area);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      const drawn = capAreaGeometry(area, places);
      const geometry = drawn.geometry as GeoJSON.Geometry;
      features.push({ type: 'Feature', properties: { name: area.areaDesc, kind: drawn.kind }, geometry });
      if (drawn.kind !== 'geocode') drawnArea = true;
      point ??= centreOf(geometry);
    } catch {
      /* an area that cannot be drawn: the station's point stands for it below */
    }
  }
  const a = detail.alert;
  const station = (a.stationCode && stations.get(a.stationCode)) || (a.townCode && stations.get(a.townCode)) || undefined;
  if (!point && station) point = [station.lon, station.lat];
  if (!features.length && point) features.push({ type: 'Feature', properties: { name: station?.name ?? '', kind: 'station' }, geometry: { type: 'Point', coordinates: point } });
  return { features, point, kind: drawnArea ? 'area' : point ? 'point' : 'none' };
}

/** The nearest `n` of `things` within `maxKm` of `at`, nearest first, with their distance. */
export function nearest<T extends { lat: number; lon: number }>(things: readonly T[], at: LonLat, n = 4, maxKm = 5): { item: T; km: number }[] {
  return things
    .map((item) => ({ item, km: distanceKm(at, [item.lon, item.lat]) }))
    .filter((x) => x.km <= maxKm)
    .sort((a, b) => a.km - b.km)
    .slice(0, n);
}

/** [west, south, east, north] of features, null when there are none. */
export function featuresBounds(features: readonly GeoJSON.Feature[]): [number, number, number, number] | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as LonLat;
      w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of features) if (f.geometry.type !== 'GeometryCollection') visit(f.geometry.coordinates);
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
