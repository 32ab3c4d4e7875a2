/**
 * The alert desk's alerts as the core last told us. Loaded with `alerts.list` pages (1000 a page,
 * following nextCursor): every alert sent in the load window (the last 24 h, or further back
 * when a custom range asks for it) plus every alert still open, whenever it was sent — so an
 * unacknowledged alert never drops off the desk. Filters apply here, in memory, so the toolbar
 * answers instantly. Kept live by `alerts.changed`: up to 50 ids are refetched one by one with
 * `alerts.get`, more (or a reset) reload the window. An event that arrives while the window is
 * loading is refetched after that load, so a slow answer never undoes a newer event.
 *
 * `alerts` (all loaded, newest first) and `visible` (filtered) are the reactive lists other
 * parts of the console watch (the desk's alarm watches `alerts` for unacknowledged ones).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import {
  OPEN_STATES,
  type AlertCounts,
  type AlertsListParams,
  type DeskAlert,
  type DeskAlertDetail,
  type HallErrorBody,
  type ManualAlertParams,
  type Result,
  type SavedAlertFilter,
} from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';
import { useConnectionStore } from './connection';
import { alertMatcher, emptyFilter, toAlertFilter, windowRange, type DeskFilter } from '../alerts/filter';

export const LIST_PAGE = 1000;
/** More changed ids than this in one event reload the window instead of one alerts.get each. */
export const REFETCH_MAX = 50;
/** The window loaded by default (the widest relative filter). */
export const LOAD_HOURS = 24;
const HOUR = 3_600_000;
const MAX_PAGES = 200;

const bySentDesc = (a: DeskAlert, b: DeskAlert) => (a.sent < b.sent ? 1 : a.sent > b.sent ? -1 : a.id < b.id ? 1 : -1);
const isOpen = (a: DeskAlert) => OPEN_STATES.includes(a.state);

