/**
 * The incident's small map (loaded lazily with maplibre-gl): the offline district basemap, the
 * incident's place in its level's colour, villages as circles in their zone colour and open alerts
 * as ringed dots; fitted to what is drawn. No network: the style is the bundled offline one.
 */
import { Map as MlMap, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type * as GeoJSON from 'geojson';
import { DISTRICT_BOUNDS, offlineStyle } from '../map/offline-style';
import { featuresBounds } from '../alerts/area';
import type { IncidentFeature } from './incident-features';

setWorkerUrl(workerUrl);

export interface IncidentMapHandle {
  show(features: IncidentFeature[]): void;
  resize(): void;
  destroy(): void;
}

export function createIncidentMap(container: HTMLElement, onIdle?: () => void): IncidentMapHandle {
  const map = new MlMap({ container, style: offlineStyle(), bounds: DISTRICT_BOUNDS, fitBoundsOptions: { padding: 16 }, maxZoom: 16, minZoom: 7, attributionControl: false, dragRotate: false, pitchWithRotate: false });
  let pending: IncidentFeature[] | null = null;
  let loaded = false;
  const color = ['get', 'color'] as unknown as string;
  const kind = (k: string) => ['==', ['get', 'kind'], k] as ['==', unknown, string];

  function apply(features: IncidentFeature[]): void {
    const data: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features };
    const source = map.getSource<GeoJSONSource>('incident');
    if (source) void source.setData(data);
    else {
      map.addSource('incident', { type: 'geojson', data });
      const polygon = ['!=', ['geometry-type'], 'Point'];
      map.addLayer({ id: 'incident-fill', type: 'fill', source: 'incident', filter: polygon as never, paint: { 'fill-color': color, 'fill-opacity': 0.22 } });
      map.addLayer({ id: 'incident-line', type: 'line', source: 'incident', filter: polygon as never, paint: { 'line-color': color, 'line-width': 2.5 } });
      map.addLayer({ id: 'incident-villages', type: 'circle', source: 'incident', filter: kind('village') as never, paint: { 'circle-color': color, 'circle-opacity': 0.75, 'circle-radius': 11, 'circle-stroke-color': '#07101d', 'circle-stroke-width': 2 } });
      map.addLayer({ id: 'incident-alerts', type: 'circle', source: 'incident', filter: kind('alert') as never, paint: { 'circle-color': '#07101d', 'circle-radius': 7, 'circle-stroke-color': color, 'circle-stroke-width': 4 } });
      map.addLayer({ id: 'incident-place', type: 'circle', source: 'incident', filter: ['all', kind('place'), ['==', ['geometry-type'], 'Point']] as never, paint: { 'circle-color': color, 'circle-radius': 12, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 } });
    }
    const b = featuresBounds(features);
    if (!b) map.fitBounds(DISTRICT_BOUNDS, { padding: 16, animate: false });
    else if (b[0] === b[2] && b[1] === b[3]) map.jumpTo({ center: [b[0], b[1]], zoom: 11.5 });
    else map.fitBounds(b, { padding: 60, animate: false, maxZoom: 12 });
  }

  map.on('load', () => {
    loaded = true;
    if (pending) apply(pending);
    pending = null;
  });
  if (onIdle) map.on('idle', onIdle);

  return {
    show(features) {
      if (loaded) apply(features);
      else pending = features;
    },
    resize: () => map.resize(),
    destroy: () => map.remove(),
  };
}
