import type { Migration } from '../migrate';

/**
 * The alert desk. `alerts` stays the store of CAP messages (the link's mirror plus the messages
 * the console makes itself: CAP imports, local rules, manual entries); `desk_alerts` holds one
 * row per CAP chain — an Alert and the Updates/Cancels that reference it — with the desk's
 * lifecycle. The desk state lives apart from the mirror so a link snapshot, which replaces the
 * mirrored messages, never loses who acknowledged what: `alert_chain` maps every message
 * (sender, identifier) ever attached to its desk alert and re-attaches re-sent messages.
 */
export const m0080: Migration = {
  version: 80,
  name: 'alert-desk',
  up(db) {
    db.exec(`
      ALTER TABLE alerts ADD COLUMN identifier TEXT;
      ALTER TABLE alerts ADD COLUMN sender TEXT;
      -- The desk alert this message belongs to; NULL until the desk has attached it.
      ALTER TABLE alerts ADD COLUMN desk_id TEXT;
      UPDATE alerts SET identifier = json_extract(cap, '$.identifier'), sender = json_extract(cap, '$.sender');
      CREATE INDEX alerts_unattached ON alerts(sent_ms) WHERE desk_id IS NULL;
      CREATE INDEX alerts_desk ON alerts(desk_id, sent_ms);

      CREATE TABLE desk_alerts (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('link', 'cap', 'rule', 'manual')),
        identifier TEXT NOT NULL,
        sender TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
        type TEXT NOT NULL,
        town_code TEXT,
        station_code TEXT,
        sensor_id TEXT,
        headline TEXT NOT NULL,
        event TEXT NOT NULL,
        area_desc TEXT NOT NULL,
        cap_status TEXT NOT NULL,
        msg_type TEXT NOT NULL,
        first_sent TEXT NOT NULL,
        sent TEXT NOT NULL,
        sent_ms INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'acknowledged', 'handling', 'closed', 'escalated', 'cancelled')),
        acked_by TEXT,
        acked_at TEXT,
        closed_by TEXT,
        closed_at TEXT,
        resolution TEXT,
        incident_id TEXT,
        rule_id TEXT,
        remind_stage INTEGER NOT NULL DEFAULT 0 CHECK (remind_stage BETWEEN 0 AND 2),
        messages INTEGER NOT NULL DEFAULT 1,
        -- The chain's latest CAP message (JSON), what the alert says now.
        cap TEXT NOT NULL CHECK (json_valid(cap)),
        -- When the desk first held it (reminders count from here, not from the CAP sent time).
        created_ms INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX desk_alerts_sent ON desk_alerts(sent_ms DESC, id);
      CREATE INDEX desk_alerts_state ON desk_alerts(state, sent_ms DESC);
      CREATE INDEX desk_alerts_sensor ON desk_alerts(sensor_id, state);

      CREATE TABLE alert_chain (
        sender TEXT NOT NULL,
        identifier TEXT NOT NULL,
        desk_id TEXT NOT NULL REFERENCES desk_alerts(id),
        sent TEXT NOT NULL,
        msg_type TEXT NOT NULL,
        PRIMARY KEY (sender, identifier)
      ) STRICT;
      CREATE INDEX alert_chain_desk ON alert_chain(desk_id);

      CREATE TABLE alert_timeline (
        id INTEGER PRIMARY KEY,
        desk_id TEXT NOT NULL REFERENCES desk_alerts(id),
        at TEXT NOT NULL,
        by TEXT,
        kind TEXT NOT NULL,
        text TEXT NOT NULL
      ) STRICT;
      CREATE INDEX alert_timeline_desk ON alert_timeline(desk_id, id);

      CREATE TABLE alert_rules (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL CHECK (json_valid(body)),
        updated_at TEXT NOT NULL,
        updated_by TEXT
      ) STRICT;

      -- Where each (rule, sensor) stands: the level it raised and the desk alert it keeps updating.
      CREATE TABLE alert_rule_state (
        rule_id TEXT NOT NULL,
        sensor_id TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
        desk_id TEXT,
        value REAL NOT NULL,
        since TEXT NOT NULL,
        PRIMARY KEY (rule_id, sensor_id)
      ) STRICT;

      CREATE TABLE alert_filters (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL,
        name TEXT NOT NULL,
        filter TEXT NOT NULL CHECK (json_valid(filter)),
        UNIQUE (username, name)
      ) STRICT;

      -- A stub the incidents issue extends: what an escalated alert became.
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        type TEXT NOT NULL,
        level TEXT CHECK (level IN ('IV', 'III', 'II', 'I')),
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closing', 'closed')),
        station_code TEXT,
        source_alert_id TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      ) STRICT;
    `);
  },
};
