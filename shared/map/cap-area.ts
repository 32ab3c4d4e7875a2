/**
 * CAP 1.2 <area> geometry ↔ GeoJSON. CAP writes points as "lat,lon" (WGS-84, latitude first),
 * the reverse of GeoJSON's [lon, lat]:
 *  - polygon: whitespace-separated "lat,lon" pairs, closed (first pair = last pair), ≥ 4 pairs;
 *  - circle:  "lat,lon radius" with the radius in kilometres.
 * Parsing is strict and every error names the problem and the offending text, because invalid
 * polygons that get published break GIS downstream. The renderer's draw tool formats with
 * `formatCapPolygon` / `formatCapCircle`, which validate the same way before anything is released.
 */

export type LonLat = [number, number];
export type Ring = LonLat[];

export interface CapCircle {
  /** [lon, lat] WGS-84. */
  center: LonLat;
  radiusKm: number;
}

export class CapAreaError extends Error {
  override name = 'CapAreaError';
}

/** Mean Earth radius (IUGG), km: circles are approximated on the sphere. */
const EARTH_RADIUS_KM = 6371.0088;
/** A CAP circle's radius is capped at half the Earth's circumference: anything larger is a typo. */
const MAX_RADIUS_KM = 20_000;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function parsePair(text: string, what: string): LonLat {
  const parts = text.split(',');
  if (parts.length !== 2 || !NUMBER.test(parts[0]!.trim()) || !NUMBER.test(parts[1]!.trim())) {
    throw new CapAreaError(`${what} "${text}" is not a "lat,lon" pair of decimal degrees`);
  }
  const lat = Number(parts[0]);
  const lon = Number(parts[1]);
  checkRange(lon, lat, `${what} "${text}"`);
  return [lon, lat];
}

function checkRange(lon: number, lat: number, what: string): void {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new CapAreaError(`${what}: latitude ${lat} is outside -90…90`);
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) throw new CapAreaError(`${what}: longitude ${lon} is outside -180…180`);
}

function samePosition(a: LonLat, b: LonLat): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Format one coordinate: at most 6 decimals (~0.1 m), no trailing zeros. */
function deg(value: number): string {
  return String(Number(value.toFixed(6)));
}

function orientation(p: LonLat, q: LonLat, r: LonLat): number {
  const v = (q[1] - p[1]) * (r[0] - q[0]) - (q[0] - p[0]) * (r[1] - q[1]);
  return v === 0 ? 0 : v > 0 ? 1 : -1;
}

function onSegment(p: LonLat, q: LonLat, r: LonLat): boolean {
  return q[0] <= Math.max(p[0], r[0]) && q[0] >= Math.min(p[0], r[0]) && q[1] <= Math.max(p[1], r[1]) && q[1] >= Math.min(p[1], r[1]);
}

function segmentsIntersect(p1: LonLat, q1: LonLat, p2: LonLat, q2: LonLat): boolean {
  const o1 = orientation(p1, q1, p2);
  const o2 = orientation(p1, q1, q2);
  const o3 = orientation(p2, q2, p1);
  const o4 = orientation(p2, q2, q1);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(p1, p2, q1)) || (o2 === 0 && onSegment(p1, q2, q1)) || (o3 === 0 && onSegment(p2, p1, q2)) || (o4 === 0 && onSegment(p2, q1, q2));
}