export const useAlertsStore = defineStore('alerts', () => {
  const client = useHallClient();
  const connection = useConnectionStore();
  const byId = shallowRef(new Map<string, DeskAlert>());
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<HallErrorBody | null>(null);
  const total = ref(0);
  const filter = ref<DeskFilter>(emptyFilter());
  /** "Now" on the core's clock, re-read every 30 s while the desk is started: relative windows move with it. */
  const now = ref(Date.now() + connection.clockOffsetMs);
  /** Start (ms) of the loaded window. */
  const loadedSince = ref(0);
  const counts = ref<AlertCounts | null>(null);
  const selectedId = ref<string | null>(null);
  const detail = ref<DeskAlertDetail | null>(null);
  const detailLoading = ref(false);
  const detailError = ref<HallErrorBody | null>(null);
  const savedFilters = ref<SavedAlertFilter[]>([]);
  /** Bumped by every load: a refetch or load that started before a newer load is dropped. */
  let generation = 0;
  let detailGeneration = 0;
  /** Ids changed while a load was in flight, refetched once it lands. */
  const trackers = new Set<Set<string>>();
  const pendingIds = new Set<string>();
  let refetching: Promise<void> | null = null;
  let countsTimer: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let users = 0;

  /** Every loaded alert, newest first. */
  const alerts = computed(() => [...byId.value.values()].sort(bySentDesc));
  /** The alerts the filter lets through, newest first. */
  const visible = computed(() => alerts.value.filter(alertMatcher(filter.value, now.value)));
  const unacknowledged = computed(() => alerts.value.filter((a) => a.state === 'new'));
  const selected = computed(() => (selectedId.value ? (byId.value.get(selectedId.value) ?? detail.value?.alert ?? null) : null));

  function get(id: string): DeskAlert | undefined {
    return byId.value.get(id);
  }

  /** Where the load window starts: 24 h back, or further when a custom range asks for it. */
  function wantedSince(): number {
    const base = now.value - LOAD_HOURS * HOUR;
    const { since } = windowRange(filter.value, now.value);
    return filter.value.window === 'custom' && since !== null ? Math.min(base, since) : base;
  }

  async function fetchAll(params: AlertsListParams): Promise<Result<DeskAlert[]>> {
    const out: DeskAlert[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await client.invoke('alerts.list', { ...params, limit: LIST_PAGE, ...(cursor ? { cursor } : {}) });
      if (!r.ok) return r;
      out.push(...r.value.items);
      if (page === 0 && !params.state) total.value = r.value.total;
      if (!r.value.nextCursor) break;
      cursor = r.value.nextCursor;
    }
    return { ok: true, value: out };
  }

  /** (Re)load the window and the open alerts. */
  async function load(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    now.value = Date.now() + connection.clockOffsetMs;
    const since = wantedSince();
    const late = new Set<string>();
    trackers.add(late);
    let win: Result<DeskAlert[]>;
    let open: Result<DeskAlert[]>;
    try {
      [win, open] = await Promise.all([
        fetchAll({ since: new Date(since).toISOString() }),
        fetchAll({ state: [...OPEN_STATES] }),
      ]);
    } finally {
      trackers.delete(late);
    }
    if (mine !== generation) return; // a newer load owns the store now
    loading.value = false;
    if (!win.ok || !open.ok) {
      error.value = !win.ok ? win.error : !open.ok ? open.error : null;
      return;
    }
    const next = new Map<string, DeskAlert>();
    for (const a of win.value) next.set(a.id, a);
    for (const a of open.value) next.set(a.id, a);
    byId.value = next;
    loadedSince.value = since;
    error.value = null;
    loaded.value = true;
    void refreshCounts();
    if (late.size) void refetch([...late]);
    if (selectedId.value) void loadDetail(selectedId.value);
  }

  /** Load once (the desk, the alarm and the wall may all ask). */
  async function ensureLoaded(): Promise<void> {
    if (!loaded.value && !loading.value) await load();
  }

  /** Whether an alert the core mentions belongs in memory: loaded before, open, or inside the window. */
  function belongs(a: DeskAlert): boolean {
    return byId.value.has(a.id) || isOpen(a) || Date.parse(a.sent) >= loadedSince.value;
  }

  function upsert(list: readonly DeskAlert[]): void {
    let any = false;
    for (const a of list) {
      if (!belongs(a)) continue;
      byId.value.set(a.id, a);
      any = true;
    }
    if (any) triggerRef(byId);
  }

  function drop(ids: readonly string[]): void {
    let any = false;
    for (const id of ids) any = byId.value.delete(id) || any;
    if (any) triggerRef(byId);
  }

  /** Refetch changed alerts with alerts.get; one refetch runs at a time, later ids fold into it. */
  function refetch(ids: readonly string[]): Promise<void> {
    ids.forEach((id) => pendingIds.add(id));
    refetching ??= (async () => {
      try {
        while (pendingIds.size > 0) {
          const wanted = [...pendingIds];
          pendingIds.clear();
          const mine = generation;
          const results = await Promise.all(wanted.map(async (id) => [id, await client.invoke('alerts.get', { id })] as const));
          if (mine !== generation) continue; // a load started meanwhile: its answer (and its late refetch) win
          const fresh: DeskAlert[] = [];
          const gone: string[] = [];
          for (const [id, r] of results) {
            if (r.ok) {
              fresh.push(r.value.alert);
              if (selectedId.value === id) detail.value = r.value;
            } else if (r.error.code === 'not_found') gone.push(id);
          }
          upsert(fresh);
          drop(gone);
        }
      } finally {
        refetching = null;
      }
    })();
    return refetching;
  }

  client.subscribe('alerts.changed', ({ ids, reset }) => {
    if (!loaded.value && !loading.value) return; // nobody asked for alerts yet
    scheduleCounts();
    if (reset || ids.length > REFETCH_MAX) {
      void load();
      return;
    }
    if (loading.value) {
      trackers.forEach((t) => ids.forEach((id) => t.add(id)));
      return;
    }
    void refetch(ids);
  });

  async function refreshCounts(): Promise<void> {
    const r = await client.invoke('alerts.counts', {});
    if (r.ok) counts.value = r.value;
  }

  /** At most one counts request per 300 ms; a steady stream of events (a storm) must not starve it. */
  function scheduleCounts(): void {
    if (countsTimer !== undefined) return;
    countsTimer = setTimeout(() => {
      countsTimer = undefined;
      void refreshCounts();
    }, 300);
  }

  // ---- the selected alert -----------------------------------------------------------------

  async function loadDetail(id: string): Promise<void> {
    const mine = ++detailGeneration;
    detailLoading.value = true;
    const r = await client.invoke('alerts.get', { id });
    if (mine !== detailGeneration) return;
    detailLoading.value = false;
    if (r.ok) {
      detail.value = r.value;
      detailError.value = null;
      upsert([r.value.alert]);
    } else {
      detailError.value = r.error;
    }
  }

  function select(id: string | null): void {
    if (id === selectedId.value) return;
    selectedId.value = id;
    if (detail.value?.alert.id !== id) detail.value = null;
    detailError.value = null;
    if (id) void loadDetail(id);
    else detailGeneration++;
  }

  // ---- actions ------------------------------------------------------------------------------

  /** Take in the alert an action returned, and the timeline it added. */
  function afterAction(a: DeskAlert): void {
    upsert([a]);
    if (!byId.value.has(a.id)) {
      byId.value.set(a.id, a);
      triggerRef(byId);
    }
    if (selectedId.value === a.id) void loadDetail(a.id);
    scheduleCounts();
  }

  async function ack(id: string, note?: string): Promise<Result<DeskAlert>> {
    const r = await client.invoke('alerts.ack', note?.trim() ? { id, note: note.trim() } : { id });
    if (r.ok) afterAction(r.value);
    return r;
  }

  async function handle(id: string): Promise<Result<DeskAlert>> {
    const r = await client.invoke('alerts.handle', { id });
    if (r.ok) afterAction(r.value);
    return r;
  }

  async function close(id: string, resolution: string): Promise<Result<DeskAlert>> {
    const r = await client.invoke('alerts.close', { id, resolution: resolution.trim() });
    if (r.ok) afterAction(r.value);
    return r;
  }

  async function escalate(id: string, note?: string): Promise<Result<{ alert: DeskAlert; incidentId: string }>> {
    const r = await client.invoke('alerts.escalate', note?.trim() ? { id, note: note.trim() } : { id });
    if (r.ok) afterAction(r.value.alert);
    return r;
  }

  async function create(params: ManualAlertParams): Promise<Result<DeskAlert>> {
    const r = await client.invoke('alerts.create', params);
    if (r.ok) afterAction(r.value);
    return r;
  }

  async function importCap(xml: string) {
    const r = await client.invoke('alerts.importCap', { xml });
    if (r.ok) afterAction(r.value.alert);
    return r;
  }

  function exportCap(id: string) {
    return client.invoke('alerts.exportCap', { id });
  }

  // ---- saved filters ------------------------------------------------------------------------

  async function loadSavedFilters(): Promise<void> {
    const r = await client.invoke('alerts.filters.list', {});
    if (r.ok) savedFilters.value = r.value;
  }

  async function saveFilter(name: string): Promise<Result<SavedAlertFilter>> {
    const r = await client.invoke('alerts.filters.save', { name: name.trim(), filter: toAlertFilter(filter.value) });
    if (r.ok) savedFilters.value = [...savedFilters.value.filter((f) => f.id !== r.value.id && f.name !== r.value.name), r.value];
    return r;
  }

  async function deleteFilter(id: number): Promise<Result<null>> {
    const r = await client.invoke('alerts.filters.delete', { id });
    if (r.ok) savedFilters.value = savedFilters.value.filter((f) => f.id !== id);
    return r;
  }

  /** Set the filter; a custom range reaching before the loaded window reloads it. */
  function setFilter(next: DeskFilter): void {
    filter.value = next;
    if (loaded.value && wantedSince() < loadedSince.value - 60_000) void load();
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** The desk (or the alarm) is showing: load, and let relative windows move. Returns a release. */
  function start(): () => void {
    users++;
    if (users === 1) {
      now.value = Date.now() + connection.clockOffsetMs;
      ticker = setInterval(() => (now.value = Date.now() + connection.clockOffsetMs), 30_000);
    }
    void ensureLoaded();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      users--;
      if (users === 0) clearInterval(ticker);
    };
  }

  function clear(): void {
    generation++;
    detailGeneration++;
    byId.value = new Map();
    loaded.value = false;
    loading.value = false;
    error.value = null;
    counts.value = null;
    selectedId.value = null;
    detail.value = null;
    savedFilters.value = [];
  }

  return {
    byId,
    alerts,
    visible,
    unacknowledged,
    loaded,
    loading,
    error,
    total,
    filter,
    now,
    loadedSince,
    counts,
    selectedId,
    selected,
    detail,
    detailLoading,
    detailError,
    savedFilters,
    get,
    load,
    ensureLoaded,
    refetch,
    refreshCounts,
    select,
    loadDetail,
    ack,
    handle,
    close,
    escalate,
    create,
    importCap,
    exportCap,
    loadSavedFilters,
    saveFilter,
    deleteFilter,
    setFilter,
    start,
    clear,
  };
});
