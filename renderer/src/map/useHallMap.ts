/**
 * The MapLibre map of the map room: the offline basemap, one GeoJSON source per operational
 * layer (clustered where dense, `promoteId: 'fid'` so `updateData` can patch features by id),
 * the draw overlay, HTML place labels, basemap switching with fallback to the offline one when
 * an online basemap fails, and the clicks and gestures the view needs.
 */
import { addProtocol, Map as MlMap, Marker, ScaleControl, setWorkerUrl, type GeoJSONSource, type MapGeoJSONFeature } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker ships as a file of the build ('self' in the CSP): maplibre's own guess, next to its
// module, does not survive bundling and gives up on non-http origins such as Electron's app://.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type * as GeoJSON from 'geojson';
import { PMTiles, Protocol, TileType } from 'pmtiles';
import { ref, shallowRef } from 'vue';
import type { Basemap, MapLayerId, Station } from '../../../shared/contract';
import type { LatLon } from './cap-area';
import type { FeatureDiff } from './features';
import { BASEMAP_PREFIX, BasemapError, type BasemapPieces, pmtilesArchiveUrl, RASTER_BASEMAP_PAINT, rasterBasemap, styleBasemap, vectorBasemap, vectorLayersOf } from './basemap-style';
import { AVAILABLE_LAYERS, CLICKABLE_LAYERS, layerVisibility, sourceId } from './layers';
import { DISTRICT_BOUNDS, offlineStyle } from './offline-style';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
export const FIT_PADDING = 48;

export interface MapHandlers {
  onFeatureClick(feature: MapGeoJSONFeature): void;
  onMapClick(at: LatLon): boolean; // true when a tool took the click
  onDoubleClick(at: LatLon): boolean;
  onPointerMove(at: LatLon): void;
  onGesture(phase: 'start' | 'end'): void;
  onBasemapFailed(basemap: Basemap): void;
}

setWorkerUrl(workerUrl);

let protocol: Protocol | null = null;
/**
 * The pmtiles:// protocol, registered once for the page: it reads the archives with range
 * requests in the page (same origin for the console's own files, else a configured origin the
 * CSP admits) and hands maplibre a TileJSON and the tiles.
 */
function pmtilesProtocol(): Protocol {
  if (!protocol) {
    protocol = new Protocol();
    addProtocol('pmtiles', protocol.tile);
  }
  return protocol;
}

