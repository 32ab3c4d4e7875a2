import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { Camera, Sensor } from '../../shared/contract';
import { mountShell } from './link-fixtures';
import { ok } from './fake-hall';

const TOWN = '441602001000';
const at = '2025-06-01T06:00:00.000Z';
const SENSORS: Sensor[] = [
  { id: 'river-1', name: '东江河源水文站', stationCode: TOWN, type: 'river', lat: 23.7, lon: 114.7, unit: 'm', thresholds: { warn: 34, danger: 36.5 }, updatedAt: at },
  { id: 'rain-1', name: '上城街道雨量站', stationCode: TOWN, type: 'rain', lat: 23.7, lon: 114.7, unit: 'mm', updatedAt: at },
];
const CAMERAS: Camera[] = [
  { id: 'cam-1', name: '上城街道路口', stationCode: TOWN, lat: 23.7, lon: 114.7, online: false, ptz: true, codec: 'h265', streams: {}, updatedAt: at },
];

async function selectTown(sensors: () => Sensor[] = () => SENSORS) {
  const shell = await mountShell({
    'sensors.list': (p) => ok(sensors().filter((s) => s.stationCode === p.stationCode)),
    'cameras.list': (p) => ok(CAMERAS.filter((c) => c.stationCode === p.stationCode)),
    'readings.latest': (p) =>
      ok(
        [
          { sensorId: 'river-1', value: 34.2, at: '2025-06-01T06:10:00.000Z' },
          { sensorId: 'rain-1', value: 12.5, at: '2025-06-01T06:10:00.000Z' },
        ].filter((r) => p.sensorIds?.includes(r.sensorId)),
      ),
  });
  await shell.wrapper.get(`[data-testid="station-node"][data-code="${TOWN}"]`).trigger('click');
  await flushPromises();
  const equipment = () => shell.wrapper.get('[data-testid="station-equipment"]');
  const sensor = (id: string) => equipment().get(`[data-testid="sensor-row"][data-sensor-id="${id}"]`);
  return { ...shell, equipment, sensor };
}

describe('station equipment from the district link', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it("lists the station's sensors with their latest value against the thresholds, and its cameras", async () => {
    const view = await selectTown();
    expect(view.calls('sensors.list')).toEqual([{ stationCode: TOWN }]);
    expect(view.calls('readings.latest')).toEqual([{ sensorIds: ['river-1', 'rain-1'] }]);
    expect(view.sensor('river-1').text()).toContain('河道水位');
    expect(view.sensor('river-1').get('[data-testid="sensor-value"]').text()).toBe('34.2m');
    expect(view.sensor('river-1').attributes('data-level')).toBe('warn');
    expect(view.sensor('rain-1').attributes('data-level')).toBe('ok'); // no thresholds
    const camera = view.equipment().get('[data-testid="camera-row"]');
    expect(camera.attributes('data-online')).toBe('false');
    expect(camera.text()).toContain('H.265');
    expect(view.equipment().text()).toContain('传感器 2 · 摄像机 1（在线 0）');
  });

  it('follows readings.changed for the sensors it shows', async () => {
    const view = await selectTown();
    view.hall.emit('readings.changed', {
      latest: [
        { sensorId: 'river-1', value: 36.8, at: '2025-06-01T06:11:00.000Z' },
        { sensorId: 'other-station', value: 1, at: '2025-06-01T06:11:00.000Z' },
      ],
    });
    await flushPromises();
    expect(view.sensor('river-1').get('[data-testid="sensor-value"]').text()).toBe('36.8m');
    expect(view.sensor('river-1').attributes('data-level')).toBe('danger');
    // An older reading arriving late does not replace a newer one.
    view.hall.emit('readings.changed', { latest: [{ sensorId: 'river-1', value: 30, at: '2025-06-01T06:05:00.000Z' }] });
    await flushPromises();
    expect(view.sensor('river-1').get('[data-testid="sensor-value"]').text()).toBe('36.8m');
  });

  it('refetches when the link changes sensors or cameras', async () => {
    let sensors = SENSORS;
    const view = await selectTown(() => sensors);
    sensors = [SENSORS[0]!];
    view.hall.emit('mirror.changed', { upTo: 9, counts: { sensor: 1 }, ids: { sensor: ['rain-1'] }, reset: false });
    await flushPromises();
    expect(view.calls('sensors.list')).toHaveLength(2);
    expect(view.equipment().findAll('[data-testid="sensor-row"]')).toHaveLength(1);
  });
});
