/**
 * The map in a real core: layers and features from the demo district's entities, bbox filtering,
 * named views with their audit rows, basemaps from config, and the offline style's promises.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/core';
import { ConfigError, parseConfig } from '../../electron/core/config/config';
import { districtBoundary } from '../../electron/core/stations/places-seed';
import { resourcePath } from '../../electron/core/resources';
import type { Basemap, Camera, MapFeatureCollection, MapLayerInfo, MapView, ReadingPoint, Sensor, Station } from '../../shared/contract';
import type { LinkAlert } from '../../shared/district-link/protocol';
import { BASEMAP_COLORS, gcj02ToWgs84, sensorStatus } from '../../shared/map';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { migrate } from '../../electron/core/db/migrate';
import { MapViewsRepo } from '../../electron/core/map/views-repo';
import { nextEvent, signInAs, startCore, valueOf } from '../fixtures/core-helpers';

/** Resolves once the mirror holds cameras and sensors with readings (on mirror events, not on time). */
function untilMirrored(core: Core, guardMs = 20_000): Promise<void> {
  const ready = () => core.link.store.cameras.list().length > 0 && core.link.store.readings.latest().length > 0;
  return new Promise((resolve, reject) => {
    if (ready()) return resolve();
    const guard = setTimeout(() => {
      off();
      reject(new Error(`the demo mirror has no cameras/readings after ${guardMs} ms: ${JSON.stringify(core.link.status())}`));
    }, guardMs);
    const off = core.events.on('mirror.changed', () => {
      if (!ready()) return;
      clearTimeout(guard);
      off();
      resolve();
    });
  });
}

const CIRCLE_ALERT: LinkAlert = {
  identifier: 'map-test-alert',
  sender: 'district',
  sent: '2025-06-01T08:00:00+08:00',
  status: 'Exercise',
  msgType: 'Alert',
  scope: 'Public',
  info: [
    {
      category: ['Met'],
      event: '暴雨',
      urgency: 'Expected',
      severity: 'Severe',
      certainty: 'Likely',
      headline: '源城区暴雨红色预警',
      area: [
        { areaDesc: '城区5公里', circle: ['23.746,114.697 5'] },
        { areaDesc: '源城区', geocode: [{ valueName: 'division-code', value: '441602000000' }] },
        { areaDesc: '上城街道', geocode: [{ valueName: 'division-code', value: '441602001000' }] },
      ],
    },
  ],
  local: { level: 'red', type: 'rainstorm' },
};

