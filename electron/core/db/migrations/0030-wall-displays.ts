import type { Migration } from '../migrate';

/**
 * Which physical display shows which wall screen, remembered by the display's id with its
 * label and bounds as fallbacks (Electron display ids can change after a reboot or driver update).
 */
export const m0030: Migration = {
  version: 30,
  name: 'wall-displays',
  up(db) {
    db.exec(`
      CREATE TABLE wall_displays (
        screen_id TEXT PRIMARY KEY,
        display_id TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        x INTEGER NOT NULL,
        y INTEGER NOT NULL,
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
