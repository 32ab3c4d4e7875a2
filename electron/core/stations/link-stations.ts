/**
 * Stations as the district link reports them. The platform's word updates the foundation's
 * places (online, name, position, duty person, last contact) without losing the built-in towns:
 *   - a code the console already knows (built-in town, demo village) is updated in place and
 *     keeps its source; a new code is inserted with source 'link';
 *   - the parent the platform names is kept in link_parent_code; parent_code (with its foreign
 *     key) follows it as soon as the parent exists, in whatever order the two arrive;
 *   - a delete removes a link-sourced station, and for a built-in or demo place only forgets
 *     what the link said (duty person, last contact) and marks it offline: reference places stay.
 */
import type { LinkStation } from '../../../shared/district-link/protocol';
import { DISTRICT } from '../../../shared/places';
import type { Db } from '../db/database';
import { sql } from '../db/sql';
import { allQ, oneQ, runQ } from '../mirror/statements';

/** Sorts link-sourced stations after the built-in ones (sort_key of reference data is its index). */
const LINK_SORT_KEY = 10_000;

export function applyLinkStation(db: Db, code: string, s: LinkStation, at: string, now: string): void {
  // A town without a parent hangs under the district, as the built-in towns do.
  const wanted = s.parentCode ?? (s.level === 'town' ? DISTRICT.code : null);
  const parent = wanted !== null && wanted !== code && oneQ(db, sql`SELECT 1 AS x FROM stations WHERE code = ${wanted}`) ? wanted : null;
  runQ(
    db,
    sql`INSERT INTO stations (code, name, level, parent_code, lat, lon, online, demo, sort_key, source, last_contact, duty_name, duty_phone, link_parent_code, updated_at)
        VALUES (${code}, ${s.name}, ${s.level}, ${parent}, ${s.lat}, ${s.lon}, ${s.online}, 0, ${LINK_SORT_KEY}, 'link', ${at},
                ${s.dutyPerson?.name ?? null}, ${s.dutyPerson?.phone ?? null}, ${wanted}, ${now})
        ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
          lat = excluded.lat, lon = excluded.lon, online = excluded.online, last_contact = excluded.last_contact,
          duty_name = excluded.duty_name, duty_phone = excluded.duty_phone, link_parent_code = excluded.link_parent_code,
          updated_at = excluded.updated_at`,
  );
  // Children that arrived before this station now get their parent.
  runQ(db, sql`UPDATE stations SET parent_code = ${code} WHERE link_parent_code = ${code} AND parent_code IS NULL AND code <> ${code}`);
}

export function deleteLinkStation(db: Db, code: string, now: string): void {
  const row = oneQ<{ source: string }>(db, sql`SELECT source FROM stations WHERE code = ${code}`);
  if (!row) return;
  if (row.source === 'link') {
    runQ(db, sql`UPDATE stations SET parent_code = NULL WHERE parent_code = ${code}`);
    runQ(db, sql`DELETE FROM stations WHERE code = ${code}`);
  } else {
    runQ(
      db,
      sql`UPDATE stations SET online = 0, last_contact = NULL, duty_name = NULL, duty_phone = NULL, link_parent_code = NULL, updated_at = ${now}
          WHERE code = ${code}`,
    );
  }
}

/** Codes of every station the link currently speaks for (created by it, or reported by it). */
export function linkedStationCodes(db: Db): string[] {
  return allQ<{ code: string }>(db, sql`SELECT code FROM stations WHERE source = 'link' OR last_contact IS NOT NULL`).map((r) => r.code);
}
