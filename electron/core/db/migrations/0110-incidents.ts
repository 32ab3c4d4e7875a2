import type { Migration } from '../migrate';

/**
 * Incidents and the decision room. The alert desk's stub `incidents` table (0080) is extended in
 * place, so incidents escalated before this version keep working: their place is rebuilt from
 * the station code and their occurrence time from the creation time. Around it: the level
 * history, the checklist a level loads, level proposals, the event log (event-sourced and
 * de-duplicated by the state each entry records), tasks, evacuation per village, loss reports
 * per town (each a time-stamped row; the latest per town counts) and situation reports.
 */
export const m0110: Migration = {
  version: 110,
  name: 'incidents',
  up(db) {
    db.exec(`
      ALTER TABLE incidents ADD COLUMN place TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(place));
      ALTER TABLE incidents ADD COLUMN occurred_at TEXT;
      ALTER TABLE incidents ADD COLUMN commander TEXT;
      ALTER TABLE incidents ADD COLUMN summary TEXT NOT NULL DEFAULT '';
      ALTER TABLE incidents ADD COLUMN camera_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(camera_ids));
      ALTER TABLE incidents ADD COLUMN updated_at TEXT;
      ALTER TABLE incidents ADD COLUMN activated_at TEXT;
      ALTER TABLE incidents ADD COLUMN closed_at TEXT;
      ALTER TABLE incidents ADD COLUMN closed_by TEXT;
      ALTER TABLE incidents ADD COLUMN close_note TEXT;
      UPDATE incidents SET
        place = json_object('stationCode', station_code, 'point', NULL, 'area', NULL, 'description', ''),
        occurred_at = created_at,
        updated_at = created_at;
      CREATE INDEX incidents_status ON incidents (status, created_at DESC);

      CREATE TABLE incident_levels (
        id INTEGER PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        at TEXT NOT NULL,
        by TEXT NOT NULL,
        from_level TEXT CHECK (from_level IN ('IV', 'III', 'II', 'I')),
        to_level TEXT CHECK (to_level IN ('IV', 'III', 'II', 'I')),
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX incident_levels_incident ON incident_levels (incident_id, id);

      CREATE TABLE incident_checklist (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        level TEXT NOT NULL CHECK (level IN ('IV', 'III', 'II', 'I')),
        seq INTEGER NOT NULL,
        text TEXT NOT NULL,
        owner TEXT NOT NULL,
        assignee TEXT,
        due_minutes INTEGER,
        due_at TEXT,
        done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
        done_by TEXT,
        done_at TEXT,
        note TEXT,
        superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1))
      ) STRICT;
      CREATE INDEX incident_checklist_incident ON incident_checklist (incident_id, level, seq);

      CREATE TABLE incident_proposals (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        from_level TEXT CHECK (from_level IN ('IV', 'III', 'II', 'I')),
        to_level TEXT NOT NULL CHECK (to_level IN ('IV', 'III', 'II', 'I')),
        reason TEXT NOT NULL,
        proposed_by TEXT NOT NULL,
        proposed_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined')),
        decided_by TEXT,
        decided_at TEXT,
        note TEXT
      ) STRICT;
      CREATE INDEX incident_proposals_state ON incident_proposals (state, proposed_at);

      -- The event log. state: what the entry recorded about its ref (an alert's state, a
      -- device's health, the wall's scene); an event repeating the latest state is not logged.
      CREATE TABLE incident_timeline (
        id INTEGER PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'warning', 'device', 'wall', 'level', 'checklist', 'task', 'evacuation', 'loss', 'status', 'manual', 'report')),
        text TEXT NOT NULL,
        by TEXT,
        significant INTEGER NOT NULL DEFAULT 0 CHECK (significant IN (0, 1)),
        ref TEXT,
        state TEXT
      ) STRICT;
      CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at, id);
      CREATE INDEX incident_timeline_ref ON incident_timeline (incident_id, kind, ref, id);

      CREATE TABLE incident_tasks (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        title TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        assignee TEXT NOT NULL,
        station_code TEXT,
        due_at TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'done', 'cancelled')),
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id, status, due_at);

      CREATE TABLE incident_evacuation (
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        station_code TEXT NOT NULL,
        town_code TEXT NOT NULL,
        to_move INTEGER NOT NULL CHECK (to_move >= 0),
        moved INTEGER NOT NULL CHECK (moved >= 0),
        shelter TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('watch', 'prepare', 'evacuate', 'shelter-in-place', 'lifted', 'drill')),
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (incident_id, station_code)
      ) STRICT;

      CREATE TABLE incident_losses (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        town_code TEXT NOT NULL,
        at TEXT NOT NULL,
        by TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        fields TEXT NOT NULL CHECK (json_valid(fields))
      ) STRICT;
      CREATE INDEX incident_losses_town ON incident_losses (incident_id, town_code, at);

      CREATE TABLE incident_reports (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        at TEXT NOT NULL,
        by TEXT NOT NULL,
        filename TEXT NOT NULL,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX incident_reports_incident ON incident_reports (incident_id, at);
    `);
  },
};
