/**
 * The district's stations as the core last told us: loaded with stations.list and kept live
 * with 'stations.changed' (changed stations only, merged by code). Changes that arrive while a
 * load is in flight are re-applied over its answer, so a slow load never undoes a newer event.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { HallErrorBody, Station } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';

export const useStationsStore = defineStore('stations', () => {
  const client = useHallClient();
  const byCode = shallowRef(new Map<string, Station>());
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<HallErrorBody | null>(null);
  const updatedAt = ref<Date | null>(null);
  let generation = 0;
  let changedDuringLoad: Map<string, Station> | null = null;

  const list = computed(() => [...byCode.value.values()]);

  function get(code: string): Station | undefined {
    return byCode.value.get(code);
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    changedDuringLoad = new Map();
    loading.value = true;
    const result = await client.invoke('stations.list', {});
    if (mine !== generation) return; // a newer load owns the store now
    loading.value = false;
    const late = changedDuringLoad;
    changedDuringLoad = null;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    const next = new Map(result.value.map((s) => [s.code, s]));
    late.forEach((station, code) => next.set(code, station));
    byCode.value = next;
    error.value = null;
    loaded.value = true;
    updatedAt.value = new Date();
  }

  function merge(changed: readonly Station[]): void {
    if (changed.length === 0) return;
    for (const station of changed) {
      changedDuringLoad?.set(station.code, station);
      byCode.value.set(station.code, station);
    }
    triggerRef(byCode);
    updatedAt.value = new Date();
  }

  function clear(): void {
    generation++;
    byCode.value = new Map();
    loaded.value = false;
    loading.value = false;
    error.value = null;
  }

  return { byCode, list, loaded, loading, error, updatedAt, get, load, merge, clear };
});
