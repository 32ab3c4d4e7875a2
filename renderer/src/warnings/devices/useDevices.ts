/**
 * The devices the release drives, with their health: devices.list once, then `devices.changed`
 * (the devices whose health changed, merged by id) while the page is open.
 */
import { computed, onBeforeUnmount, ref, shallowRef } from 'vue';
import { DEVICE_KINDS, type DeviceInfo, type DeviceTestResult, type HallErrorBody, type SimMode } from '../../../../shared/contract';
import { useHallClient } from '../../client/hall-client';

export function useDevices() {
  const client = useHallClient();
  const byId = shallowRef(new Map<string, DeviceInfo>());
  const loaded = ref(false);
  const error = ref<HallErrorBody | null>(null);
  const tests = ref<Record<string, DeviceTestResult | 'running' | { error: string }>>({});
  /** Changes that arrive while the list is loading are laid over its answer. */
  let late: Map<string, DeviceInfo> | null = null;

  const groups = computed(() => {
    const all = [...byId.value.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    return DEVICE_KINDS.map((kind) => ({ kind, devices: all.filter((d) => d.kind === kind) })).filter((g) => g.devices.length);
  });
  const online = computed(() => [...byId.value.values()].filter((d) => d.state === 'online').length);

  function merge(devices: readonly DeviceInfo[]): void {
    const next = new Map(byId.value);
    for (const d of devices) {
      next.set(d.id, d);
      late?.set(d.id, d);
    }
    byId.value = next;
  }

  const off = client.subscribe('devices.changed', ({ devices }) => merge(devices));
  onBeforeUnmount(off);

  async function load(): Promise<void> {
    late = new Map();
    const r = await client.invoke('devices.list', {});
    const after = late;
    late = null;
    if (!r.ok) {
      error.value = r.error;
      return;
    }
    const next = new Map(r.value.map((d) => [d.id, d]));
    after.forEach((d, id) => next.set(id, d));
    byId.value = next;
    error.value = null;
    loaded.value = true;
  }

  async function test(id: string): Promise<void> {
    tests.value = { ...tests.value, [id]: 'running' };
    const r = await client.invoke('devices.test', { id });
    tests.value = { ...tests.value, [id]: r.ok ? r.value : { error: r.error.message } };
  }

  const simulate = (id: string, mode: SimMode) => client.invoke('devices.simulate', { id, mode });

  return { byId, groups, online, loaded, error, tests, load, test, simulate };
}
