/**
 * The features of the operational layers, kept live while the map is mounted. Each layer is
 * loaded with `map.features`; when the core does not serve it (an older core), the features are
 * built here from stations/cameras/sensors/readings/alerts with the same ids and properties.
 * Changes reach the map as diffs by feature id (`onDiff` → GeoJSONSource.updateData):
 * 'readings.changed' touches only the sensors it names, 'stations.changed' only those
 * stations, 'mirror.changed' refetches only the layers whose kinds changed, 'incidents.changed'
 * refetches the incidents and evacuation-zones layers when the parts it names can move them.
 */
import { onBeforeUnmount, onMounted, shallowRef, triggerRef } from 'vue';
import type { MapFeature, ReadingPoint, Station } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';
import { cameraFeatures, diffFeatures, emptyDiff, readingUpdate, sensorFeatures, stationFeatures, type FeatureDiff } from './features';
import { coalesced } from '../incidents/coalesce';
import { AVAILABLE_LAYERS } from './layers';

export type LiveLayerId = 'stations' | 'cameras' | 'sensors' | 'alerts' | 'devices' | 'incidents' | 'evacuation-zones';
const LIVE_IDS: readonly string[] = ['stations', 'cameras', 'sensors', 'alerts', 'devices', 'incidents', 'evacuation-zones'] satisfies LiveLayerId[];
const LIVE: readonly LiveLayerId[] = AVAILABLE_LAYERS.map((l) => l.id).filter((id): id is LiveLayerId => LIVE_IDS.includes(id));

/**
 * Parts of an `incidents.changed` that cannot move a layer (the log, tasks, the checklist…); any
 * other part, an unknown one or none at all refetches it — one request too many beats a stale map.
 */
const UNMOVED_BY: Record<'incidents' | 'evacuation-zones', readonly string[]> = {
  incidents: ['timeline', 'log', 'tasks', 'checklist', 'proposals', 'reports', 'losses', 'kpis', 'cameras', 'evacuation'],
  'evacuation-zones': ['timeline', 'log', 'tasks', 'checklist', 'proposals', 'reports', 'losses', 'kpis', 'cameras', 'level'],
};
export const incidentPartsMove = (layer: 'incidents' | 'evacuation-zones', parts: readonly string[]): boolean => !parts.length || parts.some((p) => !UNMOVED_BY[layer].includes(p));

/** Which layers a 'mirror.changed' kind touches. */
const KIND_LAYERS: Record<string, LiveLayerId[]> = { station: ['stations', 'alerts'], camera: ['cameras'], sensor: ['sensors'], alert: ['alerts'] };

