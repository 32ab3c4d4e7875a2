import type { Migration } from '../migrate';

/**
 * Warning release: the contacts directory, warnings (the release workflow's record, one row per
 * Alert/Update/Cancel), their deliveries (one per terminal, zone, radio and SMS recipient — the
 * engine writes each state before it acts, so a restart resumes without re-sending what was
 * confirmed), each warning's event log, and the EBM id allocator's daily sequence.
 */
export const m0100: Migration = {
  version: 100,
  name: 'warnings',
  up(db) {
    db.exec(`
      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        phone TEXT NOT NULL UNIQUE,
        station_code TEXT NOT NULL,
        roles TEXT NOT NULL CHECK (json_valid(roles)),
        groups TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(groups)),
        title TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        demo INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX contacts_station ON contacts (station_code);

      CREATE TABLE warnings (
        id TEXT PRIMARY KEY,
        ebm_id TEXT NOT NULL UNIQUE,
        msg_type TEXT NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
        refs TEXT REFERENCES warnings (id),
        status TEXT NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body)),
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX warnings_status ON warnings (status);

      CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        warning_id TEXT NOT NULL REFERENCES warnings (id),
        channel TEXT NOT NULL CHECK (channel IN ('speaker', 'amplifier', 'sms', 'radio')),
        device_id TEXT,
        target TEXT NOT NULL,
        target_name TEXT NOT NULL,
        station_code TEXT,
        town_code TEXT,
        contact_id TEXT,
        escalated INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'confirmed', 'failed', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at INTEGER,
        -- SMS message references (TP-MR per part) the status reports are matched against.
        refs TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(refs)),
        confirm_by INTEGER,
        sent_at TEXT,
        confirmed_at TEXT,
        updated_at TEXT NOT NULL,
        UNIQUE (warning_id, channel, target)
      ) STRICT;
      CREATE INDEX deliveries_warning ON deliveries (warning_id, state);
      CREATE INDEX deliveries_open ON deliveries (state) WHERE state IN ('queued', 'sending', 'sent');

      CREATE TABLE warning_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        warning_id TEXT NOT NULL REFERENCES warnings (id),
        at TEXT NOT NULL,
        by TEXT,
        kind TEXT NOT NULL,
        text TEXT NOT NULL
      ) STRICT;
      CREATE INDEX warning_events_warning ON warning_events (warning_id, seq);

      CREATE TABLE ebm_sequence (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        day TEXT NOT NULL,
        sequence INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
