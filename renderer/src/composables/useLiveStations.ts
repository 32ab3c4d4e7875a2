/**
 * Keeps the stations store live while a view that shows stations is mounted: load, apply each
 * 'stations.changed', and reload after a reconnect (events sent while we were away are lost).
 */
import { onBeforeUnmount, onMounted, watch } from 'vue';
import { useHallClient } from '../client/hall-client';
import { useConnectionStore } from '../stores/connection';
import { useStationsStore } from '../stores/stations';

export function useLiveStations(options: { enabled?: () => boolean } = {}) {
  const enabled = options.enabled ?? (() => true);
  const client = useHallClient();
  const stations = useStationsStore();
  const connection = useConnectionStore();
  let unsubscribe: (() => void) | null = null;

  onMounted(() => {
    unsubscribe = client.subscribe('stations.changed', ({ stations: changed }) => stations.merge(changed));
    if (enabled()) void stations.load();
  });

  watch(
    () => connection.state,
    (now, before) => {
      if (now === 'online' && before === 'reconnecting' && enabled()) void stations.load();
    },
  );

  onBeforeUnmount(() => unsubscribe?.());

  return stations;
}
