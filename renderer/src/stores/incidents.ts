/**
 * 事件 as the core last told us: the list (with KPIs), and for the selected incident its detail,
 * event log, tasks, evacuation and losses; for a commander, the decision queue. Kept live by
 * `incidents.changed` {ids, parts}: the list is refetched, and only the parts named are refetched
 * for the selected incident (partsToRefetch). Each part runs one fetch at a time and folds later
 * events into one more (coalesced), and an answer for an incident no longer selected is dropped.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  DecisionQueue,
  EvacuationSummary,
  HallErrorBody,
  IncidentDetail,
  IncidentInput,
  IncidentLevel,
  IncidentStatus,
  IncidentSummary,
  IncidentTask,
  LossFields,
  LossSummary,
  ParamsOf,
  Result,
  TimelineEntry,
} from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';
import { coalesced, INCIDENT_PARTS, partsToRefetch, touchesQueue, type IncidentPart } from '../incidents/coalesce';

export const useIncidentsStore = defineStore('incidents', () => {
  const client = useHallClient();
  const list = shallowRef<IncidentSummary[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<HallErrorBody | null>(null);
  const statusFilter = ref<IncidentStatus[]>([]);
  const selectedId = ref<string | null>(null);
  const detail = shallowRef<IncidentDetail | null>(null);
  const detailError = ref<HallErrorBody | null>(null);
  const timeline = shallowRef<TimelineEntry[]>([]);
  const tasks = shallowRef<IncidentTask[]>([]);
  const evacuation = shallowRef<EvacuationSummary | null>(null);
  const losses = shallowRef<LossSummary | null>(null);
  const queue = shallowRef<DecisionQueue | null>(null);
  const queueError = ref<HallErrorBody | null>(null);
  let users = 0;
  let queueUsers = 0;
  let unsubscribe: (() => void)[] = [];
  let unsubscribeQueue: (() => void)[] = [];

  const visible = computed(() => (statusFilter.value.length ? list.value.filter((i) => statusFilter.value.includes(i.status)) : list.value));
  const active = computed(() => list.value.filter((i) => i.status !== 'closed'));
  const selected = computed(() => list.value.find((i) => i.id === selectedId.value) ?? (detail.value?.id === selectedId.value ? detail.value : null));
  const significant = computed(() => timeline.value.filter((e) => e.significant));

  const reloadList = coalesced(async () => {
    loading.value = true;
    const r = await client.invoke('incidents.list', {});
    loading.value = false;
    if (!r.ok) return void (error.value = r.error);
    list.value = r.value;
    error.value = null;
    loaded.value = true;
  });

  /** Fetch one part of the selected incident; the answer is kept only if it is still selected. */
  async function fetchPart(part: IncidentPart): Promise<void> {
    const id = selectedId.value;
    if (!id) return;
    const still = () => selectedId.value === id;
    switch (part) {
      case 'detail': {
        const r = await client.invoke('incidents.get', { id });
        if (!still()) return;
        if (!r.ok) return void (detailError.value = r.error);
        takeDetail(r.value);
        detailError.value = null;
        return;
      }
      case 'timeline': {
        const r = await client.invoke('incidents.timeline', { id });
        if (still() && r.ok) timeline.value = r.value;
        return;
      }
      case 'tasks': {
        const r = await client.invoke('incidents.tasks.list', { id });
        if (still() && r.ok) tasks.value = r.value;
        return;
      }
      case 'evacuation': {
        const r = await client.invoke('incidents.evacuation.list', { id });
        if (still() && r.ok) evacuation.value = r.value;
        return;
      }
      case 'losses': {
        const r = await client.invoke('incidents.losses.list', { id });
        if (still() && r.ok) losses.value = r.value;
        return;
      }
    }
  }

  const refetchers = Object.fromEntries(INCIDENT_PARTS.map((p) => [p, coalesced(() => fetchPart(p))])) as Record<IncidentPart, () => Promise<void>>;

  function refresh(parts: Iterable<IncidentPart> = INCIDENT_PARTS): Promise<void> {
    return Promise.all([...parts].map((p) => refetchers[p]())).then(() => undefined);
  }

  const reloadQueue = coalesced(async () => {
    const r = await client.invoke('decision.queue', {});
    if (!r.ok) return void (queueError.value = r.error);
    queue.value = r.value;
    queueError.value = null;
  });

  /** Take in a detail (from get, setLevel, checklist.update) and patch its row in the list. */
  function takeDetail(d: IncidentDetail): void {
    if (selectedId.value === d.id) detail.value = d;
    const at = list.value.findIndex((i) => i.id === d.id);
    if (at >= 0) {
      const { levelHistory: _h, checklist: _c, proposals: _p, reports: _r, ...row } = d;
      const next = [...list.value];
      next[at] = row;
      list.value = next;
    }
  }

  function onChanged(ids: readonly string[], parts: readonly string[]): void {
    void reloadList();
    if (selectedId.value && (!ids.length || ids.includes(selectedId.value))) void refresh(partsToRefetch(parts));
    if (queueUsers > 0 && touchesQueue(parts)) void reloadQueue();
  }

  function select(id: string | null): void {
    if (id === selectedId.value) return;
    selectedId.value = id;
    detail.value = null;
    detailError.value = null;
    timeline.value = [];
    tasks.value = [];
    evacuation.value = null;
    losses.value = null;
    if (id && users > 0) void refresh();
  }

  /** The room (or the decision room) is showing: load and listen. Returns a release. */
  function start(): () => void {
    users++;
    if (users === 1) {
      unsubscribe = [client.subscribe('incidents.changed', ({ ids, parts }) => onChanged(ids, parts))];
      void reloadList();
      if (selectedId.value) void refresh();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--users === 0) {
        unsubscribe.forEach((u) => u());
        unsubscribe = [];
      }
    };
  }

  /** The commander's queue: loaded and kept live while someone shows it (warnings too wait there). */
  function startQueue(): () => void {
    queueUsers++;
    if (queueUsers === 1) {
      unsubscribeQueue = [client.subscribe('warnings.changed', () => void reloadQueue())];
      void reloadQueue();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--queueUsers === 0) {
        unsubscribeQueue.forEach((u) => u());
        unsubscribeQueue = [];
      }
    };
  }

  /** After an action: keep its answer, refetch what it moved. */
  function after<T>(r: Result<T>, parts: IncidentPart[], take?: (v: T) => void): Result<T> {
    if (!r.ok) return r;
    take?.(r.value);
    void reloadList();
    if (parts.length) void refresh(parts);
    return r;
  }

  const create = async (input: IncidentInput) => after(await client.invoke('incidents.create', input), []);
  const update = async (id: string, changes: ParamsOf<'incidents.update'>['changes']) => after(await client.invoke('incidents.update', { id, changes }), ['detail']);
  const setLevel = async (id: string, level: IncidentLevel, reason: string) =>
    after(await client.invoke('incidents.setLevel', { id, level, reason: reason.trim() }), ['timeline'], takeDetail);
  const proposeLevel = async (id: string, level: IncidentLevel, reason: string) => {
    const r = after(await client.invoke('incidents.proposeLevel', { id, level, reason: reason.trim() }), ['detail']);
    if (r.ok && queueUsers > 0) void reloadQueue();
    return r;
  };
  const decideProposal = async (proposalId: string, accept: boolean, note?: string) => {
    const r = after(await client.invoke('incidents.decideProposal', note ? { proposalId, accept, note } : { proposalId, accept }), ['detail', 'timeline']);
    if (r.ok) void reloadQueue();
    return r;
  };
  const close = async (id: string, note: string, final: boolean) => after(await client.invoke('incidents.close', { id, note: note.trim(), final }), ['detail', 'timeline']);
  const log = async (id: string, text: string, significant?: boolean) =>
    after(await client.invoke('incidents.log', significant === undefined ? { id, text } : { id, text, significant }), ['timeline']);
  const mark = async (id: string, entryId: number, significant: boolean) =>
    after(await client.invoke('incidents.mark', { id, entryId, significant }), [], (e) => {
      if (selectedId.value === id) timeline.value = timeline.value.map((x) => (x.id === e.id ? e : x));
    });
  const updateChecklist = async (id: string, itemId: string, changes: { done?: boolean; assignee?: string | null; note?: string }) =>
    after(await client.invoke('incidents.checklist.update', { id, itemId, ...changes }), ['timeline'], takeDetail);
  const saveTask = async (incidentId: string, task: ParamsOf<'incidents.tasks.save'>['task']) => after(await client.invoke('incidents.tasks.save', { incidentId, task }), ['tasks', 'detail']);
  const setTaskStatus = async (incidentId: string, taskId: string, status: IncidentTask['status']) =>
    after(await client.invoke('incidents.tasks.setStatus', { incidentId, taskId, status }), ['tasks', 'detail']);
  const saveEvacuation = async (input: ParamsOf<'incidents.evacuation.save'>) =>
    after(await client.invoke('incidents.evacuation.save', input), ['detail'], (v) => {
      if (selectedId.value === input.incidentId) evacuation.value = v;
    });
  const saveLosses = async (incidentId: string, townCode: string, fields: Partial<LossFields>, note: string) =>
    after(await client.invoke('incidents.losses.save', { incidentId, townCode, note, ...fields }), [], (v) => {
      if (selectedId.value === incidentId) losses.value = v;
    });
  const report = async (id: string) => after(await client.invoke('incidents.report', { id }), ['detail']);
  const wall = (id: string) => client.invoke('incidents.wall', { id });
  const approveWarning = async (id: string) => {
    const r = await client.invoke('warnings.approve', { id });
    if (r.ok) void reloadQueue();
    return r;
  };
  const rejectWarning = async (id: string, reason: string) => {
    const r = await client.invoke('warnings.reject', { id, reason: reason.trim() });
    if (r.ok) void reloadQueue();
    return r;
  };

  return {
    list,
    visible,
    active,
    loaded,
    loading,
    error,
    statusFilter,
    selectedId,
    selected,
    detail,
    detailError,
    timeline,
    significant,
    tasks,
    evacuation,
    losses,
    queue,
    queueError,
    reloadList,
    refresh,
    reloadQueue,
    select,
    start,
    startQueue,
    create,
    update,
    setLevel,
    proposeLevel,
    decideProposal,
    close,
    log,
    mark,
    updateChecklist,
    saveTask,
    setTaskStatus,
    saveEvacuation,
    saveLosses,
    report,
    wall,
    approveWarning,
    rejectWarning,
  };
});
