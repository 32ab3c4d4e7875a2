/**
 * 预警发布 as the core last told us: the list (newest first, filtered by status in memory), the
 * selected warning's detail and deliveries, and the templates. Kept live by events:
 * `warnings.changed` refetches the list (and the selected detail when it is among the ids);
 * `warnings.progress` patches counts and status at once (the bar moves with the event) and asks
 * for a fresh detail + deliveries — one refetch runs at a time, later events fold into the next,
 * so a release's stream of progress never piles up requests. A progress event that arrives while a
 * refetch is in flight is laid over its answer, so a slow answer never moves the bar backwards.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Delivery, DeliveryCounts, HallErrorBody, Result, Warning, WarningDetail, WarningInput, WarningStatus, WarningTemplate } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';

type Progress = { status: WarningStatus; counts: DeliveryCounts };

export const useWarningsStore = defineStore('warnings', () => {
  const client = useHallClient();
  const list = shallowRef<Warning[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<HallErrorBody | null>(null);
  const statusFilter = ref<WarningStatus[]>([]);
  const selectedId = ref<string | null>(null);
  const detail = ref<WarningDetail | null>(null);
  const deliveries = shallowRef<Delivery[]>([]);
  const detailError = ref<HallErrorBody | null>(null);
  const templates = ref<WarningTemplate[]>([]);
  let listGeneration = 0;
  let detailGeneration = 0;
  /** Progress events since a detail fetch started, by warning id: laid over its answer. */
  const trackers = new Set<Map<string, Progress>>();
  let listAgain = false;
  let listing: Promise<void> | null = null;
  let detailAgain = false;
  let detailing: Promise<void> | null = null;
  let unsubscribe: (() => void)[] = [];
  let users = 0;

  const visible = computed(() => (statusFilter.value.length ? list.value.filter((w) => statusFilter.value.includes(w.status)) : list.value));
  const selected = computed(() => (selectedId.value ? (list.value.find((w) => w.id === selectedId.value) ?? (detail.value?.id === selectedId.value ? detail.value : null)) : null));

  async function load(): Promise<void> {
    const mine = ++listGeneration;
    loading.value = true;
    const r = await client.invoke('warnings.list', { limit: 500 });
    if (mine !== listGeneration) return;
    loading.value = false;
    if (!r.ok) {
      error.value = r.error;
      return;
    }
    list.value = r.value;
    error.value = null;
    loaded.value = true;
  }

  /** Reload the list; calls while one runs fold into one more. */
  function reloadList(): Promise<void> {
    listAgain = true;
    listing ??= (async () => {
      try {
        while (listAgain) {
          listAgain = false;
          await load();
        }
      } finally {
        listing = null;
      }
    })();
    return listing;
  }

  async function fetchDetail(id: string): Promise<void> {
    const mine = ++detailGeneration;
    const late = new Map<string, Progress>();
    trackers.add(late);
    let got: Result<WarningDetail>;
    let dels: Result<Delivery[]>;
    try {
      [got, dels] = await Promise.all([client.invoke('warnings.get', { id }), client.invoke('warnings.deliveries', { id })]);
    } finally {
      trackers.delete(late);
    }
    if (mine !== detailGeneration || selectedId.value !== id) return;
    if (!got.ok) {
      detailError.value = got.error;
      return;
    }
    const p = late.get(id);
    detail.value = p ? { ...got.value, ...p } : got.value;
    detailError.value = null;
    if (dels.ok) deliveries.value = dels.value;
    const { coverage: _c, byChannel: _b, timeline: _t, allowed: _a, ...row } = got.value;
    patch(id, { ...row, ...(p ?? {}) });
  }

  /** Refetch the selected detail; calls while one runs fold into one more. */
  function refreshDetail(): Promise<void> {
    detailAgain = true;
    detailing ??= (async () => {
      try {
        while (detailAgain && selectedId.value) {
          detailAgain = false;
          await fetchDetail(selectedId.value);
        }
      } finally {
        detailing = null;
      }
    })();
    return detailing;
  }

  /** Replace (or add, newest first) one warning in the list. */
  function patch(id: string, w: Partial<Warning>): void {
    const at = list.value.findIndex((x) => x.id === id);
    if (at >= 0) {
      const next = [...list.value];
      next[at] = { ...next[at]!, ...w };
      list.value = next;
    } else if (w.ebmId) {
      list.value = [w as Warning, ...list.value];
    }
  }

  function onProgress(e: { id: string; status: WarningStatus; counts: DeliveryCounts }): void {
    const p = { status: e.status, counts: e.counts };
    trackers.forEach((t) => t.set(e.id, p));
    patch(e.id, p);
    if (detail.value?.id === e.id) {
      detail.value = { ...detail.value, ...p };
      void refreshDetail();
    }
  }

  function onChanged(ids: readonly string[]): void {
    void reloadList();
    if (selectedId.value && ids.includes(selectedId.value)) void refreshDetail();
  }

  function select(id: string | null): void {
    if (id === selectedId.value) return;
    selectedId.value = id;
    detailGeneration++;
    if (detail.value?.id !== id) {
      detail.value = null;
      deliveries.value = [];
    }
    detailError.value = null;
    if (id) void refreshDetail();
  }

  async function loadTemplates(): Promise<void> {
    if (templates.value.length) return;
    const r = await client.invoke('warnings.templates.list', {});
    if (r.ok) templates.value = r.value;
  }

  /** Take in a warning an action returned, and refresh its detail. */
  async function after(r: Result<Warning>): Promise<Result<Warning>> {
    if (!r.ok) return r;
    patch(r.value.id, r.value);
    if (selectedId.value === r.value.id) await refreshDetail();
    return r;
  }

  const create = async (input: WarningInput) => after(await client.invoke('warnings.create', input));
  const update = async (id: string, changes: Partial<WarningInput>) => after(await client.invoke('warnings.update', { id, changes }));
  const submit = async (id: string) => after(await client.invoke('warnings.submit', { id }));
  const approve = async (id: string) => after(await client.invoke('warnings.approve', { id }));
  const reject = async (id: string, reason: string) => after(await client.invoke('warnings.reject', { id, reason: reason.trim() }));
  const release = async (id: string, breakGlassReason?: string) =>
    after(await client.invoke('warnings.release', breakGlassReason === undefined ? { id } : { id, breakGlass: { reason: breakGlassReason.trim() } }));
  const cancel = async (id: string, reason: string) => after(await client.invoke('warnings.cancel', { id, reason: reason.trim() }));
  const uploadAudio = async (id: string, mimeType: 'audio/wav' | 'audio/x-wav' | 'audio/mpeg', dataBase64: string) =>
    after(await client.invoke('warnings.audio.upload', { id, mimeType, dataBase64 }));
  const fromAlert = (alertId: string) => client.invoke('warnings.fromAlert', { alertId });
  const audio = (id: string) => client.invoke('warnings.audio', { id });
  const exportCap = (id: string) => client.invoke('warnings.exportCap', { id });

  /** The room is showing: load and listen. Returns a release. */
  function start(): () => void {
    users++;
    if (users === 1) {
      unsubscribe = [client.subscribe('warnings.changed', ({ ids }) => onChanged(ids)), client.subscribe('warnings.progress', onProgress)];
      void reloadList();
      if (selectedId.value) void refreshDetail();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      users--;
      if (users === 0) {
        unsubscribe.forEach((u) => u());
        unsubscribe = [];
      }
    };
  }

  return {
    list,
    visible,
    loaded,
    loading,
    error,
    statusFilter,
    selectedId,
    selected,
    detail,
    deliveries,
    detailError,
    templates,
    load,
    reloadList,
    refreshDetail,
    select,
    loadTemplates,
    create,
    update,
    submit,
    approve,
    reject,
    release,
    cancel,
    uploadAudio,
    fromAlert,
    audio,
    exportCap,
    start,
  };
});
