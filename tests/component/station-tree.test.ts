import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { Result, Station } from '../../shared/contract';
import OverviewView from '../../renderer/src/views/OverviewView.vue';
import { buildStationTree, filterStationTree } from '../../renderer/src/domain/station-tree';
import { Blank, fakeHall, globalFor, ok, testRouter } from './fake-hall';

const base = { demo: false, online: true };
const STATIONS: Station[] = [
  // Deliberately out of order: the tree sorts by code.
  { ...base, code: '441602100000', name: '源南镇', level: 'town', parentCode: '441602', lat: 23.69, lon: 114.68 },
  { ...base, code: '441602', name: '源城区', level: 'district', lat: 23.746, lon: 114.697 },
  { ...base, code: '441602001000', name: '上城街道', level: 'town', parentCode: '441602', lat: 23.735, lon: 114.7 },
  {
    ...base,
    code: '441602006000',
    name: '城东街道',
    level: 'town',
    parentCode: '441602',
    lat: 23.752,
    lon: 114.738,
    note: '新版区划代码中新设，不在规划所列7个镇街内',
  },
  { code: '441602001002', name: '演示社区02', level: 'village', parentCode: '441602001000', lat: 23.73, lon: 114.7, online: false, demo: true },
  { code: '441602001001', name: '演示社区01', level: 'village', parentCode: '441602001000', lat: 23.736, lon: 114.701, online: true, demo: true },
  { code: '441602100201', name: '演示村01', level: 'village', parentCode: '441602100000', lat: 23.69, lon: 114.67, online: true, demo: true },
  { code: '441602100202', name: '演示村02', level: 'village', parentCode: '441602100000', lat: 23.7, lon: 114.69, online: true, demo: true },
];

async function mountOverview(list: () => Result<Station[]> | Promise<Result<Station[]>> = () => ok(STATIONS)) {
  const hall = fakeHall({ 'stations.list': list });
  const router = await testRouter([{ path: '/', component: Blank }], '/');
  const wrapper = mount(OverviewView, { global: globalFor(hall, router), attachTo: document.body });
  await flushPromises();
  return {
    hall,
    wrapper,
    /** Codes of the nodes of one level currently in the tree, in display order. */
    codes: (level: Station['level']): string[] =>
      wrapper.findAll(`[data-testid="station-node"][data-level="${level}"]`).map((n) => n.attributes('data-code')!),
    kpi: (id: string): string | undefined => wrapper.get(`[data-testid="${id}"]`).attributes('data-value'),
    search: async (q: string): Promise<void> => {
      await wrapper.get('[data-testid="station-search"]').setValue(q);
    },
  };
}