export function useHallMap(handlers: MapHandlers) {
  const map = shallowRef<MlMap | null>(null);
  const ready = ref(false);
  const moving = ref(false);
  const zoom = ref(0);
  /** How many times the map went idle (everything drawn): a signal for tests and the wall. */
  const idles = ref(0);
  let labels: Marker[] = [];
  /** Features that arrived before the style loaded: set once on load, then only diffs. */
  const initial = new Map<string, GeoJSON.Feature[]>();
  let basemapErrors = 0;
  let basemapTiles = 0;
  let activeBasemap: Basemap | null = null;
  /** Bumped on every switch: a style or archive that finishes loading after the next switch is dropped. */
  let basemapGeneration = 0;

  function mount(container: HTMLElement): void {
    const instance = new MlMap({
      container,
      style: offlineStyle(),
      bounds: DISTRICT_BOUNDS,
      fitBoundsOptions: { padding: FIT_PADDING },
      maxZoom: 17,
      minZoom: 7,
      attributionControl: false,
      doubleClickZoom: true,
      dragRotate: false,
      pitchWithRotate: false,
      // Nothing is fetched from the internet: symbol text (the cluster counts) is drawn locally.
      localIdeographFontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif",
    });
    instance.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    instance.on('load', () => {
      for (const layer of AVAILABLE_LAYERS) {
        instance.addSource(sourceId(layer.id), {
          type: 'geojson',
          data: { type: 'FeatureCollection', features: initial.get(layer.id) ?? [] },
          promoteId: 'fid',
          ...(layer.cluster ? { cluster: true, clusterRadius: 36, clusterMaxZoom: 13 } : {}),
        });
        for (const spec of layer.mapLayers) instance.addLayer(spec);
      }
      initial.clear();
      instance.addSource('draw', { type: 'geojson', data: EMPTY });
      instance.addLayer({ id: 'draw-area', type: 'fill', source: 'draw', filter: ['==', ['get', 'role'], 'area'], paint: { 'fill-color': '#ffd447', 'fill-opacity': 0.18 } });
      instance.addLayer({ id: 'draw-edge', type: 'line', source: 'draw', filter: ['in', ['get', 'role'], ['literal', ['area', 'line']]], paint: { 'line-color': '#ffd447', 'line-width': 3, 'line-dasharray': [2, 1] } });
      instance.addLayer({ id: 'draw-vertex', type: 'circle', source: 'draw', filter: ['==', ['get', 'role'], 'vertex'], paint: { 'circle-color': '#ffd447', 'circle-radius': 5, 'circle-stroke-color': '#07101d', 'circle-stroke-width': 2 } });
      ready.value = true;
    });
    instance.on('movestart', (e) => {
      moving.value = true;
      if ((e as { originalEvent?: unknown }).originalEvent) handlers.onGesture('start');
    });
    instance.on('moveend', (e) => {
      if ((e as { originalEvent?: unknown }).originalEvent) handlers.onGesture('end');
    });
    instance.on('idle', () => {
      moving.value = false;
      idles.value++;
    });
    instance.on('zoom', () => (zoom.value = instance.getZoom()));
    instance.on('click', (e) => {
      const at = { lat: e.lngLat.lat, lon: e.lngLat.lng };
      if (handlers.onMapClick(at)) return;
      const layers = CLICKABLE_LAYERS.filter((id) => instance.getLayer(id) && instance.getLayoutProperty(id, 'visibility') !== 'none');
      const hit = instance.queryRenderedFeatures(e.point, { layers }).sort((a, b) => CLICKABLE_LAYERS.indexOf(a.layer.id) - CLICKABLE_LAYERS.indexOf(b.layer.id))[0];
      if (!hit) return;
      if (hit.properties['cluster']) void expandCluster(hit);
      else handlers.onFeatureClick(hit);
    });
    instance.on('dblclick', (e) => {
      if (handlers.onDoubleClick({ lat: e.lngLat.lat, lon: e.lngLat.lng })) e.preventDefault();
    });
    instance.on('mousemove', (e) => {
      handlers.onPointerMove({ lat: e.lngLat.lat, lon: e.lngLat.lng });
      const layers = CLICKABLE_LAYERS.filter((id) => instance.getLayer(id));
      instance.getCanvas().style.cursor = layers.length && instance.queryRenderedFeatures(e.point, { layers }).length ? 'pointer' : '';
    });
    instance.on('error', (e) => {
      const sourceIdOfError = (e as { sourceId?: string }).sourceId;
      if (!sourceIdOfError?.startsWith(BASEMAP_PREFIX) || !activeBasemap) return;
      basemapErrors++;
      if (basemapErrors >= 3 || basemapTiles === 0) failBasemap(activeBasemap);
    });
    instance.on('sourcedata', (e) => {
      if (e.sourceId.startsWith(BASEMAP_PREFIX) && e.tile) basemapTiles++;
    });
    zoom.value = instance.getZoom();
    map.value = instance;
  }

  async function expandCluster(hit: MapGeoJSONFeature): Promise<void> {
    const instance = map.value;
    const source = instance?.getSource<GeoJSONSource>(hit.source);
    if (!instance || !source || hit.geometry.type !== 'Point') return;
    const zoomTo = await source.getClusterExpansionZoom(Number(hit.properties['cluster_id']));
    instance.easeTo({ center: hit.geometry.coordinates as [number, number], zoom: zoomTo + 0.5 });
  }

  /** Apply a layer's diff: patch by id once loaded, else remember the full set for the first load. */
  function applyDiff(layer: MapLayerId, diff: FeatureDiff, all: () => GeoJSON.Feature[]): void {
    const source = ready.value ? map.value?.getSource<GeoJSONSource>(sourceId(layer)) : undefined;
    if (!source) {
      initial.set(layer, all());
      return;
    }
    void source.updateData(diff);
  }

  function setVisibility(visible: Partial<Record<MapLayerId, boolean>>): void {
    const instance = map.value;
    if (!instance || !ready.value) return;
    for (const [id, value] of Object.entries(layerVisibility(visible))) if (instance.getLayer(id)) instance.setLayoutProperty(id, 'visibility', value);
  }

  function setDraw(data: GeoJSON.FeatureCollection): void {
    void map.value?.getSource<GeoJSONSource>('draw')?.setData(data);
  }

  function setDrawing(on: boolean): void {
    const instance = map.value;
    if (!instance) return;
    if (on) instance.doubleClickZoom.disable();
    else instance.doubleClickZoom.enable();
    instance.getCanvas().style.cursor = on ? 'crosshair' : '';
  }

  /** Back to the offline basemap, and tell the view why. */
  function failBasemap(failed: Basemap, why?: unknown): void {
    if (why) console.warn(`[map] basemap ${failed.id} failed:`, why);
    setBasemap(null);
    handlers.onBasemapFailed(failed);
  }

  /** Removes the current basemap's layers, sources and sprite: the offline basemap shows again. */
  function clearBasemap(instance: MlMap): void {
    const style = instance.getStyle();
    for (const layer of style.layers) if (layer.id.startsWith(BASEMAP_PREFIX)) instance.removeLayer(layer.id);
    for (const id of Object.keys(style.sources)) if (id.startsWith(BASEMAP_PREFIX)) instance.removeSource(id);
    if (style.sprite) instance.setSprite(null);
    activeBasemap = null;
    instance.setLayoutProperty('district-fill', 'visibility', 'visible');
  }

  /**
   * null: back to the offline basemap. Any other basemap is laid under the district overlay, so
   * the boundary and every operational layer stay on top of it. false when its kind cannot be
   * shown at all; a style or archive that fails to load (now or later, tiles included) falls back
   * to the offline basemap through onBasemapFailed.
   */
  function setBasemap(basemap: Basemap | null): boolean {
    const instance = map.value;
    if (!instance || !ready.value) return false;
    const generation = ++basemapGeneration;
    clearBasemap(instance);
    if (!basemap || basemap.kind === 'offline') return true;
    if (!basemap.url) return false;
    basemapErrors = 0;
    basemapTiles = 0;
    activeBasemap = basemap;
    const url = basemap.url;
    const pieces: Promise<BasemapPieces> =
      basemap.kind === 'xyz'
        ? Promise.resolve({
            sources: { [`${BASEMAP_PREFIX}xyz`]: { type: 'raster', tiles: [url], tileSize: 256 } },
            layers: [{ id: `${BASEMAP_PREFIX}xyz`, type: 'raster', source: `${BASEMAP_PREFIX}xyz`, paint: { ...RASTER_BASEMAP_PAINT } }],
          })
        : basemap.kind === 'style'
          ? loadStyle(url)
          : loadPmtiles(url);
    pieces.then(
      (loaded) => {
        // The operator picked another basemap while this one loaded: drop it.
        if (generation !== basemapGeneration || map.value !== instance) return;
        try {
          addBasemap(instance, basemap, loaded);
        } catch (error) {
          failBasemap(basemap, error);
        }
      },
      (error: unknown) => {
        if (generation === basemapGeneration && map.value === instance) failBasemap(basemap, error);
      },
    );
    return true;
  }

  function addBasemap(instance: MlMap, basemap: Basemap, pieces: BasemapPieces): void {
    const attribution = basemap.attribution ? { attribution: basemap.attribution } : {};
    for (const [id, source] of Object.entries(pieces.sources)) instance.addSource(id, { ...source, ...attribution });
    for (const layer of pieces.layers) instance.addLayer(layer, 'district-fill');
    if (typeof pieces.sprite === 'string') instance.setSprite(pieces.sprite);
    else for (const sprite of pieces.sprite ?? []) instance.addSprite(sprite.id, sprite.url);
    // The map validates what it adds and reports a bad source or layer as an error event rather
    // than a throw: one that did not make it in means a broken style.
    const missing = [...Object.keys(pieces.sources).filter((id) => !instance.getSource(id)), ...pieces.layers.map((l) => l.id).filter((id) => !instance.getLayer(id))];
    if (missing.length > 0) throw new BasemapError(`not accepted by the map: ${missing.join(', ')}`);
    instance.setLayoutProperty('district-fill', 'visibility', 'none');
  }

  async function loadStyle(url: string): Promise<BasemapPieces> {
    const response = await fetch(url, { credentials: 'omit' });
    if (!response.ok) throw new BasemapError(`the style answered HTTP ${response.status}`);
    return styleBasemap(await response.json(), response.url || url);
  }

  async function loadPmtiles(url: string): Promise<BasemapPieces> {
    const archiveUrl = pmtilesArchiveUrl(url, location.href);
    const archive = pmtilesProtocol().get(archiveUrl) ?? new PMTiles(archiveUrl);
    pmtilesProtocol().add(archive);
    const header = await archive.getHeader();
    const zooms = { minzoom: header.minZoom, maxzoom: header.maxZoom };
    if (header.tileType === TileType.Mvt) return vectorBasemap(archiveUrl, vectorLayersOf(await archive.getMetadata()), zooms);
    if ([TileType.Png, TileType.Jpeg, TileType.Webp, TileType.Avif].includes(header.tileType)) return rasterBasemap(archiveUrl, zooms);
    throw new BasemapError(`the archive holds tiles of an unsupported type (${header.tileType})`);
  }

  /** Town and village names as HTML labels (local fonts render the Chinese; no glyphs needed). */
  function setPlaceLabels(stations: readonly Station[]): void {
    const instance = map.value;
    if (!instance) return;
    labels.forEach((m) => m.remove());
    labels = stations
      .filter((s) => s.level !== 'district')
      .map((s) => {
        const el = document.createElement('div');
        el.className = `map-label map-label-${s.level}`;
        el.textContent = s.name;
        el.dataset['code'] = s.code;
        return new Marker({ element: el, anchor: 'top', offset: [0, 8] }).setLngLat([s.lon, s.lat]).addTo(instance);
      });
  }

  function fitDistrict(animate = true): void {
    map.value?.fitBounds(DISTRICT_BOUNDS, { padding: FIT_PADDING, animate });
  }

  function fitBounds(bounds: [number, number, number, number], animate = true): void {
    map.value?.fitBounds(bounds, { padding: FIT_PADDING, animate, maxZoom: 15 });
  }

  function flyTo(lon: number, lat: number, zoomTo = 15): void {
    map.value?.flyTo({ center: [lon, lat], zoom: zoomTo, duration: 800 });
  }

  function destroy(): void {
    labels.forEach((m) => m.remove());
    map.value?.remove();
    map.value = null;
    ready.value = false;
  }

  return { map, ready, moving, zoom, idles, mount, destroy, applyDiff, setVisibility, setDraw, setDrawing, setBasemap, setPlaceLabels, fitDistrict, fitBounds, flyTo };
}
