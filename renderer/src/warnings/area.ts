/**
 * The compose form's area as a set of codes over the station tree: the district code means
 * everywhere; a town's code means all its villages (so a checked town never also lists them).
 */
import type { Station } from '../../../shared/contract';
import type { TownBranch } from '../domain/station-tree';
import { DISTRICT_CODE } from './rules';

export function isChecked(codes: ReadonlySet<string>, code: string, townCode?: string): boolean {
  return codes.has(DISTRICT_CODE) || codes.has(code) || (townCode !== undefined && codes.has(townCode));
}

/** Toggle a town: on checks all its villages (the town's code stands for them). */
export function toggleTown(codes: ReadonlySet<string>, branch: TownBranch, towns: readonly TownBranch[]): Set<string> {
  const next = expandDistrict(codes, towns);
  const on = next.has(branch.town.code);
  branch.villages.forEach((v) => next.delete(v.code));
  if (on) next.delete(branch.town.code);
  else next.add(branch.town.code);
  return collapse(next, towns);
}

/** Toggle a village; unchecking one of a checked town leaves its siblings checked. */
export function toggleVillage(codes: ReadonlySet<string>, village: Station, branch: TownBranch, towns: readonly TownBranch[]): Set<string> {
  const next = expandDistrict(codes, towns);
  if (next.has(branch.town.code)) {
    next.delete(branch.town.code);
    branch.villages.forEach((v) => v.code !== village.code && next.add(v.code));
  } else if (next.has(village.code)) next.delete(village.code);
  else next.add(village.code);
  return collapse(next, towns);
}

export function toggleDistrict(codes: ReadonlySet<string>): Set<string> {
  return codes.has(DISTRICT_CODE) ? new Set() : new Set([DISTRICT_CODE]);
}

function expandDistrict(codes: ReadonlySet<string>, towns: readonly TownBranch[]): Set<string> {
  return codes.has(DISTRICT_CODE) ? new Set(towns.map((b) => b.town.code)) : new Set(codes);
}

/** All villages of a town checked → the town; all towns checked → the district. */
function collapse(codes: Set<string>, towns: readonly TownBranch[]): Set<string> {
  for (const b of towns) {
    if (b.villages.length && b.villages.every((v) => codes.has(v.code))) {
      b.villages.forEach((v) => codes.delete(v.code));
      codes.add(b.town.code);
    }
  }
  if (towns.length && towns.every((b) => codes.has(b.town.code))) return new Set([DISTRICT_CODE]);
  return codes;
}

/** The area's name for {区域}: 源城区, or the places' names joined with 、. */
export function areaName(codes: readonly string[], byCode: ReadonlyMap<string, Station>, district: string): string {
  if (codes.includes(DISTRICT_CODE)) return district;
  return codes.map((c) => byCode.get(c)?.name ?? c).join('、');
}
