import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import type { Camera, MapFeatureCollection, Sensor, Station } from '../../shared/contract';
import { HALL_CLIENT } from '../../renderer/src/client/hall-client';
import type { FeatureDiff } from '../../renderer/src/map/features';
import { useMapData, type LiveLayerId } from '../../renderer/src/map/useMapData';
import { fakeHall, ok, type Handlers } from './fake-hall';

const STATIONS: Station[] = [
  { code: '441602', name: '源城区', level: 'district', lat: 23.74, lon: 114.69, online: true, demo: false },
  { code: '441602100000', name: '源南镇', level: 'town', parentCode: '441602', lat: 23.69, lon: 114.68, online: true, demo: false, dutyPerson: { name: '张三', phone: '13800000000' } },
];
const CAMERA: Camera = { id: 'cam-1', name: '源南镇路口', stationCode: '441602100000', lat: 23.69, lon: 114.681, online: true, ptz: true, streams: {}, updatedAt: '2026-01-01T00:00:00Z' };
const SENSOR: Sensor = { id: 'rv-1', name: '河道水位', stationCode: '441602100000', type: 'river', lat: 23.691, lon: 114.682, unit: 'm', thresholds: { warn: 5, danger: 8 }, updatedAt: '2026-01-01T00:00:00Z' };

const base: Handlers = {
  'stations.list': () => ok(STATIONS),
  'cameras.list': () => ok([CAMERA]),
  'sensors.list': () => ok([SENSOR]),
  'readings.latest': () => ok([{ sensorId: 'rv-1', value: 2, at: '2026-01-01T00:00:00Z' }]),
};

async function mountData(handlers: Handlers) {
  const hall = fakeHall(handlers);
  const diffs: { layer: LiveLayerId; diff: FeatureDiff }[] = [];
  let data: ReturnType<typeof useMapData> | undefined;
  const Host = defineComponent({
    setup() {
      data = useMapData((layer, diff) => diffs.push({ layer, diff }));
      return () => h('div');
    },
  });
  const wrapper = mount(Host, { global: { provide: { [HALL_CLIENT as symbol]: hall.client } } });
  await flushPromises();
  return { hall, diffs, data: data!, wrapper };
}

describe('useMapData', () => {
  it('builds the layers from the entities when the core does not serve map.features', async () => {
    const { diffs, data } = await mountData(base);
    const added = Object.fromEntries(diffs.map((d) => [d.layer, d.diff.add.map((f) => f.id)]));
    expect(added).toEqual({ stations: ['station:441602100000'], cameras: ['camera:cam-1'], sensors: ['sensor:rv-1'] });
    expect(data.layers.value.get('cameras')!.get('camera:cam-1')!.properties['status']).toBe('ptz');
    expect(data.layers.value.get('stations')!.get('station:441602100000')!.properties['dutyName']).toBe('张三');
  });

  it('a reading patches only its sensor, recoloured by its thresholds (no full reload)', async () => {
    const { hall, diffs } = await mountData(base);
    diffs.length = 0;
    const calls = hall.invoke.mock.calls.length;
    hall.emit('readings.changed', { latest: [{ sensorId: 'rv-1', value: 9.2, at: '2026-01-01T00:05:00Z' }, { sensorId: 'unknown', value: 1, at: '2026-01-01T00:05:00Z' }] });
    expect(diffs).toEqual([
      {
        layer: 'sensors',
        diff: {
          add: [],
          remove: [],
          update: [{ id: 'sensor:rv-1', addOrUpdateProperties: [{ key: 'value', value: 9.2 }, { key: 'at', value: '2026-01-01T00:05:00Z' }, { key: 'status', value: 'danger' }] }],
        },
      },
    ]);
    expect(hall.invoke.mock.calls.length).toBe(calls); // nothing was refetched
  });

  it('uses map.features when the core serves it, and a mirror change refetches only the layers it touches', async () => {
    const served: MapFeatureCollection = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 'camera:cam-9', geometry: { type: 'Point', coordinates: [114.7, 23.7] }, properties: { fid: 'camera:cam-9', id: 'cam-9', layer: 'cameras', name: 'served', status: 'fixed' } }],
    };
    const { hall, diffs } = await mountData({ ...base, 'map.features': ({ layer }) => ok(layer === 'cameras' ? served : { type: 'FeatureCollection', features: [] }) });
    expect(diffs.find((d) => d.layer === 'cameras')!.diff.add.map((f) => f.id)).toEqual(['camera:cam-9']);
    expect(hall.invoke.mock.calls.some((call) => call[0] === 'cameras.list')).toBe(false);
    hall.invoke.mockClear();
    hall.emit('mirror.changed', { upTo: 10, counts: { camera: 1 }, ids: { camera: ['cam-9'] }, reset: false });
    await flushPromises();
    expect(hall.invoke.mock.calls.map((call): [unknown, unknown] => [call[0], (call[1] as { layer?: string }).layer])).toEqual([['map.features', 'cameras']]);
  });
});
