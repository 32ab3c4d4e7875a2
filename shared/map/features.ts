/**
 * GeoJSON features from the console's entities, pure so the core serves them and tests check
 * them without a database. Conventions (see MapFeature in shared/contract/map.ts): a stable
 * string `id`, and flat properties with `fid` (= id, for MapLibre's promoteId), `id` (the
 * entity's id), `layer`, `name` and `status` (the legend value that colours the feature).
 */
import type { AlertRecord, BBox, Camera, FeatureProperties, MapFeature, MapGeometry, MapLayerId, ReadingPoint, Sensor, Station } from '../contract';
import { CapAreaError, circleToRing, parseCapCircle, parseCapPolygon, type LonLat, type Ring } from './cap-area';
import { cameraStatus, sensorStatus } from './colors';

function feature(layer: MapLayerId, fid: string, entityId: string, geometry: MapGeometry, properties: FeatureProperties): MapFeature {
  return { type: 'Feature', id: fid, geometry, properties: { fid, id: entityId, layer, ...properties } };
}

function point(lon: number, lat: number): MapGeometry {
  return { type: 'Point', coordinates: [lon, lat] };
}

export function stationFeature(s: Station): MapFeature {
  return feature('stations', `station:${s.code}`, s.code, point(s.lon, s.lat), {
    name: s.name,
    status: s.online ? 'online' : 'offline',
    code: s.code,
    level: s.level,
    parentCode: s.parentCode ?? null,
    online: s.online,
    demo: s.demo,
    dutyName: s.dutyPerson?.name ?? null,
    dutyPhone: s.dutyPerson?.phone ?? null,
    lastContact: s.lastContact ?? null,
  });
}

/** A label point of the offline basemap (district seat, towns, villages). */
export function placeFeature(s: Station): MapFeature {
  return feature('places', `place:${s.code}`, s.code, point(s.lon, s.lat), { name: s.name, status: s.level, code: s.code, level: s.level });
}

export function cameraFeature(c: Camera): MapFeature {
  return feature('cameras', `camera:${c.id}`, c.id, point(c.lon, c.lat), {
    name: c.name,
    status: cameraStatus(c),
    stationCode: c.stationCode,
    online: c.online,
    ptz: c.ptz,
    codec: c.codec ?? null,
  });
}

export function sensorFeature(s: Sensor, latest: ReadingPoint | undefined): MapFeature {
  return feature('sensors', `sensor:${s.id}`, s.id, point(s.lon, s.lat), {
    name: s.name,
    status: sensorStatus(latest?.value, s.thresholds),
    stationCode: s.stationCode,
    type: s.type,
    unit: s.unit,
    value: latest?.value ?? null,
    at: latest?.at ?? null,
    warn: s.thresholds?.warn ?? null,
    danger: s.thresholds?.danger ?? null,
  });
}

/** What alert geocodes resolve against: division codes → a point, and the district's boundary. */
export interface PlaceResolver {
  /** 6-digit code of the district whose geocode is drawn as its boundary. */
  districtCode: string;
  districtBoundary(): MapGeometry;
  /** The point of a town/village by its 12-digit code, undefined when unknown. */
  placePoint(code: string): LonLat | undefined;
}

const DIVISION_CODE = /^\d{6}(\d{6})?$/;

/** The geometry of a geocode, or undefined when the code is not a place we know. */
function geocodeGeometry(code: string, places: PlaceResolver): MapGeometry | undefined {
  if (code === places.districtCode || code === `${places.districtCode}000000`) return places.districtBoundary();
  if (code.length !== 12) return undefined;
  const p = places.placePoint(code);
  return p ? point(p[0], p[1]) : undefined;
}

export interface AlertFeaturesResult {
  features: MapFeature[];
  /** Areas that could not be drawn, with the reason (bad polygon, unknown geocode …). */
  problems: string[];
}

type CapArea = AlertRecord['cap']['info'][number]['area'][number];

