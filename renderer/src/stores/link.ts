/**
 * The district link (区平台链路) as the core reports it: its status, kept live by the
 * 'link.status' event, and — while the details panel is open — the quarantine and the outbox.
 * The lists are for staff only (the wall role is refused them), so they are never asked for
 * from a wall display.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { STAFF, type ActionRecord, type ActionState, type HallErrorBody, type LinkStatus, type QuarantineItem } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';
import { useSessionStore } from './session';
import { isStale, type LinkDisplayState } from '../domain/link';


export const DETAILS_LIMIT = 100;

export const useLinkStore = defineStore('link', () => {
  const client = useHallClient();
  const session = useSessionStore();
  const status = ref<LinkStatus | null>(null);
  const statusError = ref<HallErrorBody | null>(null);
  const panelOpen = ref(false);
  const quarantine = ref<QuarantineItem[]>([]);
  const actions = ref<ActionRecord[]>([]);
  const actionFilter = ref<ActionState | null>(null);
  const detailsLoading = ref(false);
  const detailsError = ref<HallErrorBody | null>(null);
  const detailsAt = ref<Date | null>(null);
  /** Bumped by every status we take in, so a slow link.status answer never undoes a newer event. */
  let statusGeneration = 0;
  let detailsGeneration = 0;

  const state = computed<LinkDisplayState>(() => status.value?.state ?? 'unknown');
  const stale = computed(() => isStale(state.value));
  const canSeeDetails = computed(() => session.role !== null && STAFF.includes(session.role));

  client.subscribe('link.status', (next) => {
    statusGeneration++;
    status.value = next;
    statusError.value = null;
  });

  async function load(): Promise<void> {
    const mine = ++statusGeneration;
    const result = await client.invoke('link.status', {});
    if (mine !== statusGeneration) return;
    if (result.ok) {
      status.value = result.value;
      statusError.value = null;
    } else {
      statusError.value = result.error;
    }
  }

  async function refreshDetails(): Promise<void> {
    if (!canSeeDetails.value) return;
    const mine = ++detailsGeneration;
    detailsLoading.value = true;
    const filter = actionFilter.value;
    const [q, a] = await Promise.all([
      client.invoke('link.quarantine.list', { limit: DETAILS_LIMIT }),
      client.invoke('link.actions.list', filter ? { state: filter, limit: DETAILS_LIMIT } : { limit: DETAILS_LIMIT }),
    ]);
    if (mine !== detailsGeneration) return; // a newer refresh owns the lists
    detailsLoading.value = false;
    if (q.ok) quarantine.value = q.value;
    if (a.ok) actions.value = a.value;
    detailsError.value = !q.ok ? q.error : !a.ok ? a.error : null;
    detailsAt.value = new Date();
  }

  function openPanel(): void {
    if (panelOpen.value) return;
    panelOpen.value = true;
    void refreshDetails();
  }

  function closePanel(): void {
    panelOpen.value = false;
  }

  function togglePanel(): void {
    if (panelOpen.value) closePanel();
    else openPanel();
  }

  function setActionFilter(next: ActionState | null): void {
    actionFilter.value = next;
    if (panelOpen.value) void refreshDetails();
  }

  // While the panel is open, the lists follow the counters the status events carry: a new
  // quarantined item or an action that moved is fetched when the core says so, not on a timer.
  watch(
    () => (panelOpen.value && status.value ? `${status.value.quarantined}/${status.value.pendingActions}/${status.value.failedActions}/${status.value.state}` : null),
    (now, before) => {
      if (now !== null && before !== null && now !== before) void refreshDetails();
    },
  );

  function clear(): void {
    statusGeneration++;
    detailsGeneration++;
    status.value = null;
    statusError.value = null;
    panelOpen.value = false;
    quarantine.value = [];
    actions.value = [];
    detailsError.value = null;
    detailsLoading.value = false;
  }

  return {
    status,
    statusError,
    state,
    stale,
    canSeeDetails,
    panelOpen,
    quarantine,
    actions,
    actionFilter,
    detailsLoading,
    detailsError,
    detailsAt,
    load,
    refreshDetails,
    openPanel,
    closePanel,
    togglePanel,
    setActionFilter,
    clear,
  };
});