/** Index pairs of non-adjacent edges of a closed ring that touch or cross (O(n²): drawn rings are small). */
export function ringSelfIntersection(ring: Ring): [number, number] | null {
  const edges = ring.length - 1;
  for (let i = 0; i < edges; i++) {
    for (let j = i + 2; j < edges; j++) {
      if (i === 0 && j === edges - 1) continue; // the first and last edges share the closing point
      if (segmentsIntersect(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return [i, j];
    }
  }
  return null;
}

/**
 * The problems of a ring as a CAP polygon, [] when it is valid: closed, ≥ 4 positions, valid
 * ranges, ≥ 3 distinct positions (an area, not a line), and not crossing itself.
 */
export function capRingProblems(ring: readonly LonLat[]): string[] {
  const problems: string[] = [];
  if (ring.length < 4) problems.push(`has ${ring.length} points; a CAP polygon needs at least 4 (3 corners and the closing point)`);
  ring.forEach(([lon, lat], i) => {
    try {
      checkRange(lon, lat, `point ${i + 1}`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  });
  if (ring.length > 0 && !samePosition(ring[0]!, ring[ring.length - 1]!)) problems.push('is not closed: the last point must repeat the first');
  const distinct = new Set(ring.map(([lon, lat]) => `${lon},${lat}`));
  if (ring.length >= 4 && distinct.size < 3) problems.push(`has only ${distinct.size} distinct points; it encloses no area`);
  if (problems.length === 0) {
    const crossing = ringSelfIntersection(ring as Ring);
    if (crossing) problems.push(`crosses itself (edges ${crossing[0] + 1} and ${crossing[1] + 1})`);
  }
  return problems;
}

/** Parse a CAP polygon into a closed GeoJSON ring ([lon, lat] positions), or throw naming the problem. */
export function parseCapPolygon(text: string): Ring {
  const pairs = text.trim().split(/\s+/).filter((p) => p.length > 0);
  if (pairs.length === 0) throw new CapAreaError('CAP polygon is empty');
  const ring = pairs.map((pair, i) => parsePair(pair, `CAP polygon point ${i + 1}`));
  const problems = capRingProblems(ring);
  if (problems.length > 0) throw new CapAreaError(`CAP polygon ${problems.join('; ')}`);
  return ring;
}

/**
 * Format a ring (e.g. from the draw tool) as a CAP polygon. An open ring is closed first; the
 * result is validated like `parseCapPolygon`, so what comes out always parses back.
 */
export function formatCapPolygon(ring: readonly LonLat[]): string {
  const closed: Ring = ring.map(([lon, lat]) => [Number(deg(lon)), Number(deg(lat))]);
  if (closed.length > 0 && !samePosition(closed[0]!, closed[closed.length - 1]!)) closed.push([closed[0]![0], closed[0]![1]]);
  const problems = capRingProblems(closed);
  if (problems.length > 0) throw new CapAreaError(`Cannot make a CAP polygon: the ring ${problems.join('; ')}`);
  return closed.map(([lon, lat]) => `${deg(lat)},${deg(lon)}`).join(' ');
}

/** Parse a CAP circle "lat,lon radius_km". */
export function parseCapCircle(text: string): CapCircle {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 2) throw new CapAreaError(`CAP circle "${text}" is not "lat,lon radius" (radius in km)`);
  const center = parsePair(parts[0]!, `CAP circle centre`);
  const radiusText = parts[1]!;
  if (!NUMBER.test(radiusText)) throw new CapAreaError(`CAP circle radius "${radiusText}" is not a number of kilometres`);
  const radiusKm = Number(radiusText);
  checkRadius(radiusKm, text);
  return { center, radiusKm };
}

function checkRadius(radiusKm: number, what: string): void {
  if (!Number.isFinite(radiusKm) || radiusKm <= 0) throw new CapAreaError(`CAP circle "${what}": radius ${radiusKm} km must be greater than 0`);
  if (radiusKm > MAX_RADIUS_KM) throw new CapAreaError(`CAP circle "${what}": radius ${radiusKm} km is larger than ${MAX_RADIUS_KM} km`);
}

/** Format a circle as CAP "lat,lon radius" (radius in km, at most 3 decimals = 1 m). */
export function formatCapCircle(circle: CapCircle): string {
  const [lon, lat] = circle.center;
  checkRange(lon, lat, 'CAP circle centre');
  const radiusKm = Number(circle.radiusKm.toFixed(3));
  checkRadius(radiusKm, `${deg(lat)},${deg(lon)} ${circle.radiusKm}`);
  return `${deg(lat)},${deg(lon)} ${radiusKm}`;
}

/** The point `distanceKm` from `from` along `bearingDeg` (great circle on the sphere). */
export function destination(from: LonLat, distanceKm: number, bearingDeg: number): LonLat {
  const rad = Math.PI / 180;
  const d = distanceKm / EARTH_RADIUS_KM;
  const b = bearingDeg * rad;
  const lat1 = from[1] * rad;
  const lon1 = from[0] * rad;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  const lon = ((((lon2 / rad + 540) % 360) + 360) % 360) - 180;
  return [lon, lat2 / rad];
}

/** Great-circle distance in km (haversine, same sphere as `destination`). */
export function distanceKm(a: LonLat, b: LonLat): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A circle as a closed ring of `segments` corners (default 64), counter-clockwise as GeoJSON wants. */
export function circleToRing(circle: CapCircle, segments = 64): Ring {
  if (!Number.isInteger(segments) || segments < 3) throw new CapAreaError(`circleToRing: ${segments} segments; need an integer ≥ 3`);
  const ring: Ring = [];
  for (let i = 0; i < segments; i++) ring.push(destination(circle.center, circle.radiusKm, 360 - (i * 360) / segments));
  ring.push([ring[0]![0], ring[0]![1]]);
  return ring;
}

/** Centre and radius of a ring drawn as a circle's approximation (mean distance of its corners). */
export function ringToCircle(ring: readonly LonLat[]): CapCircle {
  const corners = ring.length > 1 && samePosition(ring[0]!, ring[ring.length - 1]!) ? ring.slice(0, -1) : ring.slice();
  if (corners.length < 3) throw new CapAreaError(`ringToCircle: ${corners.length} corners; need at least 3`);
  const lon = corners.reduce((s, p) => s + p[0], 0) / corners.length;
  const lat = corners.reduce((s, p) => s + p[1], 0) / corners.length;
  const center: LonLat = [lon, lat];
  const radiusKm = corners.reduce((s, p) => s + distanceKm(center, p), 0) / corners.length;
  return { center, radiusKm };
}
