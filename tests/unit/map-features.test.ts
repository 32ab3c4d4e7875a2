/**
 * Features from entities (shared/map/features.ts), colour by threshold (shared/map/colors.ts)
 * and the layer registry (electron/core/map/layers.ts) over in-memory sources.
 */
import { describe, expect, it } from 'vitest';
import { MAP_LAYER_IDS, MapFeatureCollection, type AlertRecord, type Camera, type MapGeometry, type Sensor, type Station } from '../../shared/contract';
import {
  SENSOR_STATUS_COLORS,
  alertFeatures,
  alertIsActive,
  cameraFeature,
  featureIdOf,
  filterByBBox,
  layersForMirrorChange,
  sensorColor,
  sensorFeature,
  sensorStatus,
  stationFeature,
  type PlaceResolver,
} from '../../shared/map';
import { defineLayers, layerRegistry, type LayerSources } from '../../electron/core/map/layers';

const BOUNDARY: MapGeometry = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [114.5, 23.6],
        [114.8, 23.6],
        [114.8, 23.85],
        [114.5, 23.6],
      ],
    ],
  ],
};

const TOWN: Station = { code: '441602001000', name: '上城街道', level: 'town', parentCode: '441602', lat: 23.735, lon: 114.7, online: true, demo: false };
const VILLAGE: Station = {
  code: '441602001001',
  name: '示例社区',
  level: 'village',
  parentCode: '441602001000',
  lat: 23.74,
  lon: 114.705,
  online: false,
  demo: true,
  dutyPerson: { name: '张三', phone: '13800000000' },
};

const PLACES: PlaceResolver = {
  districtCode: '441602',
  districtBoundary: () => BOUNDARY,
  placePoint: (code) => ({ [TOWN.code]: [TOWN.lon, TOWN.lat], [VILLAGE.code]: [VILLAGE.lon, VILLAGE.lat] })[code] as [number, number] | undefined,
};

function alert(areas: AlertRecord['cap']['info'][number]['area'], over: Partial<AlertRecord> = {}, infoOver: object = {}): AlertRecord {
  return {
    id: 'a-1',
    source: 'link',
    level: 'orange',
    type: 'rainstorm',
    stationCode: TOWN.code,
    sensorId: null,
    headline: '暴雨橙色预警',
    sent: '2025-06-01T08:00:00+08:00',
    status: 'Actual',
    msgType: 'Alert',
    updatedAt: '2025-06-01T00:00:00.000Z',
    cap: {
      identifier: 'a-1',
      sender: 'district',
      sent: '2025-06-01T08:00:00+08:00',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      info: [{ category: ['Met'], event: '暴雨', urgency: 'Expected', severity: 'Severe', certainty: 'Likely', area: areas, ...infoOver }],
      local: { level: 'orange', type: 'rainstorm' },
    },
    ...over,
  };
}

describe('colour by threshold', () => {
  const t = { warn: 50, danger: 100 };
  it.each([
    [null, 'no-data'],
    [undefined, 'no-data'],
    [Number.NaN, 'no-data'],
    [0, 'normal'],
    [49.9, 'normal'],
    [50, 'warn'],
    [99.99, 'warn'],
    [100, 'danger'],
    [250, 'danger'],
  ] as const)('value %s → %s', (value, status) => {
    expect(sensorStatus(value, t)).toBe(status);
    expect(sensorColor(value, t)).toBe(SENSOR_STATUS_COLORS[status]);
  });

  it('uses whichever thresholds exist; none means normal while it reports', () => {
    expect(sensorStatus(120, { danger: 100 })).toBe('danger');
    expect(sensorStatus(60, { danger: 100 })).toBe('normal');
    expect(sensorStatus(60, { warn: 50 })).toBe('warn');
    expect(sensorStatus(1e6, undefined)).toBe('normal');
    expect(sensorStatus(undefined, undefined)).toBe('no-data');
    expect(new Set(Object.values(SENSOR_STATUS_COLORS)).size).toBe(4);
  });
});

