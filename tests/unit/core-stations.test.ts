/**
 * Guards the district's places: the reference district and towns with the official codes of the
 * reference data, the 68 demo villages (labelled demo, codes under their town, inside the real
 * boundary, deterministic), no demo villages outside demo mode, the repository's filters
 * (a `%` or `_` in a search is literal), stations.get, and the demo simulator's events.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../electron/core/db/database';
import { EventBus } from '../../electron/core/events/bus';
import { startDemoStations } from '../../electron/core/sim/demo-stations';
import { demoVillages, referencePlaces } from '../../electron/core/stations/places-seed';
import { StationsRepo } from '../../electron/core/stations/stations-repo';
import type { Station } from '../../shared/contract';
import { PLAN_VILLAGE_COUNT, pointInMultiPolygon, TOWN_SEATS, type PolygonCoords } from '../../shared/places';
import { nextEvent, REFERENCE_DATA, signIn, signInAs, startCore, tempDir, valueOf } from '../fixtures/core-helpers';

interface Divisions {
  district: { code: string; name: string };
  towns: { code: string; name: string; kind: string }[];
  villages: { count_in_plan: number };
}

const divisions = JSON.parse(fs.readFileSync(path.join(REFERENCE_DATA, 'admin-divisions.json'), 'utf8')) as Divisions;

/** The boundary read straight from the reference data, not through the code under test. */
const boundary: PolygonCoords[] = (() => {
  const geojson = JSON.parse(fs.readFileSync(path.join(REFERENCE_DATA, 'yuancheng-441602.geojson'), 'utf8')) as {
    features: { properties: { adcode: number }; geometry: { type: string; coordinates: unknown } }[];
  };
  const feature = geojson.features.find((f) => f.properties.adcode === 441602)!;
  return (feature.geometry.type === 'MultiPolygon' ? feature.geometry.coordinates : [feature.geometry.coordinates]) as PolygonCoords[];
})();

const inside = (s: { lat: number; lon: number }) => pointInMultiPolygon(s.lon, s.lat, boundary);

function repoWith(stations: Station[]): StationsRepo {
  const { db } = openStore(':memory:');
  const repo = new StationsRepo(db);
  repo.upsertMany(stations);
  return repo;
}

describe('reference places', () => {
  it('ship the reference data unchanged in resources/places', () => {
    for (const file of ['admin-divisions.json', 'yuancheng-441602.geojson']) {
      const shipped = fs.readFileSync(fileURLToPath(new URL(`../../resources/places/${file}`, import.meta.url)));
      expect(shipped.equals(fs.readFileSync(path.join(REFERENCE_DATA, file))), file).toBe(true);
    }
  });

  it('are the district and its 8 towns/streets with the official codes and names', () => {
    const places = referencePlaces();
    const district = places.filter((p) => p.level === 'district');
    expect(district).toEqual([expect.objectContaining({ code: divisions.district.code, name: divisions.district.name, demo: false })]);
    expect(district[0]?.parentCode).toBeUndefined();

    const towns = places.filter((p) => p.level === 'town');
    expect(towns).toHaveLength(8);
    expect(towns.map((t) => ({ code: t.code, name: t.name })).sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      divisions.towns.map((t) => ({ code: t.code, name: t.name })).sort((a, b) => a.code.localeCompare(b.code)),
    );
    for (const t of towns) {
      expect(t.parentCode).toBe(divisions.district.code);
      expect(t.code).toMatch(/^441602\d{3}000$/);
      expect(t.demo).toBe(false);
      expect(inside(t), `${t.name} seat inside the boundary`).toBe(true);
    }
    expect(places).toHaveLength(9);
  });

  it('mark the town that is not among the plan’s 7 镇街', () => {
    const marked = divisions.towns.filter((t) => 'note' in t).map((t) => t.code);
    const withNote = referencePlaces().filter((p) => p.note).map((p) => p.code);
    expect(withNote).toEqual(marked);
  });
});

