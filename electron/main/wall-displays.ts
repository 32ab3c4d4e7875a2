/**
 * Which display shows which wall screen, remembered in SQLite (table wall_displays, migration
 * 0030) so kiosk windows come back on the same monitor after a reboot. Every value is bound
 * through the core's `sql` tag.
 */
import type { Db } from '../core/db/database';
import { all, run } from '../core/db/database';
import { sql } from '../core/db/sql';
import type { DisplayInfo, RememberedDisplay } from './placement';

export interface WallDisplayStore {
  load(): Map<string, RememberedDisplay>;
  remember(screenId: string, display: DisplayInfo): void;
}

interface WallDisplayRow {
  screen_id: string;
  display_id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export function wallDisplayStore(db: Db, now: () => Date = () => new Date()): WallDisplayStore {
  return {
    load() {
      const rows = all<WallDisplayRow>(db, sql`SELECT screen_id, display_id, label, x, y, width, height FROM wall_displays`);
      return new Map(
        rows.map((r) => [r.screen_id, { displayId: r.display_id, label: r.label, bounds: { x: r.x, y: r.y, width: r.width, height: r.height } }]),
      );
    },
    remember(screenId, display) {
      const { x, y, width, height } = display.bounds;
      // Bounds can be fractional on scaled displays; the table stores whole pixels.
      const [rx, ry, rw, rh] = [x, y, width, height].map(Math.round) as [number, number, number, number];
      run(
        db,
        sql`INSERT INTO wall_displays (screen_id, display_id, label, x, y, width, height, updated_at)
            VALUES (${screenId}, ${display.id}, ${display.label}, ${rx}, ${ry}, ${rw}, ${rh}, ${now().toISOString()})
            ON CONFLICT (screen_id) DO UPDATE SET
              display_id = excluded.display_id, label = excluded.label, x = excluded.x, y = excluded.y,
              width = excluded.width, height = excluded.height, updated_at = excluded.updated_at`,
      );
    },
  };
}
