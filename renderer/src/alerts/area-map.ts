/**
 * The detail pane's small map (loaded lazily with maplibre-gl): the offline district basemap and
 * the alert's areas — polygons and circles filled in the level's colour, a geocoded place or the
 * station as a dot — fitted into view. No network: the style is the bundled offline one.
 */
import { Map as MlMap, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type * as GeoJSON from 'geojson';
import { DISTRICT_BOUNDS, offlineStyle } from '../map/offline-style';
import { featuresBounds } from './area';

setWorkerUrl(workerUrl);

export interface AreaMap {
  show(features: GeoJSON.Feature[], color: string): void;
  resize(): void;
  destroy(): void;
}

export function createAreaMap(container: HTMLElement, onIdle?: () => void): AreaMap {
  const map = new MlMap({
    container,
    style: offlineStyle(),
    bounds: DISTRICT_BOUNDS,
    fitBoundsOptions: { padding: 16 },
    maxZoom: 16,
    minZoom: 7,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
  });
  let pending: { features: GeoJSON.Feature[]; color: string } | null = null;
  let loaded = false;

  function apply(features: GeoJSON.Feature[], color: string): void {
    const data: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features };
    const source = map.getSource<GeoJSONSource>('area');
    if (source) void source.setData(data);
    else {
      map.addSource('area', { type: 'geojson', data });
      map.addLayer({ id: 'area-fill', type: 'fill', source: 'area', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'fill-color': color, 'fill-opacity': 0.28 } });
      map.addLayer({ id: 'area-line', type: 'line', source: 'area', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': color, 'line-width': 2.5 } });
      map.addLayer({ id: 'area-point', type: 'circle', source: 'area', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': color, 'circle-radius': 8, 'circle-stroke-color': '#07101d', 'circle-stroke-width': 2 } });
    }
    for (const id of ['area-fill', 'area-line']) map.setPaintProperty(id, id === 'area-fill' ? 'fill-color' : 'line-color', color);
    map.setPaintProperty('area-point', 'circle-color', color);
    const b = featuresBounds(features);
    if (!b) map.fitBounds(DISTRICT_BOUNDS, { padding: 16, animate: false });
    else if (b[0] === b[2] && b[1] === b[3]) map.jumpTo({ center: [b[0], b[1]], zoom: 12.5 });
    else map.fitBounds(b, { padding: 28, animate: false, maxZoom: 14 });
  }

  map.on('load', () => {
    loaded = true;
    if (pending) apply(pending.features, pending.color);
    pending = null;
  });
  if (onIdle) map.on('idle', onIdle);

  return {
    show(features, color) {
      if (loaded) apply(features, color);
      else pending = { features, color };
    },
    resize: () => map.resize(),
    destroy: () => map.remove(),
  };
}