describe('station tree', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('builds 源城区 → towns/streets → villages from the station list', async () => {
    const view = await mountOverview();
    expect(view.codes('district')).toEqual(['441602']);
    expect(view.codes('town')).toEqual(['441602001000', '441602006000', '441602100000']);
    expect(view.codes('village')).toEqual(['441602001001', '441602001002', '441602100201', '441602100202']);

    // Each village sits inside its own town's branch.
    const branchOf = (code: string) =>
      view.wrapper.get(`[data-level="town"][data-code="${code}"]`).element.closest('li')!.querySelectorAll('[data-level="village"]');
    expect([...branchOf('441602001000')].map((n) => n.getAttribute('data-code'))).toEqual(['441602001001', '441602001002']);
    expect([...branchOf('441602100000')].map((n) => n.getAttribute('data-code'))).toEqual(['441602100201', '441602100202']);
    expect(branchOf('441602006000')).toHaveLength(0);
  });

  it('shows the KPIs, the online state of each node and the codes', async () => {
    const view = await mountOverview();
    expect(view.kpi('kpi-towns')).toBe('3');
    expect(view.kpi('kpi-villages')).toBe('4');
    expect(view.kpi('kpi-online')).toBe('3');
    expect(view.kpi('kpi-offline')).toBe('1');
    const offline = view.wrapper.get('[data-code="441602001002"]');
    expect(offline.attributes('data-online')).toBe('false');
    expect(offline.find('.dot.is-offline').exists()).toBe(true);
    expect(offline.get('.code').text()).toBe('441602001002');
  });

  it('labels demo villages with a badge and explains that their names are demo data', async () => {
    const view = await mountOverview();
    const badges = view.wrapper.findAll('[data-testid="demo-badge"]');
    expect(badges).toHaveLength(4);
    expect(badges[0]!.text()).toBe('演示');
    expect(view.wrapper.text()).toContain('村居名称为演示数据');
    // Towns are official divisions: no badge on them.
    expect(view.wrapper.get('[data-level="town"][data-code="441602001000"]').find('[data-testid="demo-badge"]').exists()).toBe(false);
    // 城东街道 carries its note.
    expect(view.wrapper.get('[data-level="town"][data-code="441602006000"]').element.closest('li')!.textContent).toContain('新版区划代码中新设');
  });

  it('search by name keeps only the matches, with their town visible and expanded', async () => {
    const view = await mountOverview();
    await view.search('演示村02');
    expect(view.codes('village')).toEqual(['441602100202']);
    expect(view.codes('town')).toEqual(['441602100000']);
    expect(view.wrapper.get('[data-level="town"]').attributes('data-expanded')).toBe('true');
    expect(view.codes('district')).toEqual(['441602']);
  });

  it('search by code finds villages and towns; a matching town keeps all its villages', async () => {
    const view = await mountOverview();
    await view.search('441602100201');
    expect(view.codes('village')).toEqual(['441602100201']);
    expect(view.codes('town')).toEqual(['441602100000']);

    await view.search('441602001');
    expect(view.codes('town')).toEqual(['441602001000']);
    expect(view.codes('village')).toEqual(['441602001001', '441602001002']);
  });

  it('says so when nothing matches, and an emptied search brings the whole tree back', async () => {
    const view = await mountOverview();
    await view.search('不存在的村');
    expect(view.codes('village')).toEqual([]);
    expect(view.codes('town')).toEqual([]);
    expect(view.wrapper.get('[data-testid="station-tree"]').text()).toContain('没有匹配“不存在的村”');
    await view.search('');
    expect(view.codes('village')).toHaveLength(4);
  });

  it('collapses and expands a town', async () => {
    const view = await mountOverview();
    await view.wrapper.get('[data-level="town"][data-code="441602100000"] .twisty').trigger('click');
    expect(view.codes('village')).toEqual(['441602001001', '441602001002']);
    await view.wrapper.get('[data-level="town"][data-code="441602100000"] .twisty').trigger('click');
    expect(view.codes('village')).toHaveLength(4);
  });

  it('applies a stations.changed event to the tree and the KPIs', async () => {
    const view = await mountOverview();
    expect(view.hall.subscribers('stations.changed')).toBe(1);
    const village = STATIONS.find((s) => s.code === '441602100201')!;
    view.hall.emit('stations.changed', { stations: [{ ...village, online: false }] });
    await flushPromises();
    expect(view.wrapper.get('[data-code="441602100201"]').attributes('data-online')).toBe('false');
    expect(view.kpi('kpi-offline')).toBe('2');
    expect(view.kpi('kpi-online')).toBe('2');

    view.hall.emit('stations.changed', { stations: [{ ...village, online: true }] });
    await flushPromises();
    expect(view.kpi('kpi-offline')).toBe('1');
  });

  it('a change that arrives while the list is loading is not undone by the older list', async () => {
    let answer!: (r: Result<Station[]>) => void;
    const view = await mountOverview(() => new Promise((resolve) => (answer = resolve)));
    const village = STATIONS.find((s) => s.code === '441602100202')!;
    view.hall.emit('stations.changed', { stations: [{ ...village, online: false }] });
    answer(ok(STATIONS));
    await flushPromises();
    expect(view.wrapper.get('[data-code="441602100202"]').attributes('data-online')).toBe('false');
    expect(view.kpi('kpi-offline')).toBe('2');
  });

  it('unsubscribes from stations.changed when the view goes away', async () => {
    const view = await mountOverview();
    view.wrapper.unmount();
    expect(view.hall.subscribers('stations.changed')).toBe(0);
  });

  it('clicking a node shows its detail card', async () => {
    const view = await mountOverview();
    expect(view.wrapper.find('[data-testid="station-detail"]').exists()).toBe(false);
    await view.wrapper.get('[data-code="441602001002"]').trigger('click');
    const detail = view.wrapper.get('[data-testid="station-detail"]');
    expect(detail.attributes('data-code')).toBe('441602001002');
    expect(detail.text()).toContain('演示社区02');
    expect(detail.text()).toContain('上城街道');
    expect(detail.text()).toContain('23.730000, 114.700000');
    expect(detail.text()).toContain('离线');
  });

  it('shows the load error with a retry instead of an empty tree', async () => {
    const view = await mountOverview(() => ({ ok: false, error: { code: 'unavailable', message: 'not reachable' } }));
    expect(view.wrapper.text()).toContain('站点加载失败');
    expect(view.codes('village')).toEqual([]);
  });
});

describe('filterStationTree', () => {
  it('is case-insensitive and ignores surrounding spaces', () => {
    const list: Station[] = [
      ...STATIONS,
      { ...base, code: '441602100203', name: 'Demo Village', level: 'village', parentCode: '441602100000', lat: 0, lon: 0 },
    ];
    const filtered = filterStationTree(buildStationTree(list), '  demo v ');
    expect([...filtered.matches]).toEqual(['441602100203']);
    expect([...filtered.expand]).toEqual(['441602100000']);
  });
});