describe('map layers and features over the demo district', () => {
  it('serves every layer from the entities, with counts, colours and bbox filtering', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'wall'); // the wall reads the map too
    await core.link.ready;
    await untilMirrored(core);
    core.link.store.alerts.upsertFromLink(CIRCLE_ALERT.identifier, CIRCLE_ALERT, new Date().toISOString());
    core.alerts.sync(); // the alert layer draws the desk's open alerts

    const features = async (layer: string, bbox?: number[]) =>
      valueOf<MapFeatureCollection>(await core.invoke(ctx, 'map.features', bbox ? { layer, bbox } : { layer }));

    const cameras = valueOf<Camera[]>(await core.invoke(ctx, 'cameras.list', {}));
    const camFeatures = await features('cameras');
    expect(camFeatures.type).toBe('FeatureCollection');
    expect(camFeatures.features.map((f) => f.properties['id']).sort()).toEqual(cameras.map((c) => c.id).sort());
    for (const c of cameras) {
      const f = camFeatures.features.find((x) => x.id === `camera:${c.id}`)!;
      expect(f.geometry).toEqual({ type: 'Point', coordinates: [c.lon, c.lat] });
      expect(f.properties).toMatchObject({ fid: f.id, online: c.online, ptz: c.ptz, status: c.online ? (c.ptz ? 'ptz' : 'fixed') : 'offline' });
    }

    const sensors = valueOf<Sensor[]>(await core.invoke(ctx, 'sensors.list', {}));
    const latest = new Map(valueOf<ReadingPoint[]>(await core.invoke(ctx, 'readings.latest', {})).map((r) => [r.sensorId, r.value]));
    const sensorFeatures = await features('sensors');
    expect(sensorFeatures.features).toHaveLength(sensors.length);
    for (const s of sensors) {
      const f = sensorFeatures.features.find((x) => x.properties['id'] === s.id)!;
      expect(f.properties['status'], s.id).toBe(sensorStatus(latest.get(s.id), s.thresholds));
    }
    expect(sensorFeatures.features.some((f) => f.properties['status'] !== 'no-data')).toBe(true);

    const stations = valueOf<Station[]>(await core.invoke(ctx, 'stations.list', {}));
    const stationFeatures = await features('stations');
    expect(stationFeatures.features).toHaveLength(stations.filter((s) => s.level !== 'district').length);
    expect(stationFeatures.features.filter((f) => f.properties['online'] === false).length).toBe(stations.filter((s) => s.level !== 'district' && !s.online).length);
    expect((await features('places')).features).toHaveLength(stations.length);

    const alertFeatures = await features('alerts');
    const mine = alertFeatures.features.filter((f) => f.properties['alertId'] === CIRCLE_ALERT.identifier);
    expect(mine.map((f) => [f.properties['areaKind'], f.geometry.type])).toEqual([
      ['circle', 'Polygon'],
      ['geocode', 'MultiPolygon'],
      ['geocode', 'Point'],
    ]);
    expect(mine[0]!.properties).toMatchObject({ level: 'red', status: 'red', radiusKm: 5, headline: '源城区暴雨红色预警' });
    const town = stations.find((s) => s.code === '441602001000')!;
    expect(mine[2]!.geometry).toEqual({ type: 'Point', coordinates: [town.lon, town.lat] });

    // bbox: a small box around one camera holds it and only features inside the box.
    const cam = cameras[0]!;
    const box = [cam.lon - 0.001, cam.lat - 0.001, cam.lon + 0.001, cam.lat + 0.001];
    const boxed = await features('cameras', box);
    expect(boxed.features.map((f) => f.id)).toContain(`camera:${cam.id}`);
    expect(boxed.features.length).toBeLessThan(cameras.length);
    for (const f of boxed.features) {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      expect(lon >= box[0]! && lon <= box[2]! && lat >= box[1]! && lat <= box[3]!).toBe(true);
    }
    expect((await features('cameras', [10, 10, 11, 11])).features).toEqual([]);
    expect(await core.invoke(ctx, 'map.features', { layer: 'cameras', bbox: [115, 23, 114, 24] })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await core.invoke(ctx, 'map.features', { layer: 'roads' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect((await features('shelters')).features).toEqual([]);

    const layers = valueOf<MapLayerInfo[]>(await core.invoke(ctx, 'map.layers.list', {}));
    const byId = new Map(layers.map((l) => [l.id, l]));
    expect(byId.get('cameras')).toMatchObject({ name: '视频监控', available: true, count: cameras.length, cluster: true });
    expect(byId.get('sensors')!.count).toBe(sensors.length);
    expect(byId.get('alerts')!.count).toBe(alertFeatures.features.length);
    expect(byId.get('sensors')!.legend.map((l) => l.value)).toEqual(['danger', 'warn', 'normal', 'no-data']);
    expect(byId.get('shelters')).toMatchObject({ available: false, count: 0 });
    // The incidents domain fills these two (tests/unit/map-incidents.test.ts): none in progress yet.
    expect(byId.get('incidents')).toMatchObject({ available: true, count: 0 });
    expect(byId.get('evacuation-zones')).toMatchObject({ available: true, count: 0 });
    expect(byId.get('district-boundary')).toMatchObject({ base: true, count: 1 });
    await core.closeAsync();
  });

  it('serves the district boundary converted from the source’s GCJ-02 to WGS-84', async () => {
    const { core } = await startCore({ demo: true, startDemoDistrict: null });
    const { ctx } = await signInAs(core, 'operator');
    const boundary = valueOf<MapFeatureCollection>(await core.invoke(ctx, 'map.features', { layer: 'district-boundary' })).features;
    expect(boundary).toHaveLength(1);
    const geometry = boundary[0]!.geometry;
    expect(geometry.type).toBe('MultiPolygon');
    if (geometry.type !== 'MultiPolygon') return;
    const raw = districtBoundary()[0]![0]![0]!;
    const served = geometry.coordinates[0]![0]![0]!;
    const expected = gcj02ToWgs84(raw[0], raw[1]);
    expect(served[0]).toBeCloseTo(expected[0], 9);
    expect(served[1]).toBeCloseTo(expected[1], 9);
    // The shift is real (hundreds of metres), so an unconverted boundary fails here.
    expect(Math.hypot(served[0] - raw[0], served[1] - raw[1])).toBeGreaterThan(0.003);
    expect(geometry.coordinates[0]![0]!.length).toBe(districtBoundary()[0]![0]!.length);
  });
});

describe('named map views', () => {
  interface AuditRow {
    actor: string | null;
    method: string;
    outcome: string;
    summary: string;
  }
  const audit = (core: Core, method: string) =>
    core.db.prepare('SELECT actor, method, outcome, summary FROM audit WHERE method = ? ORDER BY id').all(method) as AuditRow[];

  it('lists the district and each town, saves, replaces and deletes custom views with audit rows', async () => {
    const { core } = await startCore({ demo: true, startDemoDistrict: null });
    const operator = (await signInAs(core, 'operator')).ctx;
    const wall = (await signInAs(core, 'wall')).ctx;

    const builtIn = valueOf<MapView[]>(await core.invoke(wall, 'map.views.list', {}));
    const towns = valueOf<Station[]>(await core.invoke(wall, 'stations.list', { level: 'town' }));
    expect(builtIn.map((v) => v.id)).toEqual(['district', ...towns.map((t) => `town-${t.code}`)]);
    expect(builtIn.every((v) => v.builtIn && v.bounds)).toBe(true);
    const district = builtIn[0]!;
    expect(district).toMatchObject({ kind: 'district', name: '源城区全境' });
    // The district view's bounds hold every town seat.
    for (const t of towns) {
      expect(t.lon).toBeGreaterThanOrEqual(district.bounds![0]);
      expect(t.lon).toBeLessThanOrEqual(district.bounds![2]);
      expect(t.lat).toBeGreaterThanOrEqual(district.bounds![1]);
      expect(t.lat).toBeLessThanOrEqual(district.bounds![3]);
    }

    const announced = nextEvent(core.events, 'map.views.changed');
    const saved = valueOf<MapView>(await core.invoke(operator, 'map.views.save', { name: '东江河段', center: [114.7, 23.74], zoom: 14, bearing: 30 }));
    // Every screen hears of the change (another operator's list updates without a refresh).
    expect((await announced).views.map((v) => v.id)).toEqual([...builtIn.map((v) => v.id), saved.id]);
    expect(saved).toMatchObject({ name: '东江河段', kind: 'custom', builtIn: false, center: [114.7, 23.74], zoom: 14, bearing: 30, pitch: 0, createdBy: 'operator' });
    const again = valueOf<MapView>(await core.invoke(operator, 'map.views.save', { name: '东江河段', center: [114.71, 23.75], zoom: 15 }));
    expect(again.id).toBe(saved.id);
    let list = valueOf<MapView[]>(await core.invoke(wall, 'map.views.list', {}));
    expect(list.filter((v) => !v.builtIn)).toEqual([again]);
    expect(again).toMatchObject({ center: [114.71, 23.75], zoom: 15, bearing: 0 });

    expect(await core.invoke(wall, 'map.views.save', { name: '墙', center: [114.7, 23.74], zoom: 12 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await core.invoke(operator, 'map.views.save', { name: '源城区全境', center: [114.7, 23.74], zoom: 12 })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await core.invoke(operator, 'map.views.save', { name: 'x', center: [200, 23.74], zoom: 12 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await core.invoke(operator, 'map.views.delete', { id: 'district' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await core.invoke(wall, 'map.views.delete', { id: saved.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const deletedEvent = nextEvent(core.events, 'map.views.changed');
    expect(valueOf(await core.invoke(operator, 'map.views.delete', { id: saved.id }))).toBeNull();
    expect((await deletedEvent).views.some((v) => v.id === saved.id)).toBe(false);
    // Deleting it again is a no-op that still succeeds (two operators deleting at once).
    expect(valueOf(await core.invoke(operator, 'map.views.delete', { id: saved.id }))).toBeNull();
    list = valueOf<MapView[]>(await core.invoke(wall, 'map.views.list', {}));
    expect(list.some((v) => v.id === saved.id)).toBe(false);
    expect(list).toHaveLength(builtIn.length);

    expect(audit(core, 'map.views.save').map((r) => [r.actor, r.outcome])).toEqual([
      ['operator', 'ok'],
      ['operator', 'ok'],
      ['wall', 'denied'],
      ['operator', 'failed'],
    ]);
    expect(audit(core, 'map.views.save')[0]!.summary).toContain('东江河段');
    expect(audit(core, 'map.views.delete').map((r) => [r.actor, r.outcome])).toEqual([
      ['operator', 'failed'],
      ['wall', 'denied'],
      ['operator', 'ok'],
      ['operator', 'ok'],
    ]);
  });

  it('0070 map-views: a STRICT table with unique names and checked ranges', () => {
    const db = new Database(':memory:');
    expect(migrate(db, MIGRATIONS)).toBe(110);
    expect((db.prepare(`SELECT strict FROM pragma_table_list WHERE name = 'map_views'`).get() as { strict: number }).strict).toBe(1);
    const repo = new MapViewsRepo(db);
    const now = new Date('2025-06-01T00:00:00Z');
    const a = repo.save({ name: 'A', center: [114.7, 23.74], zoom: 12 }, 'operator', now);
    expect(repo.save({ name: 'A', center: [114.8, 23.8], zoom: 13, pitch: 40 }, 'admin', now)).toMatchObject({ id: a.id, zoom: 13, pitch: 40, createdBy: 'admin' });
    expect(repo.list()).toHaveLength(1);
    const insert = db.prepare(`INSERT INTO map_views (id, name, center_lon, center_lat, zoom, created_at) VALUES (?, ?, ?, ?, ?, '2025')`);
    expect(() => insert.run('x'.repeat(36), 'B', 114.7, 95, 12)).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('y'.repeat(36), 'C', 114.7, 23.7, 30)).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('short', 'D', 114.7, 23.7, 12)).toThrow(/CHECK constraint failed/);
    expect(repo.delete(a.id)).toBe(true);
    expect(repo.delete(a.id)).toBe(false);
    db.close();
  });
});

describe('basemaps', () => {
  it('lists the offline basemap first (the default), then the configured ones in order', async () => {
    const config = parseConfig({
      demo: true,
      map: {
        basemaps: [
          { id: 'tianditu', name: '天地图影像', kind: 'xyz', url: 'https://t0.example.cn/img_w/wmts?tk=KEY&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}', attribution: '天地图' },
          { id: 'hall-pmtiles', name: '大厅离线瓦片', kind: 'pmtiles', url: '/data/yuancheng.pmtiles', datum: 'GCJ-02' },
        ],
      },
    });
    const { core } = await startCore({ config, startDemoDistrict: null });
    const { ctx } = await signInAs(core, 'wall');
    const basemaps = valueOf<Basemap[]>(await core.invoke(ctx, 'map.basemaps.list', {}));
    expect(basemaps.map((b) => [b.id, b.kind, b.datum])).toEqual([
      ['offline', 'offline', 'WGS-84'],
      ['tianditu', 'xyz', 'WGS-84'],
      ['hall-pmtiles', 'pmtiles', 'GCJ-02'],
    ]);
    expect(basemaps[0]).toMatchObject({ default: true });
    expect(basemaps[0]!.url).toBeUndefined();
    expect(basemaps.filter((b) => b.default)).toHaveLength(1);
    expect(basemaps[1]).toMatchObject({ attribution: '天地图' });
    expect(basemaps[1]!.url).toContain('TILEMATRIX={z}');
    // A local archive is served by the console by id: the renderer never sees the path on disk.
    expect(basemaps[2]!.url).toBe('/basemaps/hall-pmtiles.pmtiles');
  });

  it.each([
    [{ basemaps: [{ id: 'a', name: 'A', kind: 'xyz', url: 'https://tiles.example/{z}/{x}.png' }] }, 'map.basemaps.0.url', '{z}, {x} and {y}'],
    [{ basemaps: [{ id: 'a', name: 'A', kind: 'style', url: 'ftp://x/style.json' }] }, 'map.basemaps.0.url', 'http(s) URL'],
    [{ basemaps: [{ id: 'a', name: 'A', kind: 'wms', url: 'https://x' }] }, 'map.basemaps.0.kind', ''],
    [{ basemaps: [{ id: 'offline', name: 'A', kind: 'style', url: 'https://x/s.json' }] }, 'map.basemaps.0.id', 'built-in'],
    [{ basemaps: [{ id: 'a', name: 'A', kind: 'style', url: 'https://x/s.json', datum: 'BD-09' }] }, 'map.basemaps.0.datum', ''],
    [{ basemaps: [{ id: 'a', name: 'A', kind: 'style', url: 'https://x/s.json', token: 'k' }] }, 'map.basemaps.0.token', 'unknown key'],
    [
      {
        basemaps: [
          { id: 'a', name: 'A', kind: 'style', url: 'https://x/s.json' },
          { id: 'a', name: 'B', kind: 'style', url: 'https://y/s.json' },
        ],
      },
      'map.basemaps',
      'unique',
    ],
  ])('rejects %j naming the key', (map, key, problem) => {
    let caught: unknown;
    try {
      parseConfig({ map }, 'hall.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.path)).toContain(key);
    expect(problems.find((p) => p.path === key)!.problem).toContain(problem);
  });
});

describe('the offline style', () => {
  const text = fs.readFileSync(resourcePath('map', 'offline-style.json'), 'utf8');
  const style = JSON.parse(text) as { glyphs?: string; sprite?: string; sources: Record<string, { type: string }>; layers: { id: string; paint?: Record<string, unknown> }[] };

  it('is a valid MapLibre style with no URL at all (no tiles, sprite or glyphs)', () => {
    expect(validateStyleMin(style as never)).toEqual([]);
    expect(text).not.toMatch(/[a-z]+:\/\//i);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(Object.keys(style.sources).sort()).toEqual(['district-boundary', 'places']);
    expect(Object.values(style.sources).every((s) => s.type === 'geojson')).toBe(true);
  });

  it('uses the basemap colours of shared/map/colors.ts', () => {
    const paint = (id: string) => style.layers.find((l) => l.id === id)!.paint!;
    expect(paint('background')['background-color']).toBe(BASEMAP_COLORS.background);
    expect(paint('district-fill')['fill-color']).toBe(BASEMAP_COLORS.districtFill);
    expect(paint('district-outline')['line-color']).toBe(BASEMAP_COLORS.districtOutline);
    expect(paint('place-town-label')['text-color']).toBe(BASEMAP_COLORS.label);
  });
});
