import type { Migration } from '../migrate';

/**
 * The outbox of actions for the district platform. A row is written (synchronous = FULL) before
 * the first send and keeps its id, the platform's idempotency key, on every retry. Failed actions
 * stay, visible; nothing is deleted. `next_attempt_at` is epoch milliseconds (the due query).
 */
export const m0060: Migration = {
  version: 60,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY CHECK (length(id) = 36),
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        by TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'acked', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at INTEGER,
        last_error TEXT,
        result TEXT CHECK (result IS NULL OR json_valid(result)),
        acked_at TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
    `);
  },
};
