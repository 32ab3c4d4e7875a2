import type { Migration } from '../migrate';

/**
 * Custom named map views saved by staff (the built-in district and town views are computed, not
 * stored). Names are unique: saving a name again replaces that view and keeps its id.
 */
export const m0070: Migration = {
  version: 70,
  name: 'map-views',
  up(db) {
    db.exec(`
      CREATE TABLE map_views (
        id TEXT PRIMARY KEY CHECK (length(id) = 36),
        name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 60),
        center_lon REAL NOT NULL CHECK (center_lon BETWEEN -180 AND 180),
        center_lat REAL NOT NULL CHECK (center_lat BETWEEN -90 AND 90),
        zoom REAL NOT NULL CHECK (zoom BETWEEN 0 AND 24),
        bearing REAL NOT NULL DEFAULT 0,
        pitch REAL NOT NULL DEFAULT 0 CHECK (pitch BETWEEN 0 AND 85),
        created_by TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
