/**
 * The contacts directory (通讯录) for its page: filtered on the core (contacts.list), saved,
 * deleted, imported from and exported to CSV/XLSX. A reload that finishes after a newer one is dropped.
 */
import { computed, reactive, ref, shallowRef } from 'vue';
import type { Contact, ContactInput, ContactRole, HallErrorBody, Result } from '../../../../shared/contract';
import { useHallClient } from '../../client/hall-client';

export interface ContactsFilter {
  q: string;
  stationCode: string;
  role: ContactRole | '';
  group: string;
}

export function useContacts() {
  const client = useHallClient();
  const contacts = shallowRef<Contact[]>([]);
  const loading = ref(false);
  const error = ref<HallErrorBody | null>(null);
  const filter = reactive<ContactsFilter>({ q: '', stationCode: '', role: '', group: '' });
  /** Every group seen so far: the group filter offers them even while another filter hides their members. */
  const seenGroups = ref(new Set<string>());
  let generation = 0;

  const groups = computed(() => [...seenGroups.value].sort((a, b) => a.localeCompare(b, 'zh-CN')));

  async function load(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    const params = {
      ...(filter.q.trim() ? { q: filter.q.trim() } : {}),
      ...(filter.stationCode ? { stationCode: filter.stationCode } : {}),
      ...(filter.role ? { role: filter.role } : {}),
      ...(filter.group ? { group: filter.group } : {}),
    };
    const r = await client.invoke('contacts.list', params);
    if (mine !== generation) return;
    loading.value = false;
    if (!r.ok) {
      error.value = r.error;
      return;
    }
    error.value = null;
    contacts.value = r.value;
    const next = new Set(seenGroups.value);
    r.value.forEach((c) => c.groups.forEach((g) => next.add(g)));
    seenGroups.value = next;
  }

  async function save(input: ContactInput): Promise<Result<Contact>> {
    const r = await client.invoke('contacts.save', input);
    if (r.ok) void load();
    return r;
  }

  async function remove(id: string): Promise<Result<null>> {
    const r = await client.invoke('contacts.delete', { id });
    if (r.ok) contacts.value = contacts.value.filter((c) => c.id !== id);
    return r;
  }

  async function importFile(format: 'csv' | 'xlsx', dataBase64: string) {
    const r = await client.invoke('contacts.import', { format, dataBase64 });
    if (r.ok) void load();
    return r;
  }

  const exportFile = (format: 'csv' | 'xlsx') => client.invoke('contacts.export', { format });

  return { contacts, loading, error, filter, groups, load, save, remove, importFile, exportFile };
}
