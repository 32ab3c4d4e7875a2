/**
 * Keeps the stations store live while a view that shows stations is mounted: load, apply each
 * 'stations.changed', refetch what 'mirror.changed' names (everything after a snapshot reset),
 * and reload after a reconnect (events sent while we were away are lost).
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
  const unsubscribe: (() => void)[] = [];

  onMounted(() => {
    unsubscribe.push(
      client.subscribe('stations.changed', ({ stations: changed }) => stations.merge(changed)),
      client.subscribe('mirror.changed', ({ reset, ids }) => {
        if (!enabled()) return;
        if (reset) void stations.load();
        else if (ids['station']?.length) void stations.refetch(ids['station']);
      }),
    );
    if (enabled()) void stations.load();
  });

  watch(
    () => connection.state,
    (now, before) => {
      if (now === 'online' && before === 'reconnecting' && enabled()) void stations.load();
    },
  );

  onBeforeUnmount(() => unsubscribe.splice(0).forEach((off) => off()));

  return stations;
}
