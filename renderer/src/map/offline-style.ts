/**
 * The built-in offline basemap: a dark ground, the district boundary (fill, glow and outline) and
 * a mask that dims everything outside it. Its only data is the district boundary bundled with
 * the app (resources/places, WGS-84), so it draws with no network at all. No glyphs and no
 * sprites: place names are HTML labels (the browser's local CJK fonts), never symbol text.
 */
import type * as GeoJSON from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import boundaryText from '../../../resources/places/yuancheng-441602.geojson?raw';
import { convertCoordinates } from '../../../shared/map/coords';

/**
 * The district boundary in WGS-84. The bundled file is GCJ-02 (as most Chinese web data); every
 * feature on the map is WGS-84, so it is converted once here (else it sits ~500 m off).
 */
export const DISTRICT_BOUNDARY: GeoJSON.FeatureCollection<GeoJSON.MultiPolygon | GeoJSON.Polygon> = (() => {
  const gcj = JSON.parse(boundaryText) as GeoJSON.FeatureCollection<GeoJSON.MultiPolygon | GeoJSON.Polygon>;
  return { ...gcj, features: gcj.features.map((f) => ({ ...f, geometry: { ...f.geometry, coordinates: convertCoordinates(f.geometry.coordinates, 'GCJ-02', 'WGS-84') } as typeof f.geometry })) };
})();

/** [west, south, east, north] of the district. */
export const DISTRICT_BOUNDS: [number, number, number, number] = (() => {
  let w = 180, s = 90, e = -180, n = -90;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as [number, number];
      w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of DISTRICT_BOUNDARY.features) visit(f.geometry.coordinates);
  return [w, s, e, n];
})();

export const MAP_BACKGROUND = '#07101d';

/** The world with the district cut out, to dim what is outside the district. */
function outsideMask(): GeoJSON.Feature<GeoJSON.Polygon> {
  const holes: GeoJSON.Position[][] = [];
  for (const f of DISTRICT_BOUNDARY.features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of polys) if (poly[0]) holes.push(poly[0]);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]], ...holes] } };
}

export function offlineStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'hall-offline',
    sources: {
      'district-boundary': { type: 'geojson', data: DISTRICT_BOUNDARY },
      'district-mask': { type: 'geojson', data: outsideMask() },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': MAP_BACKGROUND } },
      ...basemapOverlayLayers(),
    ],
  };
}

/** The boundary layers, also laid over an online basemap so the district stays outlined. */
export function basemapOverlayLayers(): StyleSpecification['layers'] {
  return [
    { id: 'district-fill', type: 'fill', source: 'district-boundary', paint: { 'fill-color': '#123256', 'fill-opacity': 0.55 } },
    { id: 'district-mask', type: 'fill', source: 'district-mask', paint: { 'fill-color': '#02060d', 'fill-opacity': 0.45 } },
    { id: 'district-glow', type: 'line', source: 'district-boundary', paint: { 'line-color': '#3db4ff', 'line-width': 10, 'line-opacity': 0.16, 'line-blur': 6 } },
    { id: 'district-outline', type: 'line', source: 'district-boundary', paint: { 'line-color': '#5cc4ff', 'line-width': 2.5 } },
  ];
}
