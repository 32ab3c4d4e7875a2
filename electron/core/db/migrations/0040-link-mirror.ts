import type { Migration } from '../migrate';

/**
 * The upstream mirror of the district link: where a station comes from (built-in, demo, link)
 * and what the platform last said about it, cameras, sensors, alerts (CAP-shaped JSON with the
 * columns the desk filters on), notices, the link's cursor and the quarantine of bad changes.
 * No foreign key from cameras/sensors/alerts to stations: the platform may send a camera before
 * its station, and a mirror must hold what the platform says in any order.
 */
export const m0040: Migration = {
  version: 40,
  name: 'link-mirror',
  up(db) {
    db.exec(`
      ALTER TABLE stations ADD COLUMN source TEXT NOT NULL DEFAULT 'builtin' CHECK (source IN ('builtin', 'demo', 'link'));
      ALTER TABLE stations ADD COLUMN last_contact TEXT;
      ALTER TABLE stations ADD COLUMN duty_name TEXT;
      ALTER TABLE stations ADD COLUMN duty_phone TEXT;
      -- The parent as the platform reports it (no foreign key: it may arrive after its child);
      -- parent_code (with the foreign key) follows it once the parent exists.
      ALTER TABLE stations ADD COLUMN link_parent_code TEXT;
      UPDATE stations SET source = 'demo' WHERE demo = 1;

      CREATE TABLE cameras (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        station_code TEXT NOT NULL,
        lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        online INTEGER NOT NULL CHECK (online IN (0, 1)),
        ptz INTEGER NOT NULL CHECK (ptz IN (0, 1)),
        codec TEXT CHECK (codec IN ('h264', 'h265')),
        streams TEXT NOT NULL CHECK (json_valid(streams)),
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX cameras_station ON cameras(station_code);

      CREATE TABLE sensors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        station_code TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('rain', 'river', 'reservoir', 'waterlog', 'fire', 'gas')),
        lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        unit TEXT NOT NULL,
        warn REAL,
        danger REAL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sensors_station ON sensors(station_code);

      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('link', 'cap', 'rule', 'manual')),
        level TEXT NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
        type TEXT NOT NULL,
        station_code TEXT,
        sensor_id TEXT,
        headline TEXT NOT NULL,
        sent TEXT NOT NULL,
        sent_ms INTEGER NOT NULL,
        status TEXT NOT NULL,
        msg_type TEXT NOT NULL,
        cap TEXT NOT NULL CHECK (json_valid(cap)),
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX alerts_sent ON alerts(sent_ms DESC);
      CREATE INDEX alerts_level ON alerts(level, sent_ms DESC);
      CREATE INDEX alerts_station ON alerts(station_code, sent_ms DESC);
      CREATE INDEX alerts_source ON alerts(source);

      CREATE TABLE notices (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        sender TEXT NOT NULL,
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX notices_at ON notices(at_ms DESC);

      CREATE TABLE link_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        epoch TEXT,
        cursor INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0),
        server_id TEXT,
        last_applied_at TEXT
      ) STRICT;
      INSERT INTO link_state (id, cursor) VALUES (1, 0);

      CREATE TABLE link_quarantine (
        id INTEGER PRIMARY KEY,
        received_at TEXT NOT NULL,
        epoch TEXT,
        seq INTEGER,
        kind TEXT,
        item_id TEXT,
        reason TEXT NOT NULL,
        raw TEXT NOT NULL CHECK (length(raw) <= 65536)
      ) STRICT;
      CREATE INDEX link_quarantine_received ON link_quarantine(received_at);
    `);
  },
};