export function useMapData(onDiff: (layer: LiveLayerId, diff: FeatureDiff) => void) {
  const client = useHallClient();
  /** The features of each layer as the map has them, by feature id. */
  const layers = shallowRef(new Map<LiveLayerId, Map<string, MapFeature>>(LIVE.map((id) => [id, new Map()])));
  /** Stations by code: the place search and geocoded alerts need them. */
  const stations = shallowRef(new Map<string, Station>());
  const offUnsubscribe: (() => void)[] = [];
  let useFallback = false;
  /** Sensor id → feature id, for readings (ids are the core's: `sensor:<id>`). */
  let sensorFids = new Map<string, string>();


  async function fetchFallback(layer: LiveLayerId): Promise<MapFeature[] | null> {
    if (layer === 'stations') return stationFeatures([...stations.value.values()]);
    if (layer === 'cameras') {
      const r = await client.invoke('cameras.list', {});
      return r.ok ? cameraFeatures(r.value) : null;
    }
    if (layer === 'sensors') {
      const [sensors, latest] = await Promise.all([client.invoke('sensors.list', {}), client.invoke('readings.latest', {})]);
      if (!sensors.ok || !latest.ok) return null;
      return sensorFeatures(sensors.value, new Map(latest.value.map((p) => [p.sensorId, p])));
    }
    // The alert layer draws the desk's open alerts, which only map.features serves.
    return null;
  }

  async function fetchLayer(layer: LiveLayerId): Promise<MapFeature[] | null> {
    if (!useFallback) {
      const r = await client.invoke('map.features', { layer });
      if (r.ok) return r.value.features;
      if (r.error.code !== 'not_found') return null;
      useFallback = true; // this core does not serve map.features yet
    }
    return fetchFallback(layer);
  }

  async function loadStations(): Promise<void> {
    const r = await client.invoke('stations.list', {});
    if (r.ok) stations.value = new Map(r.value.map((s) => [s.code, s]));
  }

  function apply(layer: LiveLayerId, features: MapFeature[]): void {
    const before = layers.value.get(layer)!;
    const diff = diffFeatures(before, features);
    if (emptyDiff(diff)) return;
    layers.value.set(layer, new Map(features.map((f) => [f.id, f])));
    if (layer === 'sensors') sensorFids = new Map(features.map((f) => [String(f.properties['id']), f.id]));
    triggerRef(layers);
    onDiff(layer, diff);
  }

  async function refresh(layer: LiveLayerId): Promise<void> {
    const features = await fetchLayer(layer);
    if (features) apply(layer, features);
  }

  // A burst of incidents.changed costs at most two fetches per layer, never a pile.
  const refreshIncidents = coalesced(() => refresh('incidents'));
  const refreshEvacuation = coalesced(() => refresh('evacuation-zones'));

  async function loadAll(): Promise<void> {
    await loadStations();
    await Promise.all(LIVE.map(refresh));
  }

  function applyReadings(latest: readonly ReadingPoint[]): void {
    const sensors = layers.value.get('sensors')!;
    const diff: FeatureDiff = { add: [], remove: [], update: [] };
    for (const reading of latest) {
      const fid = sensorFids.get(reading.sensorId);
      const feature = fid ? sensors.get(fid) : undefined;
      if (!feature) continue;
      const props = readingUpdate(feature, reading);
      feature.properties = { ...feature.properties, ...props };
      diff.update.push({ id: feature.id, addOrUpdateProperties: Object.entries(props).map(([key, value]) => ({ key, value })) });
    }
    if (diff.update.length) {
      triggerRef(layers);
      onDiff('sensors', diff);
    }
  }

  function applyStations(changed: readonly Station[]): void {
    const next = new Map(stations.value);
    for (const s of changed) next.set(s.code, s);
    stations.value = next;
    const current = layers.value.get('stations')!;
    const merged = new Map(current);
    for (const f of stationFeatures(changed)) merged.set(f.id, f);
    apply('stations', [...merged.values()]);
  }

  onMounted(() => {
    offUnsubscribe.push(
      client.subscribe('readings.changed', ({ latest }) => applyReadings(latest)),
      client.subscribe('stations.changed', ({ stations: changed }) => applyStations(changed)),
      client.subscribe('mirror.changed', ({ reset, ids }) => {
        if (reset) return void loadAll();
        const touched = new Set(Object.keys(ids).flatMap((kind) => KIND_LAYERS[kind] ?? []));
        if (touched.has('stations')) void loadStations().then(() => refresh('stations'));
        for (const layer of touched) if (layer !== 'stations') void refresh(layer);
      }),
      // Acknowledging or closing changes which alerts are open, and so what the alert layer draws.
      client.subscribe('alerts.changed', () => void refresh('alerts')),
      client.subscribe('devices.changed', () => void refresh('devices')),
      client.subscribe('incidents.changed', ({ parts }) => {
        if (incidentPartsMove('incidents', parts)) void refreshIncidents();
        if (incidentPartsMove('evacuation-zones', parts)) void refreshEvacuation();
      }),
      client.onConnectionState((state) => {
        if (state === 'online') void loadAll(); // events sent while we were away are lost
      }),
    );
    void loadAll();
  });
  onBeforeUnmount(() => offUnsubscribe.splice(0).forEach((off) => off()));

  return { layers, stations, reload: loadAll };
}
