import { computed } from 'vue';
import { summarizeDistrict } from '../domain/station-tree';
import { useStationsStore } from '../stores/stations';

/** District KPIs (towns, villages, online/offline) from the live stations store. */
export function useDistrictSummary() {
  const stations = useStationsStore();
  return computed(() => summarizeDistrict(stations.list));
}

/** "95.6%" with one decimal, the same in both languages. */
export function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