describe('demo villages', () => {
  const villages = demoVillages();
  const townCodes = new Set(divisions.towns.map((t) => t.code));

  it('are exactly the plan’s 68, each labelled demo', () => {
    expect(PLAN_VILLAGE_COUNT).toBe(divisions.villages.count_in_plan);
    expect(villages).toHaveLength(68);
    for (const v of villages) {
      expect(v.level).toBe('village');
      expect(v.demo).toBe(true);
      expect(v.name).toContain('演示');
    }
  });

  it('have unique 12-digit codes under their town’s 9-digit prefix', () => {
    for (const v of villages) {
      expect(v.code).toMatch(/^\d{12}$/);
      expect(townCodes.has(v.parentCode!), `${v.code} parent ${v.parentCode}`).toBe(true);
      expect(v.code.slice(0, 9)).toBe(v.parentCode!.slice(0, 9));
      expect(v.code.slice(9)).not.toBe('000');
    }
    expect(new Set(villages.map((v) => v.code)).size).toBe(68);
  });

  it('follow the per-town counts of the plan', () => {
    for (const town of TOWN_SEATS) {
      expect(villages.filter((v) => v.parentCode === town.code), town.name).toHaveLength(town.demoVillages);
    }
  });

  it('all lie inside the real district boundary', () => {
    const outside = villages.filter((v) => !inside(v)).map((v) => `${v.code} ${v.lat},${v.lon}`);
    expect(outside).toEqual([]);
  });

  it('are the same on every run', () => {
    expect(demoVillages()).toEqual(villages);
  });
});

describe('stations in a real core', () => {
  const shape = (s: Station) => ({ code: s.code, name: s.name, level: s.level, parentCode: s.parentCode, lat: s.lat, lon: s.lon });

  it('demo mode holds the reference places and 68 demo villages, the same in two fresh data dirs', async () => {
    const lists: Station[][] = [];
    for (let i = 0; i < 2; i++) {
      const { core } = await startCore({ demo: true });
      const { ctx } = await signInAs(core, 'operator');
      lists.push(valueOf<Station[]>(await core.invoke(ctx, 'stations.list', {})));
    }
    const [first, second] = lists as [Station[], Station[]];
    expect(first).toHaveLength(1 + 8 + 68);
    const villages = first.filter((s) => s.level === 'village');
    expect(villages).toHaveLength(68);
    expect(villages.every((v) => v.demo)).toBe(true);
    expect(second.map(shape)).toEqual(first.map(shape));
    expect(first.map(shape)).toEqual(expect.arrayContaining(demoVillages().map(shape)));
  });

  it('does not add the demo villages twice when started again on the same data', async () => {
    const dataDir = tempDir();
    const first = await startCore({ demo: true, dataDir });
    first.core.close();
    const { core } = await startCore({ demo: true, dataDir });
    const { ctx } = await signInAs(core, 'operator');
    expect(valueOf<Station[]>(await core.invoke(ctx, 'stations.list', { level: 'village' }))).toHaveLength(68);
  });

  it('outside demo mode holds the district and towns and no demo villages', async () => {
    const { core } = await startCore({ demo: false, adminPassword: 'Admin-pw-1234' });
    const { ctx } = await signIn(core, 'admin', 'Admin-pw-1234');
    const all = valueOf<Station[]>(await core.invoke(ctx, 'stations.list', {}));
    expect(all.map((s) => s.code).sort()).toEqual(referencePlaces().map((s) => s.code).sort());
    expect(all.some((s) => s.demo || s.level === 'village')).toBe(false);
  });

  it('stations.get returns one station, and not_found naming an unknown code', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'commander');
    expect(valueOf<Station>(await core.invoke(ctx, 'stations.get', { code: '441602100000' }))).toMatchObject({
      name: '源南镇',
      level: 'town',
      parentCode: '441602',
    });
    const missing = await core.invoke(ctx, 'stations.get', { code: '441602999999' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(missing.ok ? '' : missing.error.message).toContain('441602999999');
  });
});

