/**
 * The district's stations as the core last told us: loaded with stations.list and kept live
 * with 'stations.changed' (changed stations only, merged by code) and 'mirror.changed' (the
 * codes the district link changed, refetched). An event that arrives while a fetch is in flight
 * is re-applied over that fetch's answer, so a slow answer never undoes a newer event.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { HallErrorBody, Result, Station } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';

/** Changes seen while one fetch was in flight: a station, or null for a removed one. */
type Tracker = Map<string, Station | null>;

export const useStationsStore = defineStore('stations', () => {
  const client = useHallClient();
  const byCode = shallowRef(new Map<string, Station>());
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<HallErrorBody | null>(null);
  const updatedAt = ref<Date | null>(null);
  let generation = 0;
  const trackers = new Set<Tracker>();
  /** Codes the link changed that still wait for a refetch; one refetch runs at a time. */
  const pendingCodes = new Set<string>();
  let refetching: Promise<void> | null = null;

  const list = computed(() => [...byCode.value.values()]);

  function get(code: string): Station | undefined {
    return byCode.value.get(code);
  }

  /** stations.list, with the events that arrive meanwhile recorded to be laid over its answer. */
  async function fetchAll(): Promise<{ result: Result<Station[]>; late: Tracker }> {
    const late: Tracker = new Map();
    trackers.add(late);
    try {
      return { result: await client.invoke('stations.list', {}), late };
    } finally {
      trackers.delete(late);
    }
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    const { result, late } = await fetchAll();
    if (mine !== generation) return; // a newer load owns the store now
    loading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    const next = new Map(result.value.map((s) => [s.code, s]));
    late.forEach((station, code) => (station ? next.set(code, station) : next.delete(code)));
    byCode.value = next;
    error.value = null;
    loaded.value = true;
    updatedAt.value = new Date();
  }

  function apply(changes: Iterable<[string, Station | null]>): void {
    let any = false;
    for (const [code, station] of changes) {
      any = true;
      trackers.forEach((t) => t.set(code, station));
      if (station) byCode.value.set(code, station);
      else byCode.value.delete(code);
    }
    if (!any) return;
    triggerRef(byCode);
    updatedAt.value = new Date();
  }

  function merge(changed: readonly Station[]): void {
    apply(changed.map((s) => [s.code, s]));
  }

  function remove(codes: readonly string[]): void {
    apply(codes.map((code) => [code, null]));
  }

  /**
   * Refetch the stations the link says changed: present ones are replaced, missing ones
   * (deleted upstream) removed. Requests that come in while one runs are folded into the next.
   */
  function refetch(codes: readonly string[]): Promise<void> {
    codes.forEach((c) => pendingCodes.add(c));
    refetching ??= (async () => {
      try {
        while (pendingCodes.size > 0) {
          const wanted = [...pendingCodes];
          pendingCodes.clear();
          const mine = generation;
          const { result, late } = await fetchAll();
          // A failed refetch is not an error to show: the next change or a reconnect reloads.
          if (!result.ok || mine !== generation) continue;
          const got = new Map(result.value.map((s) => [s.code, s]));
          apply(wanted.filter((code) => !late.has(code)).map((code) => [code, got.get(code) ?? null]));
        }
      } finally {
        refetching = null;
      }
    })();
    return refetching;
  }

  function clear(): void {
    generation++;
    byCode.value = new Map();
    loaded.value = false;
    loading.value = false;
    error.value = null;
  }

  return { byCode, list, loaded, loading, error, updatedAt, get, load, merge, remove, refetch, clear };
});
