import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { MapFeature, MapLayerId, MapView } from '../../shared/contract';
import type { MapHandlers } from '../../renderer/src/map/useHallMap';
import { activeAlertIds, boundsOf, fitTarget } from '../../renderer/src/wall/wall-map-fit';
import { Blank, fakeHall, globalFor, ok, testRouter } from './fake-hall';

/**
 * The wall map's view lock, with the MapLibre map replaced by a recorder (no WebGL here): it
 * fits when the set of active alerts changes and only then, and an operator's gesture holds it
 * still; a fit that came up meanwhile runs once the hold is over.
 */

const fake = vi.hoisted(() => ({ handlers: null as MapHandlers | null, map: null as null | Record<string, unknown> }));

vi.mock('../../renderer/src/map/useHallMap', async () => {
  const { ref, shallowRef } = await import('vue');
  return {
    FIT_PADDING: 48,
    useHallMap(handlers: MapHandlers) {
      fake.handlers = handlers;
      fake.map = {
        map: shallowRef(null),
        ready: ref(false),
        moving: ref(false),
        zoom: ref(10),
        idles: ref(0),
        mount: vi.fn(),
        destroy: vi.fn(),
        applyDiff: vi.fn(),
        setPlaceLabels: vi.fn(),
        fitDistrict: vi.fn(),
        fitBounds: vi.fn(),
      };
      return fake.map;
    },
  };
});

const { default: WallMapRegion } = await import('../../renderer/src/wall/WallMapRegion.vue');

function alertArea(id: string, [w, s, e, n]: [number, number, number, number]): MapFeature {
  return {
    type: 'Feature',
    id: `alert:${id}:0`,
    geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
    properties: { fid: `alert:${id}:0`, id, layer: 'alerts', status: 'red', name: id },
  };
}

const HOLD_MS = 60_000;

describe('wall map', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-06-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  async function mountMap(viewId?: string, views: MapView[] = []) {
    const layers: Partial<Record<MapLayerId, MapFeature[]>> = { alerts: [] };
    const hall = fakeHall({
      'stations.list': () => ok([]),
      'map.features': ({ layer }) => ok({ type: 'FeatureCollection', features: layers[layer] ?? [] }),
      'map.views.list': () => ok(views),
    });
    const router = await testRouter([{ path: '/', component: Blank }], '/');
    const wrapper = mount(WallMapRegion, { props: viewId ? { viewId } : {}, global: globalFor(hall, router), attachTo: document.body });
    await flushPromises();
    const map = fake.map as unknown as { ready: { value: boolean }; fitBounds: ReturnType<typeof vi.fn>; fitDistrict: ReturnType<typeof vi.fn> };
    const el = () => wrapper.get('[data-testid="wall-map"]');
    return {
      hall,
      map,
      fits: () => Number(el().attributes('data-fit-count')),
      el,
      async setAlerts(features: MapFeature[]) {
        layers.alerts = features;
        hall.emit('alerts.changed', { ids: features.map((f) => String(f.properties['id'])) } as never);
        await flushPromises();
      },
    };
  }

  it('fits the district once ready, then to the alerts when their set changes, and not otherwise', async () => {
    const m = await mountMap();
    expect(m.fits()).toBe(0); // the map is not drawn yet: the fit waits for it
    m.map.ready.value = true;
    await flushPromises();
    expect(m.fits()).toBe(1);
    expect(m.el().attributes('data-fit')).toBe('district');
    expect(m.map.fitDistrict).toHaveBeenCalledTimes(1);

    await m.setAlerts([alertArea('A', [114.6, 23.6, 114.7, 23.7])]);
    expect(m.fits()).toBe(2);
    expect(m.el().attributes('data-fit')).toBe('alerts');
    expect(m.map.fitBounds).toHaveBeenLastCalledWith([114.6, 23.6, 114.7, 23.7], false);

    // The same set again (an update of the same alert's area): the map stays where it is.
    await m.setAlerts([alertArea('A', [114.6, 23.6, 114.71, 23.7])]);
    expect(m.fits()).toBe(2);

    // All acknowledged: back to the district.
    await m.setAlerts([]);
    expect(m.fits()).toBe(3);
    expect(m.el().attributes('data-fit')).toBe('district');
  });

  it('never fights a gesture: a change during or soon after one waits, then fits once', async () => {
    const m = await mountMap();
    m.map.ready.value = true;
    await flushPromises();
    expect(m.fits()).toBe(1);

    fake.handlers!.onGesture('start');
    await m.setAlerts([alertArea('A', [114.6, 23.6, 114.7, 23.7])]);
    expect(m.fits()).toBe(1);
    fake.handlers!.onGesture('end');
    await m.setAlerts([alertArea('A', [114.6, 23.6, 114.7, 23.7]), alertArea('B', [114.72, 23.65, 114.75, 23.68])]);
    vi.advanceTimersByTime(HOLD_MS / 2);
    await flushPromises();
    expect(m.fits()).toBe(1);

    vi.advanceTimersByTime(HOLD_MS / 2 + 1500);
    await flushPromises();
    expect(m.fits()).toBe(2);
    expect(m.map.fitBounds).toHaveBeenLastCalledWith([114.6, 23.6, 114.75, 23.7], false);
    vi.advanceTimersByTime(10_000);
    await flushPromises();
    expect(m.fits()).toBe(2);
  });

  it('with no active alerts it shows the saved view the scene names', async () => {
    const view: MapView = { id: 'v-east', name: '东部', kind: 'custom', center: [114.72, 23.71], zoom: 13, bearing: 0, pitch: 0, bounds: [114.7, 23.69, 114.75, 23.73], builtIn: false };
    const m = await mountMap('v-east', [view]);
    m.map.ready.value = true;
    await flushPromises();
    expect(m.el().attributes('data-fit')).toBe('view');
    expect(m.map.fitBounds).toHaveBeenLastCalledWith([114.7, 23.69, 114.75, 23.73], false);
  });
});

describe('wall map fit target', () => {
  it('counts an alert with several areas once and boxes all their coordinates', () => {
    const a = alertArea('A', [114.6, 23.6, 114.7, 23.7]);
    const a2 = { ...alertArea('A', [114.8, 23.5, 114.9, 23.55]), id: 'alert:A:1' };
    expect(activeAlertIds([a, a2])).toEqual(['A']);
    expect(boundsOf([a, a2])).toEqual([114.6, 23.5, 114.9, 23.7]);
  });

  it('widens a lone point so the fit does not dive to the maximum zoom', () => {
    const p: MapFeature = { type: 'Feature', id: 'alert:P:0', geometry: { type: 'Point', coordinates: [114.7, 23.7] }, properties: { id: 'P' } };
    const [w, s, e, n] = boundsOf([p])!;
    expect(e - w).toBeCloseTo(0.02);
    expect(n - s).toBeCloseTo(0.02);
    expect(fitTarget([], null)).toEqual({ kind: 'district' });
  });
});
