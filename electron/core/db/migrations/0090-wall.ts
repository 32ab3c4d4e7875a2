import type { Migration } from '../migrate';

/**
 * The video wall: saved layouts and scenes (built-in ones live in code and are not stored), and
 * the wall's one state row — the default scene, the schedule, the operator's override (a scene
 * and any regions changed on top of it) and an emergency takeover — with a version that every
 * change bumps, so a screen that reconnects can tell it missed something.
 */
export const m0090: Migration = {
  version: 90,
  name: 'wall',
  up(db) {
    db.exec(`
      CREATE TABLE wall_layouts (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL CHECK (json_valid(body)),
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE wall_scenes (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL CHECK (json_valid(body)),
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE wall_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        default_scene TEXT NOT NULL,
        schedule TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(schedule)),
        override TEXT CHECK (override IS NULL OR json_valid(override)),
        takeover TEXT CHECK (takeover IS NULL OR json_valid(takeover)),
        version INTEGER NOT NULL DEFAULT 1,
        since TEXT NOT NULL
      ) STRICT;
    `);
  },
};
