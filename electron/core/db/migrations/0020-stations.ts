import type { Migration } from '../migrate';

/** Places: the district, towns/streets and villages/communities, keyed by division code. */
export const m0020: Migration = {
  version: 20,
  name: 'stations',
  up(db) {
    db.exec(`
      CREATE TABLE stations (
        code TEXT PRIMARY KEY CHECK (length(code) IN (6, 12)),
        name TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('district', 'town', 'village')),
        parent_code TEXT REFERENCES stations(code),
        lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        online INTEGER NOT NULL DEFAULT 1 CHECK (online IN (0, 1)),
        demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
        note TEXT,
        sort_key INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX stations_parent ON stations(parent_code);
    `);
  },
};
