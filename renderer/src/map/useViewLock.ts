/**
 * A wall map's view lock bound to Vue: `fit()` runs when the set of active alerts changes and
 * nobody is holding the map; an operator's gesture (reported by the map) holds it for `holdMs`,
 * after which a fit that waited runs once. The wall view passes its map's gesture events and
 * its active alert ids; the rules live in view-lock.ts.
 */
import { onBeforeUnmount, watch, type Ref } from 'vue';
import { createViewLock } from './view-lock';

export function useViewLock(options: { activeAlertIds: Ref<readonly string[]>; fit: () => void; holdMs?: number; now?: () => number; tickMs?: number }) {
  const now = options.now ?? Date.now;
  const lock = createViewLock({ holdMs: options.holdMs ?? 60_000 });
  const run = (decision: string) => {
    if (decision === 'fit') options.fit();
  };
  watch(options.activeAlertIds, (ids) => run(lock.alerts(ids, now())), { immediate: true });
  const timer = setInterval(() => run(lock.tick(now())), options.tickMs ?? 1000);
  onBeforeUnmount(() => clearInterval(timer));
  return {
    gesture(phase: 'start' | 'end') {
      if (phase === 'start') lock.gestureStart();
      else lock.gestureEnd(now());
    },
  };
}
