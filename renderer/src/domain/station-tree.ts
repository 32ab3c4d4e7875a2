/**
 * The district's places as a tree (源城区 → towns/streets → villages) and the search over it.
 * Pure functions over the contract's Station list, so the views stay thin and tests are direct.
 */
import type { Station } from '../../../shared/contract';

export interface TownBranch {
  town: Station;
  villages: Station[];
}

export interface StationTree {
  district: Station | null;
  towns: TownBranch[];
  /** Villages whose town is not in the list (should not happen; shown rather than hidden). */
  orphans: Station[];
}

const byCode = (a: Station, b: Station): number => a.code.localeCompare(b.code);

export function buildStationTree(stations: readonly Station[]): StationTree {
  const district = stations.find((s) => s.level === 'district') ?? null;
  const towns = stations.filter((s) => s.level === 'town').sort(byCode);
  const branches = new Map<string, TownBranch>(towns.map((town) => [town.code, { town, villages: [] }]));
  const orphans: Station[] = [];
  for (const village of stations.filter((s) => s.level === 'village').sort(byCode)) {
    const branch = village.parentCode ? branches.get(village.parentCode) : undefined;
    if (branch) branch.villages.push(village);
    else orphans.push(village);
  }
  return { district, towns: [...branches.values()], orphans };
}

export function normalizeQuery(query: string): string {
  return query.trim().toLowerCase();
}

export function stationMatches(station: Station, query: string): boolean {
  const q = normalizeQuery(query);
  return q === '' || station.name.toLowerCase().includes(q) || station.code.includes(q);
}

export interface FilteredTree extends StationTree {
  /** Stations (towns and villages) that match the query themselves. */
  matches: Set<string>;
  /** Towns to show expanded because one of their villages matched. */
  expand: Set<string>;
}

/**
 * Keeps what matches and the ancestors of what matches: a matching village keeps its town
 * (expanded); a matching town keeps all its villages. An empty query keeps everything.
 */
export function filterStationTree(tree: StationTree, query: string): FilteredTree {
  const q = normalizeQuery(query);
  const matches = new Set<string>();
  const expand = new Set<string>();
  if (q === '') return { ...tree, matches, expand };

  const towns: TownBranch[] = [];
  for (const branch of tree.towns) {
    const villages = branch.villages.filter((v) => stationMatches(v, q));
    villages.forEach((v) => matches.add(v.code));
    const townMatches = stationMatches(branch.town, q);
    if (townMatches) matches.add(branch.town.code);
    if (villages.length > 0) expand.add(branch.town.code);
    if (townMatches) towns.push(branch);
    else if (villages.length > 0) towns.push({ town: branch.town, villages });
  }
  const orphans = tree.orphans.filter((v) => stationMatches(v, q));
  orphans.forEach((v) => matches.add(v.code));
  return { district: tree.district, towns, orphans, matches, expand };
}

export interface TownSummary {
  town: Station;
  villages: number;
  online: number;
  offline: number;
}

export interface DistrictSummary {
  towns: number;
  streets: number;
  townships: number;
  villages: number;
  demoVillages: number;
  online: number;
  offline: number;
  /** Share of villages online, 0–1 (1 when there are none). */
  onlineRate: number;
  byTown: TownSummary[];
  offlineVillages: Station[];
}

export function summarizeDistrict(stations: readonly Station[]): DistrictSummary {
  const tree = buildStationTree(stations);
  const villages = stations.filter((s) => s.level === 'village');
  const online = villages.filter((v) => v.online).length;
  return {
    towns: tree.towns.length,
    streets: tree.towns.filter((b) => b.town.name.endsWith('街道')).length,
    townships: tree.towns.filter((b) => b.town.name.endsWith('镇')).length,
    villages: villages.length,
    demoVillages: villages.filter((v) => v.demo).length,
    online,
    offline: villages.length - online,
    onlineRate: villages.length === 0 ? 1 : online / villages.length,
    byTown: tree.towns.map((b) => {
      const up = b.villages.filter((v) => v.online).length;
      return { town: b.town, villages: b.villages.length, online: up, offline: b.villages.length - up };
    }),
    offlineVillages: villages.filter((v) => !v.online).sort(byCode),
  };
}
