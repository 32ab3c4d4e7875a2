/**
 * The map's incidents and evacuation-zones layers in a real core (demo district, a clock the test
 * holds): an incident in progress is a point at its place coloured by its level, each village
 * record of its evacuation a point at the village coloured by its zone status; both layers are
 * listed as available with their counts, and a closed incident leaves both.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/api/context';
import { parseConfig } from '../../electron/core/config/config';
import { incidentPoint } from '../../electron/core/map/layers';
import { incidentPartsMove } from '../../renderer/src/map/useMapData';
import type { Incident, MapFeatureCollection, MapLayerInfo, Station } from '../../shared/contract';
import { signInAs, startCore, valueOf } from '../fixtures/core-helpers';

const T0 = Date.parse('2026-06-10T08:00:00+08:00');
const SHANGCHENG = '441602001000';
const YUANNAN = '441602100000';

async function hall() {
  const { core } = await startCore({ demo: true, startDemoDistrict: null, now: () => new Date(T0), config: parseConfig({ demo: true, simulator: { devices: false } }) });
  const operator = (await signInAs(core, 'operator')).ctx;
  const commander = (await signInAs(core, 'commander')).ctx;
  const wall = (await signInAs(core, 'wall')).ctx; // the wall draws the map too
  const call = async <T,>(ctx: CallContext, m: string, p: unknown) => valueOf<T>(await core.invoke(ctx, m, p));
  const villages = (town: string) => core.db.prepare(`SELECT code, name, lat, lon FROM stations WHERE level = 'village' AND parent_code = ? ORDER BY code`).all(town) as Pick<Station, 'code' | 'name' | 'lat' | 'lon'>[];
  const features = (layer: string) => call<MapFeatureCollection>(wall, 'map.features', { layer }).then((fc) => fc.features);
  const layers = async () => new Map((await call<MapLayerInfo[]>(wall, 'map.layers.list', {})).map((l) => [l.id, l]));
  return { core, operator, commander, call, villages, features, layers };
}

describe('incidents and evacuation zones on the map', () => {
  it('draws an incident at its place by level and its villages by zone status, listed with counts', async () => {
    const { operator, commander, call, villages, features, layers } = await hall();
    // Nothing in progress: both layers are real (not slots) and empty.
    const empty = await layers();
    expect(empty.get('incidents')).toMatchObject({ available: true, count: 0, kind: 'point' });
    expect(empty.get('evacuation-zones')).toMatchObject({ available: true, count: 0, kind: 'point' });

    const flood = await call<Incident>(operator, 'incidents.create', { title: '上城街道内涝', type: 'flood', level: 'III', place: { stationCode: SHANGCHENG } });
    const fire = await call<Incident>(operator, 'incidents.create', { title: '山火', type: 'forest-fire', place: { point: { lat: 23.71, lon: 114.66 } } });
    const [a1, a2] = villages(SHANGCHENG);
    const [b1] = villages(YUANNAN);
    const save = (incidentId: string, stationCode: string, toMove: number, moved: number, status: string, shelter = '') =>
      call(operator, 'incidents.evacuation.save', { incidentId, stationCode, toMove, moved, shelter, status });
    await save(flood.id, a1!.code, 120, 30, 'evacuate', '上城小学');
    await save(flood.id, a2!.code, 40, 0, 'prepare');
    await save(fire.id, b1!.code, 15, 15, 'shelter-in-place');

    const zones = await features('evacuation-zones');
    expect(zones.map((f) => [f.properties['stationCode'], f.properties['status']]).sort()).toEqual(
      [
        [a1!.code, 'evacuate'],
        [a2!.code, 'prepare'],
        [b1!.code, 'shelter-in-place'],
      ].sort(),
    );
    const first = zones.find((f) => f.properties['stationCode'] === a1!.code)!;
    expect(first.geometry).toEqual({ type: 'Point', coordinates: [a1!.lon, a1!.lat] });
    expect(first.properties).toMatchObject({ layer: 'evacuation-zones', name: a1!.name, incidentId: flood.id, incidentTitle: '上城街道内涝', toMove: 120, moved: 30, shelter: '上城小学', townCode: SHANGCHENG });
    expect(first.properties['fid']).toBe(first.id);
    expect(new Set(zones.map((f) => f.id)).size).toBe(3);

    const incidents = await features('incidents');
    const byId = new Map(incidents.map((f) => [f.properties['incidentId'], f]));
    expect(byId.get(flood.id)?.properties).toMatchObject({ layer: 'incidents', status: 'III', level: 'III', title: '上城街道内涝', incidentStatus: 'active', stationCode: SHANGCHENG });
    expect(byId.get(fire.id)?.properties).toMatchObject({ status: 'none', level: null, title: '山火' });
    expect(byId.get(fire.id)?.geometry).toEqual({ type: 'Point', coordinates: [114.66, 23.71] });

    const listed = await layers();
    expect(listed.get('incidents')).toMatchObject({ available: true, count: 2 });
    expect(listed.get('evacuation-zones')).toMatchObject({ available: true, count: 3 });
    // The legends carry the values the features colour by.
    expect(listed.get('incidents')!.legend.map((l) => l.value)).toEqual(['I', 'II', 'III', 'IV', 'none']);
    expect(listed.get('evacuation-zones')!.legend.map((l) => l.value).sort()).toEqual(['drill', 'evacuate', 'lifted', 'prepare', 'shelter-in-place', 'watch']);
    expect(listed.get('evacuation-zones')!.legend.find((l) => l.value === 'evacuate')!.color).toBe('#ff3b48');

    // A zone status change shows at once; a closing incident stays, a closed one leaves both layers.
    await save(flood.id, a2!.code, 40, 40, 'lifted');
    expect((await features('evacuation-zones')).find((f) => f.properties['stationCode'] === a2!.code)?.properties['status']).toBe('lifted');
    await call(commander, 'incidents.close', { id: flood.id, note: '水位回落，进入收尾', final: false });
    expect((await features('incidents')).find((f) => f.properties['incidentId'] === flood.id)?.properties['incidentStatus']).toBe('closing');
    await call(commander, 'incidents.close', { id: flood.id, note: '处置完毕', final: true });
    expect((await features('incidents')).map((f) => f.properties['incidentId'])).toEqual([fire.id]);
    expect((await features('evacuation-zones')).map((f) => f.properties['stationCode'])).toEqual([b1!.code]);
    expect((await layers()).get('evacuation-zones')).toMatchObject({ count: 1 });
  });
});

describe('where an incident is drawn', () => {
  const place = (p: Partial<Incident['place']>): Incident => ({ place: { stationCode: null, point: null, area: null, description: '', ...p } }) as Incident;
  const at = (code: string): [number, number] | undefined => (code === SHANGCHENG ? [114.7, 23.74] : undefined);

  it('prefers the station, then the point, then the centre of its circle or polygon', () => {
    expect(incidentPoint(place({ stationCode: SHANGCHENG, point: { lat: 1, lon: 2 } }), at)).toEqual([114.7, 23.74]);
    expect(incidentPoint(place({ stationCode: '441602999999', point: { lat: 23.7, lon: 114.6 } }), at)).toEqual([114.6, 23.7]);
    expect(incidentPoint(place({ area: { areaDesc: '圆', circle: ['23.75,114.70 3'] } }), at)).toEqual([114.7, 23.75]);
    const square = incidentPoint(place({ area: { areaDesc: '方', polygon: ['23.0,114.0 23.0,115.0 24.0,115.0 24.0,114.0 23.0,114.0'] } }), at);
    expect(square).toEqual([114.5, 23.5]);
    expect(incidentPoint(place({ description: '某处' }), at)).toBeUndefined();
  });
});

describe('which incidents.changed parts refetch the map layers', () => {
  it('the log, tasks and losses move neither; evacuation moves the zones, a level the incidents; unknown or none both', () => {
    for (const parts of [['timeline'], ['tasks', 'timeline'], ['losses'], ['checklist', 'proposals']]) {
      expect([incidentPartsMove('incidents', parts), incidentPartsMove('evacuation-zones', parts)], parts.join()).toEqual([false, false]);
    }
    expect([incidentPartsMove('incidents', ['evacuation', 'timeline']), incidentPartsMove('evacuation-zones', ['evacuation', 'timeline'])]).toEqual([false, true]);
    expect([incidentPartsMove('incidents', ['level', 'checklist']), incidentPartsMove('evacuation-zones', ['level', 'checklist'])]).toEqual([true, false]);
    // Created, renamed, moved or closed: both (a closed incident's zones leave the map).
    expect([incidentPartsMove('incidents', ['incident', 'proposals']), incidentPartsMove('evacuation-zones', ['incident', 'proposals'])]).toEqual([true, true]);
    expect([incidentPartsMove('incidents', []), incidentPartsMove('evacuation-zones', ['something-new'])]).toEqual([true, true]);
  });
});
