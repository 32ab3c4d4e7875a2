/**
 * The link between this screen and the console core, for the indicator in the top bar, and
 * the core's clock (from 'system.tick') so every screen in the hall shows the same time.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useHallClient, type ConnectionState } from '../client/hall-client';

export const useConnectionStore = defineStore('connection', () => {
  const client = useHallClient();
  const state = ref<ConnectionState>(client.connectionState());
  /** core clock − this PC's clock, in ms; 0 until the first tick. */
  const clockOffsetMs = ref(0);
  const lastTickAt = ref<string | null>(null);

  client.onConnectionState((next) => {
    state.value = next;
  });
  client.subscribe('system.tick', ({ now }) => {
    const core = Date.parse(now);
    if (Number.isNaN(core)) return;
    lastTickAt.value = now;
    clockOffsetMs.value = core - Date.now();
  });

  return { state, clockOffsetMs, lastTickAt };
});
