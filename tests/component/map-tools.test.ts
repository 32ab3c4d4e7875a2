import { describe, expect, it } from 'vitest';
import { parseCapCircle, parseCapPolygon } from '../../shared/map/cap-area';
import type { MapFeature } from '../../shared/contract';
import { drawClick, drawFeatures, drawFinish, drawResult, startDraw, type DrawState } from '../../renderer/src/map/draw-tool';
import { diffFeatures, readingUpdate } from '../../renderer/src/map/features';
import { layerVisibility, OPERATIONAL_LAYERS } from '../../renderer/src/map/layers';
import { createViewLock } from '../../renderer/src/map/view-lock';

const clicks = (state: DrawState, points: [number, number][]) => points.reduce((s, [lat, lon]) => drawClick(s, { lat, lon }), state);

describe('layer toggles', () => {
  it('shows the default layers and hides the slots of later issues', () => {
    const v = layerVisibility({});
    expect(v['stations-point']).toBe('visible');
    expect(v['cameras-cluster']).toBe('visible');
    expect(v['alerts-fill']).toBe('visible');
    expect(v['incidents-point']).toBe('visible');
    expect(v['evacuation-zones-point']).toBe('visible');
    expect(Object.keys(v).some((id) => id.startsWith('shelters'))).toBe(false); // a slot draws nothing
  });

  it('turning a layer off hides every MapLibre layer that draws it and only those', () => {
    const v = layerVisibility({ cameras: false });
    for (const id of ['cameras-point', 'cameras-cluster', 'cameras-cluster-halo']) expect(v[id]).toBe('none');
    expect(v['sensors-point']).toBe('visible');
    expect(v['sensors-cluster']).toBe('visible');
  });

  it('a later layer cannot be turned on before it exists', () => {
    const slot = OPERATIONAL_LAYERS.find((l) => l.id === 'shelters')!;
    expect(slot.available).toBe(false);
    expect(layerVisibility({ shelters: true }, [{ ...slot, mapLayers: [{ id: 'shelters-point', type: 'circle', source: 'src-shelters' }] }])['shelters-point']).toBe('none');
  });
});

describe('draw tool', () => {
  it('turns clicks and a finish into a closed CAP polygon that parses back', () => {
    let s = clicks(startDraw('polygon'), [[23.70, 114.60], [23.72, 114.66], [23.68, 114.68]]);
    expect(drawResult(s)).toEqual({}); // not finished yet
    s = drawFinish(s);
    const { capArea, kind } = drawResult(s);
    expect(kind).toBe('polygon');
    expect(capArea).toBe('23.7,114.6 23.72,114.66 23.68,114.68 23.7,114.6');
    expect(parseCapPolygon(capArea!)).toHaveLength(4);
  });

  it('drops the duplicate vertex a double-click adds, and refuses to finish with fewer than 3 vertices', () => {
    let s = clicks(startDraw('polygon'), [[23.70, 114.60], [23.72, 114.66]]);
    expect(drawFinish(s).finished).toBe(false);
    s = drawFinish(clicks(s, [[23.68, 114.68], [23.68, 114.68]]));
    expect(s.finished).toBe(true);
    expect(s.points).toHaveLength(3);
  });

  it('reports a self-crossing polygon instead of producing an invalid CAP area', () => {
    const s = drawFinish(clicks(startDraw('polygon'), [[23.70, 114.60], [23.72, 114.66], [23.70, 114.66], [23.72, 114.60]]));
    const r = drawResult(s);
    expect(r.capArea).toBeUndefined();
    expect(r.error).toMatch(/cross/);
  });

  it('a circle is a centre and a rim click, as "lat,lon radius-km"', () => {
    const s = clicks(startDraw('circle'), [[23.70, 114.60], [23.70 + 0.009, 114.60]]);
    expect(s.finished).toBe(true);
    const { capArea, km } = drawResult(s);
    const circle = parseCapCircle(capArea!);
    expect(circle.center).toEqual([114.6, 23.7]);
    expect(circle.radiusKm).toBeCloseTo(1.0, 1);
    expect(km).toBeCloseTo(1.0, 1);
  });

  it('measures a line and draws what is being drawn, following the cursor', () => {
    const s = clicks(startDraw('measure'), [[23.70, 114.60], [23.709, 114.60]]);
    expect(drawResult(s).km).toBeCloseTo(1.0, 1);
    const fc = drawFeatures(s, { lat: 23.72, lon: 114.6 });
    const line = fc.features.find((f) => f.properties.role === 'line')!;
    expect(line.geometry.type === 'LineString' && line.geometry.coordinates).toHaveLength(3);
    expect(fc.features.filter((f) => f.properties.role === 'vertex')).toHaveLength(2);
  });
});

