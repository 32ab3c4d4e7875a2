/**
 * The draw tool's view of CAP areas: `{lat, lon}` points in, CAP strings out, over the shared
 * helpers (shared/map/cap-area.ts) that the core uses to validate areas, so what the tool
 * produces is exactly what a warning will accept (closed, ≥ 4 pairs, not self-crossing, km).
 */
import { circleToRing, distanceKm as distanceKmLonLat, formatCapCircle, formatCapPolygon } from '../../../shared/map/cap-area';

export interface LatLon {
  lat: number;
  lon: number;
}

/** A closed CAP polygon from ≥ 3 vertices; throws naming the problem (too few, crossing …). */
export function capPolygon(vertices: readonly LatLon[]): string {
  return formatCapPolygon(vertices.map((p) => [p.lon, p.lat]));
}

/** A CAP circle `lat,lon radius` with the radius in km. */
export function capCircle(center: LatLon, radiusKm: number): string {
  return formatCapCircle({ center: [center.lon, center.lat], radiusKm });
}

/** A circle as a closed GeoJSON ring, for drawing. */
export function circleRing(center: LatLon, radiusKm: number): [number, number][] {
  return circleToRing({ center: [center.lon, center.lat], radiusKm });
}

export function distanceKm(a: LatLon, b: LatLon): number {
  return distanceKmLonLat([a.lon, a.lat], [b.lon, b.lat]);
}
