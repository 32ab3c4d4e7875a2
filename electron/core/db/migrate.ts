import type Database from 'better-sqlite3';

/** One numbered migration (file `NNNN-name.ts`, numbers in steps of 10). */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export class NewerDatabaseError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The database was written by a newer version of the console (schema ${found}; this version knows up to ${supported}). ` +
        'Refusing to open it so nothing is damaged: run the newer console, or start with another --data directory.',
    );
    this.name = 'NewerDatabaseError';
  }
}

/** Runs every pending migration in one transaction and sets user_version; returns the version. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (i > 0 && sorted[i - 1]!.version === m.version) throw new Error(`Two migrations share version ${m.version}`);
  });
  const latest = sorted.at(-1)?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new NewerDatabaseError(current, latest);
  const pending = sorted.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      try {
        m.up(db);
      } catch (error) {
        throw new Error(`Migration ${m.version}-${m.name} failed: ${(error as Error).message}`);
      }
    }
    db.pragma(`user_version = ${latest}`);
  })();
  return latest;
}