describe('StationsRepo.list filters', () => {
  const repo = () => repoWith([...referencePlaces(), ...demoVillages()]);

  it('orders the district first, then towns, then villages, each by code', () => {
    const all = repo().list();
    expect(all[0]?.level).toBe('district');
    const levels = all.map((s) => s.level);
    expect(levels.lastIndexOf('town')).toBeLessThan(levels.indexOf('village'));
    const villageCodes = all.filter((s) => s.level === 'village').map((s) => s.code);
    expect(villageCodes).toEqual([...villageCodes].sort());
  });

  it('filters by level and by parent code, and both together', () => {
    const r = repo();
    expect(r.list({ level: 'town' })).toHaveLength(8);
    expect(r.list({ level: 'district' }).map((s) => s.code)).toEqual(['441602']);
    const underYuannan = r.list({ parentCode: '441602100000' });
    expect(underYuannan).toHaveLength(12);
    expect(underYuannan.every((s) => s.parentCode === '441602100000')).toBe(true);
    expect(r.list({ level: 'town', parentCode: '441602100000' })).toEqual([]);
    expect(r.list({ parentCode: '441602' })).toHaveLength(8);
  });

  it('searches names and codes with q', () => {
    const r = repo();
    const byName = r.list({ q: '源南' });
    expect(byName).toHaveLength(13);
    expect(byName[0]?.name).toBe('源南镇');
    expect(byName.every((s) => s.name.includes('源南'))).toBe(true);
    const byCode = r.list({ q: '441602101' });
    expect(byCode).toHaveLength(13);
    expect(byCode[0]?.code).toBe('441602101000');
    expect(byCode.every((s) => s.code.startsWith('441602101'))).toBe(true);
    // The middle of a code matches too (a substring search, not a prefix one).
    expect(r.list({ q: '1602100000' }).map((s) => s.code)).toEqual(['441602100000']);
    expect(r.list({ q: '  新江街道 ' }).map((s) => s.code)).toEqual(['441602002000']);
    expect(r.list({ q: '不存在的地方' })).toEqual([]);
    expect(r.list({ q: '   ' })).toHaveLength(9 + 68);
  });

  it('treats % and _ (and \\) in q as literal characters, not wildcards', () => {
    const r = repoWith([
      ...referencePlaces(),
      { code: '441602100901', name: '百分%村', level: 'village', parentCode: '441602100000', lat: 23.69, lon: 114.68, online: true, demo: true },
      { code: '441602100902', name: '下划_村', level: 'village', parentCode: '441602100000', lat: 23.69, lon: 114.68, online: true, demo: true },
    ]);
    expect(r.list({ q: '%' }).map((s) => s.name)).toEqual(['百分%村']);
    expect(r.list({ q: '_' }).map((s) => s.name)).toEqual(['下划_村']);
    expect(r.list({ q: '%村' }).map((s) => s.name)).toEqual(['百分%村']);
    expect(r.list({ q: '\\' })).toEqual([]);
    expect(r.list({ q: `' OR 1=1 --` })).toEqual([]);
  });

  it('keeps a station’s online state when the reference places are refreshed at start', () => {
    const r = repo();
    r.setOnline('441602001000', false);
    r.upsertMany(referencePlaces());
    expect(r.get('441602001000')?.online).toBe(false);
    expect(r.count()).toBe(9 + 68);
  });
});

describe('the demo stations simulator', () => {
  it('flips a demo village’s link, stores it and emits stations.changed', async () => {
    const repo = repoWith([...referencePlaces(), ...demoVillages()]);
    const before = new Map(repo.list().map((s) => [s.code, s.online]));
    const events = new EventBus();
    const at = new Date('2025-07-01T00:00:00.000Z');
    const changed = nextEvent(events, 'stations.changed');
    const stop = startDemoStations(repo, events, () => at, 5);
    try {
      const { stations } = await changed;
      expect(stations).toHaveLength(1);
      const [station] = stations as [Station];
      expect(station.level).toBe('village');
      expect(station.demo).toBe(true);
      expect(station.online).toBe(!before.get(station.code));
      expect(repo.get(station.code)?.online).toBe(station.online);
    } finally {
      stop();
    }
  });
});
