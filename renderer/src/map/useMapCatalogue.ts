/**
 * What the map room lists besides features: basemaps (map.basemaps.list) and named views
 * (map.views.*). When the core does not serve them yet, the offline basemap and the built-in
 * views (the district and each town, around its seat) are assumed, so the room always works.
 */
import { ref } from 'vue';
import type { Basemap, MapView, Station } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';
import { DISTRICT_BOUNDS } from './offline-style';

export const OFFLINE_BASEMAP: Basemap = { id: 'offline', name: '离线底图', kind: 'offline', datum: 'WGS-84', default: true };

export function builtInViews(stations: readonly Station[]): MapView[] {
  const [w, s, e, n] = DISTRICT_BOUNDS;
  const district: MapView = { id: 'district', name: '源城区', kind: 'district', center: [(w + e) / 2, (s + n) / 2], zoom: 11, bearing: 0, pitch: 0, bounds: DISTRICT_BOUNDS, builtIn: true };
  const towns = stations
    .filter((t) => t.level === 'town')
    .sort((a, b) => a.code.localeCompare(b.code))
    .map<MapView>((t) => ({ id: `town-${t.code}`, name: t.name, kind: 'town', center: [t.lon, t.lat], zoom: 13, bearing: 0, pitch: 0, bounds: [t.lon - 0.035, t.lat - 0.03, t.lon + 0.035, t.lat + 0.03], builtIn: true }));
  return [district, ...towns];
}

export function useMapCatalogue() {
  const client = useHallClient();
  const basemaps = ref<Basemap[]>([OFFLINE_BASEMAP]);
  const views = ref<MapView[]>([]);
  /** false while the core has no map.views (saving is then unavailable). */
  const viewsServed = ref(false);

  async function loadBasemaps(): Promise<void> {
    const r = await client.invoke('map.basemaps.list', {});
    if (r.ok && r.value.length) basemaps.value = r.value;
  }

  async function loadViews(stations: readonly Station[]): Promise<void> {
    const r = await client.invoke('map.views.list', {});
    viewsServed.value = r.ok;
    views.value = r.ok ? r.value : builtInViews(stations);
  }

  async function saveView(view: { name: string; center: [number, number]; zoom: number; bearing: number }): Promise<string | null> {
    const r = await client.invoke('map.views.save', view);
    if (!r.ok) return r.error.message;
    views.value = [...views.value.filter((v) => v.id !== r.value.id), r.value];
    return null;
  }

  async function deleteView(id: string): Promise<string | null> {
    const r = await client.invoke('map.views.delete', { id });
    if (!r.ok) return r.error.message;
    views.value = views.value.filter((v) => v.id !== id);
    return null;
  }

  return { basemaps, views, viewsServed, loadBasemaps, loadViews, saveView, deleteView };
}
