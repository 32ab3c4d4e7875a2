/**
 * Monitoring sites of the demo platform: water-level stations on 东江 and 新丰江, reservoirs,
 * and the plan's 24 hazardous-chemical enterprises (2020 table: 液氨 92 m³×2; 汽油 30 m³×56 +
 * 20 m³×2; 柴油 20×1 + 30×28 + 40×1 + 50×5 — one ammonia user and filling stations/depots).
 *
 * Levels are in metres above the Pearl River datum (珠基). The numbers are plausible demo
 * values of the right size — 东江 at 河源 runs near 30 m with a 警戒水位 around 34 m — not
 * official figures; the console must never treat the simulator as a source of truth.
 */
import { districtBoundary } from '../../stations/places-seed';
import { pointInMultiPolygon } from '../../../../shared/places';
import type { LinkStation } from '../../../../shared/district-link/protocol';
import { Rng, offsetMeters } from './util';

export type StormKind = 'dragon-boat' | 'typhoon';
export const STORM_KINDS: readonly StormKind[] = ['dragon-boat', 'typhoon'];

/** Per storm kind: rain factor for gauges and waterlogging, peak rise for levels, cooling for fire. */
export type StormResponse = Record<StormKind, number>;

export interface HydroSite {
  type: 'river' | 'reservoir';
  name: string;
  stationCode: string;
  lat: number;
  lon: number;
  /** Normal level. */
  base: number;
  /** River: 警戒水位; reservoir: 汛限水位. */
  warn: number;
  /** River: 保证水位; reservoir: 设计洪水位. */
  danger: number;
  /** Daily swing: 新丰江 below its dam follows the hydropower schedule. */
  diurnal: number;
  storm: StormResponse;
}

export function hydroSites(): HydroSite[] {
  return [
    // 东江 enters from the north-east, takes 新丰江 at the city centre and leaves past 埔前镇.
    { type: 'river', name: '东江河源水文站', stationCode: '441602001000', lat: 23.7335, lon: 114.6985, base: 30.2, warn: 34.0, danger: 36.5, diurnal: 0.12, storm: { 'dragon-boat': 4.4, typhoon: 6.6 } },
    { type: 'river', name: '东江东埔段水位站', stationCode: '441602003000', lat: 23.7405, lon: 114.7215, base: 30.6, warn: 34.5, danger: 37.0, diurnal: 0.1, storm: { 'dragon-boat': 4.3, typhoon: 6.5 } },
    { type: 'river', name: '东江埔前段水位站', stationCode: '441602101000', lat: 23.6395, lon: 114.6235, base: 27.4, warn: 31.0, danger: 33.5, diurnal: 0.1, storm: { 'dragon-boat': 4.0, typhoon: 6.1 } },
    { type: 'river', name: '新丰江源西段水位站', stationCode: '441602004000', lat: 23.7455, lon: 114.6745, base: 30.6, warn: 34.2, danger: 36.6, diurnal: 0.35, storm: { 'dragon-boat': 3.9, typhoon: 6.0 } },
    { type: 'river', name: '新丰江新江段水位站', stationCode: '441602002000', lat: 23.7505, lon: 114.6885, base: 30.4, warn: 34.1, danger: 36.5, diurnal: 0.3, storm: { 'dragon-boat': 4.0, typhoon: 6.2 } },
    // Reservoirs sit just under their 汛限水位 in the flood season and rise over it in a storm.
    { type: 'reservoir', name: '七礤水库', stationCode: '441602100000', lat: 23.6985, lon: 114.6555, base: 88.0, warn: 88.6, danger: 90.1, diurnal: 0, storm: { 'dragon-boat': 1.3, typhoon: 2.4 } },
    { type: 'reservoir', name: '演示水库02（小(1)型）', stationCode: '441602101000', lat: 23.6205, lon: 114.5985, base: 61.1, warn: 61.6, danger: 62.9, diurnal: 0, storm: { 'dragon-boat': 1.1, typhoon: 2.0 } },
    { type: 'reservoir', name: '演示水库03（小(2)型）', stationCode: '441602100000', lat: 23.6755, lon: 114.7005, base: 74.3, warn: 74.8, danger: 75.9, diurnal: 0, storm: { 'dragon-boat': 0.9, typhoon: 1.7 } },
    { type: 'reservoir', name: '演示水库04（小(2)型）', stationCode: '441602005000', lat: 23.7905, lon: 114.7205, base: 66.5, warn: 67.0, danger: 68.2, diurnal: 0, storm: { 'dragon-boat': 0.9, typhoon: 1.6 } },
  ];
}

export interface HazmatSite {
  name: string;
  chemicals: string[];
  stationCode: string;
  lat: number;
  lon: number;
}

// Where the 24 enterprises are: filling stations follow the roads of the city streets and towns.
const HAZMAT_TOWNS = [
  '441602001000', '441602002000', '441602003000', '441602004000', '441602005000', '441602006000', '441602100000', '441602101000',
];

export function hazmatSites(rng: Rng, stations: LinkStation[]): HazmatSite[] {
  const byCode = new Map(stations.map((s) => [s.code, s]));
  const boundary = districtBoundary();
  const sites: HazmatSite[] = [];
  for (let i = 1; i <= 24; i++) {
    // One ammonia user (the two 92 m³ tanks), two diesel-only depots, the rest filling stations.
    const chemicals = i === 7 ? ['液氨'] : i === 12 || i === 19 ? ['柴油'] : ['汽油', '柴油'];
    const town = byCode.get(HAZMAT_TOWNS[i % HAZMAT_TOWNS.length]!)!;
    // Division codes 100+ at positions 7–9 are 镇 (rural, spread out); below are city streets.
    const spread = town.code.slice(6, 9) >= '100' ? 4000 : 1800;
    let at = { lat: town.lat, lon: town.lon };
    for (let attempt = 0; attempt < 50; attempt++) {
      const r = rng.between(300, spread);
      const theta = rng.between(0, 2 * Math.PI);
      const p = offsetMeters(town.lat, town.lon, r * Math.cos(theta), r * Math.sin(theta));
      if (pointInMultiPolygon(p.lon, p.lat, boundary)) {
        at = p;
        break;
      }
    }
    sites.push({ name: `演示危化企业${String(i).padStart(2, '0')}（${chemicals.join('、')}）`, chemicals, stationCode: town.code, ...at });
  }
  return sites;
}
