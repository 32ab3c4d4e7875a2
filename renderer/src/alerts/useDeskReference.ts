/**
 * What the detail pane looks things up in: the cameras and sensors (loaded once while the desk is
 * open) and the stations (the shared stations store: towns, villages and their points).
 */
import { computed, shallowRef } from 'vue';
import type { Camera, Sensor } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';
import { useStationsStore } from '../stores/stations';

export function useDeskReference() {
  const client = useHallClient();
  const stations = useStationsStore();
  const cameras = shallowRef<Camera[]>([]);
  const sensors = shallowRef(new Map<string, Sensor>());
  const towns = computed(() => stations.list.filter((s) => s.level === 'town').sort((a, b) => a.code.localeCompare(b.code)));

  async function load(): Promise<void> {
    if (!stations.loaded && !stations.loading) void stations.load();
    const [c, s] = await Promise.all([client.invoke('cameras.list', {}), client.invoke('sensors.list', {})]);
    if (c.ok) cameras.value = c.value;
    if (s.ok) sensors.value = new Map(s.value.map((x) => [x.id, x]));
  }

  function placeName(code: string | null | undefined): string {
    if (!code) return '—';
    return stations.byCode.get(code)?.name ?? code;
  }

  return { stations, cameras, sensors, towns, load, placeName };
}
