/**
 * The sensors (with their latest readings) and cameras the district platform reports for one
 * station, kept live: new readings from 'readings.changed', the lists refetched when
 * 'mirror.changed' says sensors or cameras changed (or the mirror was reset).
 */
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import type { Camera, HallErrorBody, ReadingPoint, Sensor } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';

export type ReadingLevel = 'ok' | 'warn' | 'danger' | 'none';

/** Where a value stands against the sensor's 汛限/警戒-style thresholds. */
export function readingLevel(sensor: Sensor, reading: ReadingPoint | undefined): ReadingLevel {
  if (!reading) return 'none';
  const { warn, danger } = sensor.thresholds ?? {};
  if (danger !== undefined && reading.value >= danger) return 'danger';
  if (warn !== undefined && reading.value >= warn) return 'warn';
  return 'ok';
}

export function useStationEquipment(code: Ref<string | null>) {
  const client = useHallClient();
  const sensors = ref<Sensor[]>([]);
  const cameras = ref<Camera[]>([]);
  const latest = shallowRef(new Map<string, ReadingPoint>());
  const loaded = ref(false);
  const error = ref<HallErrorBody | null>(null);
  let generation = 0;

  async function load(): Promise<void> {
    const mine = ++generation;
    const stationCode = code.value;
    if (!stationCode) {
      sensors.value = [];
      cameras.value = [];
      latest.value = new Map();
      loaded.value = false;
      return;
    }
    const [s, c] = await Promise.all([client.invoke('sensors.list', { stationCode }), client.invoke('cameras.list', { stationCode })]);
    if (mine !== generation) return;
    const ids = s.ok ? s.value.map((x) => x.id) : [];
    const r = ids.length > 0 ? await client.invoke('readings.latest', { sensorIds: ids }) : null;
    if (mine !== generation) return;
    if (s.ok) sensors.value = s.value;
    if (c.ok) cameras.value = c.value;
    if (r?.ok) latest.value = new Map(r.value.map((p) => [p.sensorId, p]));
    else if (ids.length === 0) latest.value = new Map();
    error.value = !s.ok ? s.error : !c.ok ? c.error : r && !r.ok ? r.error : null;
    loaded.value = true;
  }

  const offReadings = client.subscribe('readings.changed', ({ latest: points }) => {
    const shown = new Set(sensors.value.map((s) => s.id));
    const next = new Map(latest.value);
    let any = false;
    for (const p of points) {
      if (!shown.has(p.sensorId)) continue;
      const had = next.get(p.sensorId);
      if (had && had.at > p.at) continue; // ISO strings from one source compare in time order
      next.set(p.sensorId, p);
      any = true;
    }
    if (any) latest.value = next;
  });
  const offMirror = client.subscribe('mirror.changed', ({ reset, ids }) => {
    if (code.value && (reset || ids['sensor']?.length || ids['camera']?.length)) void load();
  });
  onBeforeUnmount(() => {
    offReadings();
    offMirror();
  });

  watch(code, () => void load(), { immediate: true });

  return { sensors, cameras, latest, loaded, error, reload: load };
}