describe('point features from entities', () => {
  it('a station: stable id, [lon, lat], online status and duty person', () => {
    const f = stationFeature(VILLAGE);
    expect(f).toMatchObject({ type: 'Feature', id: 'station:441602001001', geometry: { type: 'Point', coordinates: [114.705, 23.74] } });
    expect(f.properties).toMatchObject({ fid: f.id, id: VILLAGE.code, layer: 'stations', status: 'offline', online: false, level: 'village', dutyName: '张三' });
    expect(stationFeature(TOWN).properties['status']).toBe('online');
  });

  it('a camera: online and PTZ give its status', () => {
    const cam: Camera = { id: 'cam-1', name: '河堤1号', stationCode: TOWN.code, lat: 23.7, lon: 114.7, online: true, ptz: true, streams: {}, updatedAt: 'x' };
    expect(cameraFeature(cam).properties).toMatchObject({ id: 'cam-1', status: 'ptz', ptz: true, online: true });
    expect(cameraFeature({ ...cam, ptz: false }).properties['status']).toBe('fixed');
    expect(cameraFeature({ ...cam, online: false }).properties['status']).toBe('offline');
  });

  it('a sensor: coloured by its latest reading against its thresholds', () => {
    const s: Sensor = { id: 'rain-1', name: '雨量站', stationCode: TOWN.code, type: 'rain', lat: 23.7, lon: 114.7, unit: 'mm', thresholds: { warn: 30, danger: 50 }, updatedAt: 'x' };
    expect(sensorFeature(s, undefined).properties).toMatchObject({ status: 'no-data', value: null });
    expect(sensorFeature(s, { sensorId: 'rain-1', value: 35, at: '2025-06-01T00:00:00Z' }).properties).toMatchObject({ status: 'warn', value: 35, warn: 30, danger: 50 });
    expect(sensorFeature(s, { sensorId: 'rain-1', value: 51, at: '2025-06-01T00:00:00Z' }).properties['status']).toBe('danger');
  });
});

describe('alert features (CAP areas)', () => {
  it('a polygon area → a Polygon feature with the alert properties', () => {
    const { features, problems } = alertFeatures(alert([{ areaDesc: '河段', polygon: ['23.70,114.60 23.80,114.70 23.70,114.75 23.70,114.60'] }]), PLACES);
    expect(problems).toEqual([]);
    expect(features).toHaveLength(1);
    expect(features[0]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [114.6, 23.7],
          [114.7, 23.8],
          [114.75, 23.7],
          [114.6, 23.7],
        ],
      ],
    });
    expect(features[0]!.properties).toMatchObject({ id: 'a-1', alertId: 'a-1', level: 'orange', status: 'orange', type: 'rainstorm', headline: '暴雨橙色预警', areaKind: 'polygon' });
  });

  it('a circle area → a 64-gon Polygon, radius in km (even when a geocode is given too)', () => {
    const { features } = alertFeatures(
      alert([{ areaDesc: '周边3公里', circle: ['23.74,114.7 3'], geocode: [{ valueName: 'division-code', value: TOWN.code }] }]),
      PLACES,
    );
    expect(features[0]!.geometry.type).toBe('Polygon');
    const ring = (features[0]!.geometry as { coordinates: number[][][] }).coordinates[0]!;
    expect(ring).toHaveLength(65);
    expect(ring[0]).toEqual(ring[64]);
    expect(features[0]!.properties).toMatchObject({ areaKind: 'circle', radiusKm: 3 });
  });

  it('geocodes: a town/village code → its point, 441602 (or 441602000000) → the district boundary', () => {
    const { features, problems } = alertFeatures(
      alert([
        { areaDesc: '上城街道', geocode: [{ valueName: 'division-code', value: TOWN.code }] },
        { areaDesc: '示例社区', geocode: [{ valueName: 'division-code', value: VILLAGE.code }] },
        { areaDesc: '源城区', geocode: [{ valueName: 'division-code', value: '441602000000' }] },
        { areaDesc: '源城区全境', geocode: [{ valueName: 'code', value: '441602' }] },
      ]),
      PLACES,
    );
    expect(problems).toEqual([]);
    expect(features.map((f) => f.id)).toEqual(['alert:a-1#0', 'alert:a-1#1', 'alert:a-1#2', 'alert:a-1#3']);
    expect(features[0]!.geometry).toEqual({ type: 'Point', coordinates: [114.7, 23.735] });
    expect(features[1]!.geometry).toEqual({ type: 'Point', coordinates: [114.705, 23.74] });
    expect(features[2]!.geometry).toBe(BOUNDARY);
    expect(features[3]!.geometry).toBe(BOUNDARY);
    expect(features[2]!.properties).toMatchObject({ areaKind: 'geocode', geocode: '441602000000' });
  });

  it('reports undrawable areas instead of dropping the whole alert', () => {
    const { features, problems } = alertFeatures(
      alert([
        { areaDesc: '坏多边形', polygon: ['23.7,114.6 23.8,114.7 23.7,114.6'] },
        { areaDesc: '外区', geocode: [{ valueName: 'division-code', value: '440101001000' }] },
        { areaDesc: '空', geocode: [{ valueName: 'name', value: '某地' }] },
        { areaDesc: '好的', circle: ['23.74,114.7 1'] },
      ]),
      PLACES,
    );
    expect(features.map((f) => f.properties['areaDesc'])).toEqual(['好的']);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('at least 4');
    expect(problems[1]).toContain('440101001000');
    expect(problems[2]).toContain('no polygon, circle or division-code geocode');
  });

  it('draws an area repeated across language <info> blocks once', () => {
    const a = alert([{ areaDesc: '源城区', geocode: [{ valueName: 'division-code', value: '441602000000' }] }]);
    a.cap.info.push({ ...a.cap.info[0]!, language: 'en-US' });
    expect(alertFeatures(a, PLACES).features).toHaveLength(1);
  });

  it('is active unless cancelled, a draft, or past its expiry', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    expect(alertIsActive(alert([]), now)).toBe(true);
    expect(alertIsActive(alert([], { msgType: 'Cancel' }), now)).toBe(false);
    expect(alertIsActive(alert([], { status: 'Draft' }), now)).toBe(false);
    expect(alertIsActive(alert([], {}, { expires: '2025-06-01T11:00:00Z' }), now)).toBe(false);
    expect(alertIsActive(alert([], {}, { expires: '2025-06-01T13:00:00Z' }), now)).toBe(true);
  });
});

