/**
 * What a wall map fits to: the bounding box of the active alerts' areas, or — with none — the
 * saved view the scene names, or the district. Pure, so it is tested without a map.
 */
import type { MapFeature, MapView } from '../../../shared/contract';

export type Bounds = [number, number, number, number];
export type FitTarget = { kind: 'alerts'; bounds: Bounds } | { kind: 'view'; view: MapView } | { kind: 'district' };

/** A lone point is widened to about 2 km so the fit does not dive to the maximum zoom. */
const POINT_PAD = 0.01;

/** The ids of the alerts the map draws (an alert with several areas counts once), sorted. */
export function activeAlertIds(features: Iterable<MapFeature>): string[] {
  const ids = new Set<string>();
  for (const f of features) ids.add(String(f.properties['id'] ?? f.id));
  return [...ids].sort();
}

export function boundsOf(features: Iterable<MapFeature>): Bounds | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [x, y] = c as [number, number];
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of features) visit(f.geometry.coordinates);
  if (!Number.isFinite(w)) return null;
  if (e - w < POINT_PAD * 2) [w, e] = [(w + e) / 2 - POINT_PAD, (w + e) / 2 + POINT_PAD];
  if (n - s < POINT_PAD * 2) [s, n] = [(s + n) / 2 - POINT_PAD, (s + n) / 2 + POINT_PAD];
  return [w, s, e, n];
}

export function fitTarget(alertFeatures: Iterable<MapFeature>, view: MapView | null): FitTarget {
  const bounds = boundsOf(alertFeatures);
  if (bounds) return { kind: 'alerts', bounds };
  if (view) return { kind: 'view', view };
  return { kind: 'district' };
}
