import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { AlertCounts, DeskAlert, Station } from '../../shared/contract';
import AlertTicker from '../../renderer/src/components/AlertTicker.vue';
import WallView from '../../renderer/src/views/WallView.vue';
import { useStationsStore } from '../../renderer/src/stores/stations';
import { deskAlert } from './alarm-fixtures';
import { Blank, fakeHall, fail, globalFor, ok, testRouter } from './fake-hall';

const TOWN: Station = { code: '441602001000', name: '上城街道', level: 'town', parentCode: '441602', lat: 23.7, lon: 114.7, online: true, demo: false };

function countsOf(list: DeskAlert[]): AlertCounts {
  const open = list.filter((a) => ['new', 'acknowledged', 'handling'].includes(a.state));
  return {
    open: open.length,
    unacknowledged: open.filter((a) => a.state === 'new').length,
    byLevel: { blue: 0, yellow: 0, orange: 0, red: 0, ...Object.fromEntries(['blue', 'yellow', 'orange', 'red'].map((l) => [l, open.filter((a) => a.level === l).length])) },
  };
}

async function mountTicker(store: { list: DeskAlert[] }, props: { enabled?: boolean } = {}) {
  const hall = fakeHall({
    // The core filters by state; the fake hands back what the test holds.
    'alerts.list': () => ok({ items: store.list, nextCursor: null, total: store.list.length }),
    'alerts.counts': () => ok(countsOf(store.list)),
  });
  const router = await testRouter([{ path: '/', component: Blank }], '/');
  const wrapper = mount(AlertTicker, { props, global: globalFor(hall, router), attachTo: document.body });
  useStationsStore().merge([TOWN]);
  await flushPromises();
  return { hall, wrapper };
}

describe('wall alert ticker', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('is hidden when no alert is open', async () => {
    const store = { list: [deskAlert('red', 'closed'), deskAlert('orange', 'cancelled')] };
    const { hall, wrapper } = await mountTicker(store);
    expect(hall.invoke).toHaveBeenCalledWith('alerts.list', expect.objectContaining({ state: ['new', 'acknowledged', 'handling'] }));
    expect(wrapper.find('[data-testid="alert-ticker"]').exists()).toBe(false);
  });

  it('shows open alerts most severe first, then newest, with counts per level', async () => {
    const oldRed = deskAlert('red', 'acknowledged', { sent: '2026-06-01T08:00:00+08:00', headline: '水库超汛限' });
    const yellow = deskAlert('yellow', 'new', { sent: '2026-06-01T10:00:00+08:00' });
    const newRed = deskAlert('red', 'new', { sent: '2026-06-01T09:30:00+08:00', headline: '河道水位超危险' });
    const orange = deskAlert('orange', 'handling', { sent: '2026-06-01T09:00:00+08:00', townCode: null, areaDesc: '东埔街道' });
    const closed = deskAlert('red', 'closed');
    const store = { list: [oldRed, yellow, newRed, orange, closed] };
    const { wrapper } = await mountTicker(store);

    const ticker = wrapper.get('[data-testid="alert-ticker"]');
    const items = ticker.findAll('[data-testid="ticker-item"]');
    expect(items.map((i) => i.attributes('data-id'))).toEqual([newRed.id, oldRed.id, orange.id, yellow.id]);
    expect(items[0]!.attributes('data-level')).toBe('red');
    expect(items[0]!.text()).toContain('河道水位超危险');
    expect(items[0]!.text()).toContain('09:30');
    expect(items[1]!.text()).toContain('已确认');
    expect(items[2]!.text()).toContain('东埔街道');
    expect(items[3]!.text()).toContain('上城街道');

    expect(wrapper.get('[data-testid="ticker-count-red"]').text()).toContain('2');
    expect(wrapper.get('[data-testid="ticker-count-orange"]').text()).toContain('1');
    expect(wrapper.get('[data-testid="ticker-count-yellow"]').text()).toContain('1');
    expect(wrapper.get('[data-testid="ticker-count-blue"]').text()).toContain('0');
    // Counts first (left), then the scrolling track with two laps (the second hidden from readers).
    expect(ticker.findAll('ul.lap')).toHaveLength(2);
    expect(ticker.findAll('ul.lap')[1]!.attributes('aria-hidden')).toBe('true');
  });

  it('updates on alerts.changed and hides once everything is closed', async () => {
    const store = { list: [] as DeskAlert[] };
    const { hall, wrapper } = await mountTicker(store);
    expect(wrapper.find('[data-testid="alert-ticker"]').exists()).toBe(false);

    const red = deskAlert('red');
    store.list = [red];
    hall.emit('alerts.changed', { ids: [red.id], reset: false });
    await flushPromises();
    expect(wrapper.findAll('[data-testid="ticker-item"]')).toHaveLength(1);

    store.list = [{ ...red, state: 'closed' }];
    hall.emit('alerts.changed', { ids: [red.id], reset: false });
    await flushPromises();
    expect(wrapper.find('[data-testid="alert-ticker"]').exists()).toBe(false);
  });

  it('loads nothing while disabled (an unauthorized wall)', async () => {
    const store = { list: [deskAlert('red')] };
    const { hall, wrapper } = await mountTicker(store, { enabled: false });
    expect(hall.invoke).not.toHaveBeenCalled();
    expect(wrapper.find('[data-testid="alert-ticker"]').exists()).toBe(false);
  });

  it('counts from the list when alerts.counts fails', async () => {
    const hall = fakeHall({
      'alerts.list': () => ok({ items: [deskAlert('orange'), deskAlert('orange')], nextCursor: null, total: 2 }),
      'alerts.counts': () => fail('internal', 'boom'),
    });
    const router = await testRouter([{ path: '/', component: Blank }], '/');
    const wrapper = mount(AlertTicker, { global: globalFor(hall, router), attachTo: document.body });
    await flushPromises();
    expect(wrapper.get('[data-testid="ticker-count-orange"]').text()).toContain('2');
  });

  it('runs along the bottom of a wall screen signed in with its token', async () => {
    const red = deskAlert('red');
    const hall = fakeHall({
      'system.about': () => ok({ name: '源城区应急指挥中心', version: '0.1.0', demo: true }),
      'stations.list': () => ok([TOWN]),
      'alerts.list': () => ok({ items: [red], nextCursor: null, total: 1 }),
      'alerts.counts': () => ok(countsOf([red])),
    });
    const router = await testRouter([{ path: '/wall/:screenId', component: WallView, props: true }], '/wall/A1?token=wall-tok');
    const wrapper = mount(WallView, { props: { screenId: 'A1' }, global: globalFor(hall, router), attachTo: document.body });
    await flushPromises();
    const ticker = wrapper.get('.wall [data-testid="alert-ticker"]');
    expect(ticker.element.nextElementSibling?.classList.contains('wall-foot')).toBe(true);
    expect(ticker.get('[data-testid="ticker-item"]').text()).toContain('上城街道');
    localStorage.clear();
  });
});
