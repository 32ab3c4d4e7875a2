/**
 * Which map layers an event of the core touches, so the renderer refreshes only those, and
 * feature ids for partial updates (MapLibre `updateData` with `promoteId: 'fid'`): a changed
 * camera, sensor or station is re-fetched with `map.features {layer, bbox}` and updated in place;
 * a deleted one is removed by `featureIdOf(layer, id)`. Alerts have a feature per CAP area
 * (`alert:<id>#<n>`), so the alerts layer is simply re-fetched (it is small).
 */
import type { MapLayerId } from '../contract';

/** District Link kinds (the keys of `mirror.changed` counts/ids) → the layers they feed. */
export const LAYERS_OF_KIND: Readonly<Record<string, readonly MapLayerId[]>> = {
  station: ['stations', 'places'],
  camera: ['cameras'],
  sensor: ['sensors'],
  reading: ['sensors'],
  alert: ['alerts'],
  notice: [],
};

const PREFIX: Partial<Record<MapLayerId, string>> = {
  stations: 'station',
  places: 'place',
  cameras: 'camera',
  sensors: 'sensor',
};

/** The stable feature id of an entity on a point layer (`camera:<id>`, `station:<code>` …). */
export function featureIdOf(layer: MapLayerId, entityId: string): string {
  const prefix = PREFIX[layer];
  if (!prefix) throw new Error(`featureIdOf: layer ${layer} has no one-feature-per-entity ids`);
  return `${prefix}:${entityId}`;
}

/** Layers to refresh for a `mirror.changed` event (all operational ones after a reset). */
export function layersForMirrorChange(change: { counts: Record<string, number>; reset: boolean }): MapLayerId[] {
  const kinds = change.reset ? Object.keys(LAYERS_OF_KIND) : Object.keys(change.counts).filter((k) => (change.counts[k] ?? 0) > 0);
  return [...new Set(kinds.flatMap((k) => LAYERS_OF_KIND[k] ?? []))];
}
