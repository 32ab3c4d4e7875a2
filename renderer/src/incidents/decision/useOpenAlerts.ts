/**
 * Open desk alerts for the decision room's map (new, acknowledged, handling, escalated), kept live
 * by `alerts.changed` with one fetch at a time. Only while `enabled` (a commander is looking).
 */
import { onBeforeUnmount, onMounted, shallowRef } from 'vue';
import type { DeskAlert } from '../../../../shared/contract';
import { useHallClient } from '../../client/hall-client';
import { coalesced } from '../coalesce';

export function useOpenAlerts(enabled: () => boolean) {
  const client = useHallClient();
  const alerts = shallowRef<DeskAlert[]>([]);
  let off: (() => void) | null = null;
  const reload = coalesced(async () => {
    const r = await client.invoke('alerts.list', { state: ['new', 'acknowledged', 'handling', 'escalated'], limit: 500 });
    if (r.ok) alerts.value = r.value.items;
  });
  onMounted(() => {
    if (!enabled()) return;
    off = client.subscribe('alerts.changed', () => void reload());
    void reload();
  });
  onBeforeUnmount(() => off?.());
  return alerts;
}