describe('bbox filtering', () => {
  it('keeps points inside (edges included) and polygons whose extent overlaps', () => {
    const inside = stationFeature(TOWN);
    const outside = stationFeature({ ...VILLAGE, code: '441602001002', lon: 115.5 });
    const poly = alertFeatures(alert([{ areaDesc: 'p', polygon: ['23.70,114.60 23.80,114.70 23.70,114.75 23.70,114.60'] }]), PLACES).features[0]!;
    const all = [inside, outside, poly];
    expect(filterByBBox(all, [114.69, 23.73, 114.71, 23.74]).map((f) => f.id)).toEqual([inside.id, poly.id]);
    expect(filterByBBox(all, [114.7, 23.735, 114.7, 23.735]).map((f) => f.id)).toEqual([inside.id, poly.id]);
    expect(filterByBBox(all, [115, 23, 116, 24]).map((f) => f.id)).toEqual([outside.id]);
    expect(filterByBBox(all, [100, 10, 101, 11])).toEqual([]);
    expect(filterByBBox(all, undefined)).toHaveLength(3);
  });
});

describe('the layer registry', () => {
  const sources: LayerSources = {
    stations: () => [{ code: '441602', name: '源城区', level: 'district', lat: 23.746, lon: 114.697, online: true, demo: false }, TOWN, VILLAGE],
    cameras: () => [],
    sensors: () => [],
    latestReadings: () => [],
    alerts: () => [alert([{ areaDesc: '源城区', geocode: [{ valueName: 'division-code', value: '441602000000' }] }]), alert([], { id: 'gone', msgType: 'Cancel' })],
    districtBoundary: () => BOUNDARY,
    now: () => new Date('2025-06-01T12:00:00Z'),
  };

  it('defines every layer id of the contract exactly once; the later-issue slots are unavailable', () => {
    const registry = layerRegistry(defineLayers(sources));
    expect([...registry.keys()].sort()).toEqual([...MAP_LAYER_IDS].sort());
    const unavailable = [...registry.values()].filter((d) => !d.build).map((d) => d.id);
    expect(unavailable.sort()).toEqual(['hazmat-sites', 'shelters', 'teams', 'warehouses']);
    for (const d of registry.values()) expect(d.legend.length, d.id).toBeGreaterThan(0);
    expect(() => layerRegistry(defineLayers(sources).filter((d) => d.id !== 'cameras'))).toThrow('cameras');
    const doubled = defineLayers(sources);
    expect(() => layerRegistry([...doubled, doubled[0]!])).toThrow('twice');
  });

  it('builds contract-valid collections: places include the district, stations do not, cancelled alerts are left out', () => {
    const registry = layerRegistry(defineLayers(sources));
    const build = (id: (typeof MAP_LAYER_IDS)[number]) => MapFeatureCollection.parse({ type: 'FeatureCollection', features: registry.get(id)!.build!() });
    expect(build('places').features.map((f) => f.properties['level'])).toEqual(['district', 'town', 'village']);
    expect(build('stations').features.map((f) => f.id)).toEqual(['station:441602001000', 'station:441602001001']);
    expect(build('alerts').features.map((f) => f.properties['alertId'])).toEqual(['a-1']);
    expect(build('district-boundary').features[0]!.geometry).toEqual(BOUNDARY);
  });
});

describe('live updates', () => {
  it('maps mirror changes to the layers they feed, and entities to their feature ids', () => {
    expect(layersForMirrorChange({ counts: { reading: 40, camera: 0 }, reset: false })).toEqual(['sensors']);
    expect(layersForMirrorChange({ counts: { camera: 1, alert: 2, notice: 1 }, reset: false }).sort()).toEqual(['alerts', 'cameras']);
    expect(layersForMirrorChange({ counts: {}, reset: true }).sort()).toEqual(['alerts', 'cameras', 'places', 'sensors', 'stations']);
    expect(featureIdOf('cameras', 'cam-1')).toBe(cameraFeature({ id: 'cam-1', name: 'c', stationCode: TOWN.code, lat: 23.7, lon: 114.7, online: true, ptz: false, streams: {}, updatedAt: 'x' }).id);
    expect(featureIdOf('stations', TOWN.code)).toBe(stationFeature(TOWN).id);
    expect(() => featureIdOf('alerts', 'a-1')).toThrow('alerts');
  });
});
