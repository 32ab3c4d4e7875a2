/**
 * Alerts for a wall region, kept live: loads `alerts.list` with the given filter (and
 * `alerts.counts` when asked), again on every `alerts.changed` and when the connection comes
 * back. A change during a load loads once more after it, so the last word always lands.
 */
import { onBeforeUnmount, onMounted, shallowRef, watch } from 'vue';
import type { AlertCounts, AlertsListParams, DeskAlert } from '../../../shared/contract/alerts';
import { useHallClient } from '../client/hall-client';
import { levelRank } from '../alerts/alarm-levels';

export function useWallAlerts(params: AlertsListParams, options: { counts?: boolean; enabled?: () => boolean } = {}) {
  const enabled = options.enabled ?? (() => true);
  const client = useHallClient();
  const items = shallowRef<readonly DeskAlert[]>([]);
  const total = shallowRef(0);
  const counts = shallowRef<AlertCounts | null>(null);
  const loaded = shallowRef(false);
  let inFlight = false;
  let again = false;
  const offs: (() => void)[] = [];

  async function load(): Promise<void> {
    if (!enabled()) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      do {
        again = false;
        const [list, byLevel] = await Promise.all([client.invoke('alerts.list', params), options.counts ? client.invoke('alerts.counts', {}) : Promise.resolve(null)]);
        if (list.ok) {
          items.value = list.value.items;
          total.value = list.value.total;
        }
        if (byLevel) counts.value = byLevel.ok ? byLevel.value : null;
        loaded.value = true;
      } while (again && enabled());
    } finally {
      inFlight = false;
    }
  }

  onMounted(() => {
    offs.push(
      client.subscribe('alerts.changed', () => void load()),
      client.onConnectionState((state) => {
        if (state === 'online') void load();
      }),
    );
    void load();
  });
  onBeforeUnmount(() => offs.splice(0).forEach((off) => off()));
  if (options.enabled) {
    watch(options.enabled, (on) => {
      if (on) void load();
    });
  }

  return { items, total, counts, loaded, reload: load };
}

/** Most severe first, then newest. */
export function bySeverity(alerts: readonly DeskAlert[]): DeskAlert[] {
  return alerts.slice().sort((a, b) => levelRank(b.level) - levelRank(a.level) || Date.parse(b.sent) - Date.parse(a.sent));
}
