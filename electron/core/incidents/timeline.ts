/**
 * The event log (事件日志): one row per thing that happened to an incident, in time order, with
 * its author. Entries about something with a state (an alert, a warning, a device, the wall)
 * record that state, and an event that repeats the latest state of the same thing is not logged
 * again: the bus says "alerts changed" far more often than an alert's state does.
 */
import type { TimelineEntry, TimelineKind } from '../../../shared/contract';
import { all, one, run, type Db } from '../db/database';
import { join, sql, type SqlQuery } from '../db/sql';

interface EntryRow {
  id: number;
  at: string;
  kind: TimelineKind;
  text: string;
  by: string | null;
  significant: number;
  ref: string | null;
}

function toEntry(r: EntryRow): TimelineEntry {
  return { id: r.id, at: r.at, kind: r.kind, text: r.text, by: r.by, significant: r.significant === 1, ref: r.ref };
}

export interface NewEntry {
  kind: TimelineKind;
  text: string;
  by?: string | null;
  significant?: boolean;
  ref?: string | null;
  /** What the entry records about `ref`; the same state twice in a row is logged once. */
  state?: string;
}

export interface TimelineFilter {
  kinds?: readonly TimelineKind[] | undefined;
  significantOnly?: boolean | undefined;
  q?: string | undefined;
}

export class TimelineStore {
  constructor(private readonly db: Db) {}

  /** Adds an entry; null when it only repeated the latest state of its ref. */
  add(incidentId: string, at: string, e: NewEntry): TimelineEntry | null {
    if (e.state !== undefined && e.ref) {
      const last = one<{ state: string | null }>(
        this.db,
        sql`SELECT state FROM incident_timeline WHERE incident_id = ${incidentId} AND kind = ${e.kind} AND ref = ${e.ref} AND state IS NOT NULL ORDER BY id DESC LIMIT 1`,
      );
      if (last?.state === e.state) return null;
    }
    const result = run(
      this.db,
      sql`INSERT INTO incident_timeline (incident_id, at, kind, text, by, significant, ref, state)
          VALUES (${incidentId}, ${at}, ${e.kind}, ${e.text}, ${e.by ?? null}, ${e.significant ?? false}, ${e.ref ?? null}, ${e.state ?? null})`,
    );
    return this.entry(incidentId, Number(result.lastInsertRowid))!;
  }

  /** Whether anything was ever logged about `ref` (e.g. a device first seen healthy is not news). */
  seen(incidentId: string, kind: TimelineKind, ref: string): boolean {
    return one(this.db, sql`SELECT 1 AS x FROM incident_timeline WHERE incident_id = ${incidentId} AND kind = ${kind} AND ref = ${ref} LIMIT 1`) !== undefined;
  }

  entry(incidentId: string, id: number): TimelineEntry | undefined {
    const row = one<EntryRow>(this.db, sql`SELECT * FROM incident_timeline WHERE incident_id = ${incidentId} AND id = ${id}`);
    return row ? toEntry(row) : undefined;
  }

  list(incidentId: string, f: TimelineFilter = {}): TimelineEntry[] {
    const where: SqlQuery[] = [sql`incident_id = ${incidentId}`];
    if (f.kinds?.length) where.push(sql`kind IN (SELECT value FROM json_each(${JSON.stringify(f.kinds)}))`);
    if (f.significantOnly) where.push(sql`significant = 1`);
    if (f.q?.trim()) {
      const like = `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(sql`(text LIKE ${like} ESCAPE '\\' OR by LIKE ${like} ESCAPE '\\')`);
    }
    return all<EntryRow>(this.db, sql`SELECT * FROM incident_timeline WHERE ${join(where, ' AND ')} ORDER BY at, id`).map(toEntry);
  }

  mark(incidentId: string, id: number, significant: boolean): void {
    run(this.db, sql`UPDATE incident_timeline SET significant = ${significant} WHERE incident_id = ${incidentId} AND id = ${id}`);
  }
}
