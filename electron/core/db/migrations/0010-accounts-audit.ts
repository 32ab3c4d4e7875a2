import type { Migration } from '../migrate';

/** Local accounts, sessions, login throttling and the audit log. */
export const m0010: Migration = {
  version: 10,
  name: 'accounts-audit',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'commander', 'operator', 'wall')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('login', 'wall')),
        screen_id TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX sessions_username ON sessions(username);

      CREATE TABLE login_failures (
        username TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX login_failures_user_at ON login_failures(username, at);

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT,
        role TEXT,
        origin TEXT NOT NULL,
        method TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'denied')),
        summary TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_at ON audit(at);
    `);
  },
};