describe('view lock', () => {
  it('fits when the set of active alerts changes, not when the same set comes again in another order', () => {
    const lock = createViewLock({ holdMs: 30_000 });
    expect(lock.alerts(['a', 'b'], 0)).toBe('fit');
    expect(lock.alerts(['b', 'a'], 1000)).toBe('none');
    expect(lock.alerts(['a', 'b', 'c'], 2000)).toBe('fit');
  });

  it('never fights an operator: a change during a gesture waits until the hold after it is over', () => {
    const lock = createViewLock({ holdMs: 30_000 });
    lock.alerts(['a'], 0);
    lock.gestureStart();
    expect(lock.alerts(['a', 'b'], 1000)).toBe('wait');
    expect(lock.tick(2000)).toBe('wait');
    lock.gestureEnd(5000);
    expect(lock.tick(20_000)).toBe('wait');
    expect(lock.tick(35_001)).toBe('fit');
    expect(lock.tick(36_000)).toBe('none'); // only once
  });
});

describe('live updates', () => {
  const sensor = (value: number | null): MapFeature => ({
    type: 'Feature',
    id: 'sensor:s1',
    geometry: { type: 'Point', coordinates: [114.6, 23.7] },
    properties: { fid: 'sensor:s1', id: 's1', layer: 'sensors', name: '水位', status: value === null ? 'no-data' : 'normal', value, warn: 5, danger: 8 },
  });

  it('a diff carries only what changed, by feature id', () => {
    const before = new Map([['sensor:s1', sensor(1)]]);
    const moved = { ...sensor(2), geometry: { type: 'Point' as const, coordinates: [114.61, 23.7] as [number, number] } };
    const added = { ...sensor(1), id: 'sensor:s2' };
    const diff = diffFeatures(before, [moved, added]);
    expect(diff.add.map((f) => f.id)).toEqual(['sensor:s2']);
    expect(diff.remove).toEqual([]);
    expect(diff.update).toEqual([{ id: 'sensor:s1', newGeometry: moved.geometry, addOrUpdateProperties: [{ key: 'value', value: 2 }] }]);
    expect(diffFeatures(new Map([['sensor:s1', sensor(1)]]), []).remove).toEqual(['sensor:s1']);
  });

  it('a reading recolours its sensor by its thresholds', () => {
    expect(readingUpdate(sensor(1), { sensorId: 's1', value: 6, at: '2026-01-01T00:00:00Z' })).toEqual({ value: 6, at: '2026-01-01T00:00:00Z', status: 'warn' });
    expect(readingUpdate(sensor(1), { sensorId: 's1', value: 9, at: '2026-01-01T00:00:00Z' }).status).toBe('danger');
  });
});

describe('useViewLock', () => {
  it('fits on a new alert set, holds during a gesture, and fits once the hold is over', async () => {
    const { defineComponent, h, nextTick, ref } = await import('vue');
    const { mount } = await import('@vue/test-utils');
    const { useViewLock } = await import('../../renderer/src/map/useViewLock');
    let clock = 0;
    let fits = 0;
    const ids = ref<readonly string[]>(['a']);
    let api: ReturnType<typeof useViewLock> | undefined;
    const Host = defineComponent({
      setup() {
        api = useViewLock({ activeAlertIds: ids, fit: () => fits++, holdMs: 10_000, now: () => clock, tickMs: 1_000_000 });
        return () => h('div');
      },
    });
    const wrapper = mount(Host);
    expect(fits).toBe(1); // the first set
    api!.gesture('start');
    ids.value = ['a', 'b'];
    await nextTick();
    expect(fits).toBe(1); // the operator is moving the map
    api!.gesture('end');
    clock = 5_000;
    ids.value = ['b', 'a']; // same set: nothing new, still held
    await nextTick();
    expect(fits).toBe(1);
    clock = 20_000;
    ids.value = ['a', 'b', 'c'];
    await nextTick();
    expect(fits).toBe(2);
    wrapper.unmount();
  });
});