/** The drawn geometry of one CAP area: its polygons and circles, else its geocode. */
export function capAreaGeometry(
  area: CapArea,
  places: PlaceResolver,
): { geometry: MapGeometry; kind: 'polygon' | 'circle' | 'geocode'; radiusKm: number | null; geocode: string | null } {
  const rings: Ring[] = [];
  let radiusKm: number | null = null;
  for (const text of area.polygon ?? []) rings.push(parseCapPolygon(text));
  for (const text of area.circle ?? []) {
    const circle = parseCapCircle(text);
    radiusKm ??= circle.radiusKm;
    rings.push(circleToRing(circle, 64));
  }
  if (rings.length === 1) return { geometry: { type: 'Polygon', coordinates: [rings[0]!] }, kind: area.polygon?.length ? 'polygon' : 'circle', radiusKm, geocode: null };
  if (rings.length > 1) {
    return { geometry: { type: 'MultiPolygon', coordinates: rings.map((r) => [r]) }, kind: area.polygon?.length ? 'polygon' : 'circle', radiusKm, geocode: null };
  }
  const codes = (area.geocode ?? []).map((g) => g.value.trim()).filter((v) => DIVISION_CODE.test(v));
  for (const code of codes) {
    const geometry = geocodeGeometry(code, places);
    if (geometry) return { geometry, kind: 'geocode', radiusKm: null, geocode: code };
  }
  throw new CapAreaError(
    codes.length > 0 ? `geocode ${codes.join(', ')} is not a place of this district` : 'the area has no polygon, circle or division-code geocode',
  );
}

/**
 * One feature per distinct CAP area of an alert (areas repeated across language <info> blocks
 * are drawn once). Ids are `alert:<alert id>#<n>`, stable while the alert's areas are.
 */
export function alertFeatures(alert: AlertRecord, places: PlaceResolver): AlertFeaturesResult {
  const seen = new Set<string>();
  const features: MapFeature[] = [];
  const problems: string[] = [];
  let n = 0;
  for (const info of alert.cap.info) {
    for (const area of info.area) {
      const key = JSON.stringify(area);
      if (seen.has(key)) continue;
      seen.add(key);
      const index = n++;
      try {
        const drawn = capAreaGeometry(area, places);
        features.push(
          feature('alerts', `alert:${alert.id}#${index}`, alert.id, drawn.geometry, {
            name: area.areaDesc,
            status: alert.level,
            alertId: alert.id,
            level: alert.level,
            type: alert.type,
            headline: alert.headline,
            areaDesc: area.areaDesc,
            areaKind: drawn.kind,
            geocode: drawn.geocode,
            radiusKm: drawn.radiusKm,
            sent: alert.sent,
            msgType: alert.msgType,
            stationCode: alert.stationCode,
          }),
        );
      } catch (error) {
        problems.push(`alert ${alert.id} area ${index + 1} "${area.areaDesc}": ${(error as Error).message}`);
      }
    }
  }
  return { features, problems };
}

/** Whether an alert belongs on the map now: not a cancellation, and not past every info's expiry. */
export function alertIsActive(alert: AlertRecord, now: Date): boolean {
  if (alert.msgType === 'Cancel' || alert.status === 'Draft') return false;
  const expiries = alert.cap.info.map((i) => (i.expires ? Date.parse(i.expires) : Number.POSITIVE_INFINITY));
  return expiries.some((e) => e > now.getTime());
}

/** [west, south, east, north] of a geometry. */
export function geometryBBox(geometry: MapGeometry): BBox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (p: readonly [number, number]): void => {
    w = Math.min(w, p[0]);
    e = Math.max(e, p[0]);
    s = Math.min(s, p[1]);
    n = Math.max(n, p[1]);
  };
  if (geometry.type === 'Point') visit(geometry.coordinates);
  else if (geometry.type === 'Polygon') geometry.coordinates.forEach((ring) => ring.forEach(visit));
  else geometry.coordinates.forEach((poly) => poly.forEach((ring) => ring.forEach(visit)));
  return [w, s, e, n];
}

/**
 * Whether a feature touches a bbox: points inside it (edges included), polygons whose own bbox
 * overlaps it. The bbox test over-includes a polygon near a corner, which is harmless for
 * viewport loading and keeps this O(points).
 */
export function touchesBBox(geometry: MapGeometry, bbox: BBox): boolean {
  const [w, s, e, n] = bbox;
  if (geometry.type === 'Point') {
    const [lon, lat] = geometry.coordinates;
    return lon >= w && lon <= e && lat >= s && lat <= n;
  }
  const [fw, fs, fe, fn] = geometryBBox(geometry);
  return fw <= e && fe >= w && fs <= n && fn >= s;
}

export function filterByBBox(features: readonly MapFeature[], bbox: BBox | undefined): MapFeature[] {
  return bbox ? features.filter((f) => touchesBBox(f.geometry, bbox)) : features.slice();
}
