/**
 * The map's measuring and drawing tools as a pure state machine, fed by map events:
 * a click adds a vertex, a double-click or Enter finishes, Esc cancels. A polygon becomes a
 * closed CAP polygon; a circle is two clicks (centre, then a point on the rim) and becomes a
 * CAP circle; a measurement is a polyline with its length.
 */
import type * as GeoJSON from 'geojson';
import { capCircle, capPolygon, circleRing, distanceKm, type LatLon } from './cap-area';

export type DrawMode = 'measure' | 'polygon' | 'circle';

export interface DrawState {
  mode: DrawMode | null;
  points: LatLon[];
  finished: boolean;
}

export interface DrawResult {
  /** CAP area string (polygon or circle), when the drawing is one. */
  capArea?: string;
  kind?: 'polygon' | 'circle';
  /** Length of the measured line (or radius of the circle), km. */
  km?: number;
  /** Why the shape is not a valid CAP area (e.g. a polygon that crosses itself). */
  error?: string;
}

export const idleDraw = (): DrawState => ({ mode: null, points: [], finished: false });

export function startDraw(mode: DrawMode): DrawState {
  return { mode, points: [], finished: false };
}

export function drawClick(state: DrawState, point: LatLon): DrawState {
  if (!state.mode || state.finished) return state;
  const points = [...state.points, point];
  // A circle is done on its second click: the rim point sets the radius.
  const finished = state.mode === 'circle' && points.length === 2;
  return { ...state, points, finished };
}

/** Finish (double-click / Enter): only when the shape is complete enough, else nothing happens. */
export function drawFinish(state: DrawState): DrawState {
  if (!state.mode || state.finished) return state;
  // A double-click also fires two clicks: drop the duplicate vertex they add.
  const points = state.points.filter((p, i) => i === 0 || distanceKm(p, state.points[i - 1]!) > 1e-6);
  const enough = state.mode === 'polygon' ? points.length >= 3 : state.mode === 'measure' ? points.length >= 2 : false;
  return enough ? { ...state, points, finished: true } : { ...state, points };
}

export function lineKm(points: readonly LatLon[]): number {
  let km = 0;
  for (let i = 1; i < points.length; i++) km += distanceKm(points[i - 1]!, points[i]!);
  return km;
}

export function drawResult(state: DrawState): DrawResult {
  const { mode, points } = state;
  if (mode === 'measure') return { km: lineKm(points) };
  if (!state.finished) return {};
  try {
    if (mode === 'polygon') return { kind: 'polygon', capArea: capPolygon(points) };
    if (mode === 'circle' && points.length === 2) {
      const km = distanceKm(points[0]!, points[1]!);
      return { kind: 'circle', capArea: capCircle(points[0]!, km), km };
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
  return {};
}

type Feature = GeoJSON.Feature<GeoJSON.Geometry, { role: string }>;

/** What the draw overlay shows: the shape so far (following the cursor while drawing) and its vertices. */
export function drawFeatures(state: DrawState, cursor?: LatLon): GeoJSON.FeatureCollection<GeoJSON.Geometry, { role: string }> {
  const features: Feature[] = [];
  const pts = !state.finished && cursor ? [...state.points, cursor] : state.points;
  const coords = pts.map((p): [number, number] => [p.lon, p.lat]);
  if (state.mode === 'circle' && pts.length >= 2) {
    const ring = circleRing(pts[0]!, distanceKm(pts[0]!, pts[1]!));
    features.push({ type: 'Feature', properties: { role: 'area' }, geometry: { type: 'Polygon', coordinates: [ring] } });
    features.push({ type: 'Feature', properties: { role: 'line' }, geometry: { type: 'LineString', coordinates: coords.slice(0, 2) } });
  } else if (state.mode === 'polygon' && coords.length >= 3) {
    features.push({ type: 'Feature', properties: { role: 'area' }, geometry: { type: 'Polygon', coordinates: [[...coords, coords[0]!]] } });
  } else if (coords.length >= 2) {
    features.push({ type: 'Feature', properties: { role: 'line' }, geometry: { type: 'LineString', coordinates: coords } });
  }
  for (const p of state.points) features.push({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } });
  return { type: 'FeatureCollection', features };
}
