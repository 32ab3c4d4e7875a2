/**
 * The map's methods: basemaps, layers, features and named views. Reads are for every signed-in
 * role (the wall draws the map too); saving and deleting custom views is for staff, audited.
 */
import type { Basemap, MapLayerInfo, MapView } from '../../../shared/contract';
import { filterByBBox } from '../../../shared/map';
import type { Registry } from '../api/registry';
import { HallError } from '../api/errors';
import { basemapFile, type HallConfig } from '../config/config';
import { layerRegistry, type LayerDefinition } from './layers';
import { builtInViews } from './views';
import type { MapViewsRepo } from './views-repo';
import type { BBox, Station } from '../../../shared/contract';

/** The built-in basemap: resources/map/offline-style.json + the district-boundary and places layers. */
export const OFFLINE_BASEMAP: Basemap = {
  id: 'offline',
  name: '离线底图',
  kind: 'offline',
  datum: 'WGS-84',
  attribution: '区界：DataV.GeoAtlas（GCJ-02 已转 WGS-84）；区划代码：国家统计局',
  default: true,
};

export function listBasemaps(config: HallConfig): Basemap[] {
  return [
    OFFLINE_BASEMAP,
    ...config.map.basemaps.map<Basemap>((b) => ({
      id: b.id,
      name: b.name,
      kind: b.kind,
      datum: b.datum,
      // A local PMTiles file is served by the console (web host and app://) by id: the renderer
      // gets that path on its own origin, never a path on disk.
      url: basemapFile(b) ? `/basemaps/${b.id}.pmtiles` : b.url,
      ...(b.attribution ? { attribution: b.attribution } : {}),
    })),
  ];
}

export function layerInfo(d: LayerDefinition): MapLayerInfo {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    available: d.build !== undefined,
    count: d.build ? d.build().length : 0,
    legend: d.legend,
    cluster: d.cluster,
    base: d.base,
  };
}

export interface MapDeps {
  config: HallConfig;
  /** Tells every screen that the named views changed (after the change has committed). */
  viewsChanged?: (views: MapView[]) => void;
  layers: LayerDefinition[];
  views: MapViewsRepo;
  stations: () => Station[];
  districtBBox: () => BBox;
  now: () => Date;
}

export function registerMapMethods(registry: Registry, deps: MapDeps): void {
  const layers = layerRegistry(deps.layers);
  const allViews = (): MapView[] => [...builtInViews(deps.districtBBox(), deps.stations()), ...deps.views.list()];

  registry.register('map.basemaps.list', () => listBasemaps(deps.config));
  registry.register('map.layers.list', () => [...layers.values()].map(layerInfo));
  registry.register('map.features', (params) => {
    const layer = layers.get(params.layer);
    if (!layer) throw new HallError('not_found', `map.features: no layer "${params.layer}"`);
    return { type: 'FeatureCollection', features: layer.build ? filterByBBox(layer.build(), params.bbox) : [] };
  });
  registry.register('map.views.list', () => allViews());
  // The handlers run inside the registry's transaction: announce once it has committed.
  const announce = () => queueMicrotask(() => deps.viewsChanged?.(allViews()));
  registry.register('map.views.save', (params, ctx) => {
    if (allViews().some((v) => v.builtIn && v.name === params.name)) {
      throw new HallError('conflict', `map.views.save: "${params.name}" is the name of a built-in view`);
    }
    const saved = deps.views.save(params, ctx.user?.username ?? null, deps.now());
    announce();
    return saved;
  });
  registry.register('map.views.delete', (params) => {
    if (allViews().some((v) => v.builtIn && v.id === params.id)) {
      throw new HallError('conflict', `map.views.delete: "${params.id}" is a built-in view and cannot be deleted`);
    }
    // Idempotent: deleting a view another operator already deleted leaves the same state.
    if (deps.views.delete(params.id)) announce();
    return null;
  });
}
