/**
 * The wall's state, live: `wall.state` on mount and whenever the connection comes back (events
 * sent while a screen was away are lost, so a screen that reconnects catches up), and every
 * `wall.changed` applied at once (the event carries the whole state), and again when the
 * district's cameras change (video regions name "the n-th online camera"). A fetched state that
 * arrives after a newer event is dropped, so a slow answer never rolls a screen back.
 */
import { computed, onBeforeUnmount, onMounted, shallowRef, watch } from 'vue';
import type { ScreenState, WallState } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';

export interface WallStateError {
  code: string;
  message: string;
}

export function useWallState(options: { screenId: () => string; enabled?: () => boolean }) {
  const enabled = options.enabled ?? (() => true);
  const client = useHallClient();
  const state = shallowRef<WallState | null>(null);
  const error = shallowRef<WallStateError | null>(null);
  /** Bumped by every event: a fetch that saw one arrive while it ran only wins when newer. */
  let events = 0;
  const offs: (() => void)[] = [];

  function accept(next: WallState): void {
    state.value = next;
    error.value = null;
  }

  async function load(): Promise<void> {
    if (!enabled()) return;
    const seen = events;
    const r = await client.invoke('wall.state', {});
    if (!r.ok) {
      if (!state.value) error.value = { code: r.error.code, message: r.error.message };
      return;
    }
    if (events !== seen && state.value && r.value.version < state.value.version) return;
    accept(r.value);
  }

  onMounted(() => {
    offs.push(
      client.subscribe('wall.changed', (next) => {
        events++;
        if (enabled()) accept(next);
      }),
      client.onConnectionState((now) => {
        if (now === 'online') void load();
      }),
      // Scenes name cameras by position ("the 3rd online camera"): the core resolves them when it
      // builds the state, so a camera list that changed means the screens may show others now.
      client.subscribe('mirror.changed', ({ reset, ids }) => {
        if (reset || ids['camera']?.length) void load();
      }),
    );
    void load();
  });
  onBeforeUnmount(() => offs.splice(0).forEach((off) => off()));
  watch(enabled, (on) => {
    if (on) void load();
  });

  /** This screen's layout and regions; null while loading, and for a screen the wall does not have. */
  const screen = computed<ScreenState | null>(() => state.value?.screens.find((s) => s.screenId === options.screenId()) ?? null);
  const unknownScreen = computed(() => state.value !== null && screen.value === null);

  return { state, screen, unknownScreen, error, reload: load };
}
