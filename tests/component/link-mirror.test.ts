import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { Result, Station } from '../../shared/contract';
import { STATIONS, mountShell } from './link-fixtures';
import { ok } from './fake-hall';

const VILLAGE_1 = STATIONS.find((s) => s.code === '441602001001')!;
const VILLAGE_2 = STATIONS.find((s) => s.code === '441602001002')!;

/** stations.list answers from a list the test can change, as the core's mirror would. */
function mirror() {
  let current = STATIONS.map((s) => ({ ...s }));
  return {
    list: (): Result<Station[]> => ok(current.map((s) => ({ ...s }))),
    set(code: string, patch: Partial<Station> | null): void {
      current = patch === null ? current.filter((s) => s.code !== code) : current.map((s) => (s.code === code ? { ...s, ...patch } : s));
    },
  };
}

const node = (shell: Awaited<ReturnType<typeof mountShell>>, code: string) => shell.wrapper.find(`[data-testid="station-node"][data-code="${code}"]`);

describe('stations from the district link', () => {
  beforeEach(() => {
    localStorage.clear();
    // Only the clock is faked: "now" is 14:15:20 in Shanghai, so ages are exact.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-01T06:15:20.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('refetches the stations a mirror.changed names and shows the change', async () => {
    const data = mirror();
    const shell = await mountShell({ 'stations.list': data.list });
    expect(shell.calls('stations.list')).toHaveLength(1);
    expect(node(shell, VILLAGE_2.code).attributes('data-online')).toBe('true');

    data.set(VILLAGE_2.code, { online: false, lastContact: '2025-06-01T06:03:00.000Z' });
    shell.hall.emit('mirror.changed', { upTo: 1300, counts: { station: 1 }, ids: { station: [VILLAGE_2.code] }, reset: false });
    await flushPromises();
    expect(shell.calls('stations.list')).toHaveLength(2);
    const changed = node(shell, VILLAGE_2.code);
    expect(changed.attributes('data-online')).toBe('false');
    expect(changed.get('[data-testid="last-contact"]').text()).toBe('12 分钟前');
    expect(changed.attributes('title')).toContain('最后联系：2025-06-01 14:03:00');
    expect(shell.wrapper.get('[data-testid="kpi-offline"]').attributes('data-value')).toBe('1');
  });

  it('removes a station the link deleted, and reloads everything after a reset', async () => {
    const data = mirror();
    const shell = await mountShell({ 'stations.list': data.list });
    data.set(VILLAGE_1.code, null);
    shell.hall.emit('mirror.changed', { upTo: 1301, counts: { station: 1 }, ids: { station: [VILLAGE_1.code] }, reset: false });
    await flushPromises();
    expect(node(shell, VILLAGE_1.code).exists()).toBe(false);

    data.set(VILLAGE_2.code, { name: '演示社区02（重建）' });
    shell.hall.emit('mirror.changed', { upTo: 5, counts: {}, ids: {}, reset: true });
    await flushPromises();
    expect(node(shell, VILLAGE_2.code).text()).toContain('演示社区02（重建）');
  });

  it('does not refetch stations for changes of other kinds', async () => {
    const shell = await mountShell();
    shell.hall.emit('mirror.changed', { upTo: 1302, counts: { reading: 40, camera: 1 }, ids: { reading: ['r1'], camera: ['c1'] }, reset: false });
    await flushPromises();
    expect(shell.calls('stations.list')).toHaveLength(1);
  });

  it('folds changes that arrive during a refetch into one more refetch, and never undoes a newer push', async () => {
    const data = mirror();
    const answers: ((r: Result<Station[]>) => void)[] = [];
    let hold = false;
    const shell = await mountShell({
      'stations.list': () => (hold ? new Promise<Result<Station[]>>((resolve) => answers.push(resolve)) : data.list()),
    });
    hold = true;
    shell.hall.emit('mirror.changed', { upTo: 1, counts: { station: 1 }, ids: { station: [VILLAGE_1.code] }, reset: false });
    shell.hall.emit('mirror.changed', { upTo: 2, counts: { station: 1 }, ids: { station: [VILLAGE_2.code] }, reset: false });
    await flushPromises();
    expect(answers).toHaveLength(1); // one at a time
    // A push for village 1 lands while its refetch is in flight: the (older) answer must not undo it.
    shell.hall.emit('stations.changed', { stations: [{ ...VILLAGE_1, online: false }] });
    answers[0]!(data.list());
    await flushPromises();
    expect(answers).toHaveLength(2);
    data.set(VILLAGE_2.code, { online: false });
    answers[1]!(data.list());
    await flushPromises();
    expect(node(shell, VILLAGE_1.code).attributes('data-online')).toBe('false');
    expect(node(shell, VILLAGE_2.code).attributes('data-online')).toBe('false');
  });

  it('the detail card shows the last contact (relative and absolute) and the duty person', async () => {
    const shell = await mountShell();
    await node(shell, VILLAGE_1.code).trigger('click');
    const detail = shell.wrapper.get('[data-testid="station-detail"]');
    expect(detail.get('[data-testid="detail-last-contact"]').text()).toContain('刚刚');
    expect(detail.get('[data-testid="detail-last-contact"]').text()).toContain('2025-06-01 14:14:50');
    expect(detail.get('[data-testid="detail-duty"]').text()).toContain('李明');
    expect(detail.get('[data-testid="detail-duty"]').text()).toContain('13800138001');
    expect(detail.get('[data-testid="detail-source"]').text()).toContain('区平台同步');

    await node(shell, VILLAGE_2.code).trigger('click');
    const other = shell.wrapper.get('[data-testid="station-detail"]');
    expect(other.get('[data-testid="detail-last-contact"]').text()).toContain('6 分钟前');
    expect(other.get('[data-testid="detail-duty"]').text()).toContain('未登记');
  });

  it('an online village shows no age in the tree; its tooltip still has the last contact', async () => {
    const shell = await mountShell();
    const village = node(shell, VILLAGE_1.code);
    expect(village.find('[data-testid="last-contact"]').exists()).toBe(false);
    expect(village.attributes('title')).toBe('在线 · 最后联系：2025-06-01 14:14:50');
  });
});
