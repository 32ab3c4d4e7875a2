/** Text notices from the city/provincial platform, as the district link relays them. */
import type { Notice } from '../../../shared/contract';
import type { LinkNotice } from '../../../shared/district-link/protocol';
import type { Db } from '../db/database';
import { sql } from '../db/sql';
import { allQ, ms, runQ } from './statements';

interface NoticeRow {
  id: string;
  title: string;
  body: string;
  sender: string;
  at: string;
}

export class NoticesRepo {
  constructor(private readonly db: Db) {}

  /** `at` is when the notice was issued at the source (the change's time). */
  upsert(id: string, n: LinkNotice, at: string, now: string): void {
    runQ(
      this.db,
      sql`INSERT INTO notices (id, title, body, sender, at, at_ms, updated_at) VALUES (${id}, ${n.title}, ${n.body}, ${n.from}, ${at}, ${ms(at)}, ${now})
          ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, sender = excluded.sender, at = excluded.at,
            at_ms = excluded.at_ms, updated_at = excluded.updated_at`,
    );
  }

  delete(id: string): void {
    runQ(this.db, sql`DELETE FROM notices WHERE id = ${id}`);
  }

  deleteAll(): void {
    runQ(this.db, sql`DELETE FROM notices`);
  }

  list(limit = 100): Notice[] {
    return allQ<NoticeRow>(this.db, sql`SELECT id, title, body, sender, at FROM notices ORDER BY at_ms DESC, id LIMIT ${limit}`).map((r) => ({
      id: r.id,
      title: r.title,
      body: r.body,
      from: r.sender,
      at: r.at,
    }));
  }
}
