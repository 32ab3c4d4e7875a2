/**
 * Guards createCore's start-up: a data dir that cannot be written, a database from a newer
 * console, a file that is not a database, a damaged one (reported, not a crash), the facts it
 * serves, and the online backup through system.backup.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore, DataDirError } from '../../electron/core/core';
import { StoreOpenError } from '../../electron/core/db/database';
import { NewerDatabaseError } from '../../electron/core/db/migrate';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { consoleVersion } from '../../electron/core/version';
import { signInAs, startCore, tempDir, valueOf } from '../fixtures/core-helpers';

async function startError(dataDir: string): Promise<Error> {
  try {
    const core = await createCore({ dataDir, demo: true, log: () => undefined });
    core.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected createCore to refuse to start');
}

describe('createCore refuses to start, clearly', () => {
  it('on a data dir that cannot be written, with DataDirError naming the path', async () => {
    // Tests run as root, which chmod does not stop: a directory under a regular file cannot exist.
    const file = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const dataDir = path.join(file, 'sub');
    const error = await startError(dataDir);
    expect(error).toBeInstanceOf(DataDirError);
    expect(error.message).toContain(dataDir);
    expect(error.message).toContain('not writable');
    expect(error.message).toContain('ENOTDIR');
  });

  it('on a database written by a newer console, naming both schema versions', async () => {
    const dataDir = tempDir();
    const newer = new Database(path.join(dataDir, 'hall.sqlite'));
    newer.pragma('user_version = 990');
    newer.close();
    const error = await startError(dataDir);
    expect(error).toBeInstanceOf(NewerDatabaseError);
    expect(error.message).toContain('990');
    expect(error.message).toContain(`up to ${MIGRATIONS.at(-1)!.version}`);
    // Refused, not touched.
    const after = new Database(path.join(dataDir, 'hall.sqlite'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(990);
    after.close();
  });

  it('on a file that is not a database, naming the file', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'hall.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
    const error = await startError(dataDir);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect(error.message).toContain(file);
  });
});

describe('createCore on a damaged database', () => {
  it('starts, and reports the integrity problem instead of crashing', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'hall.sqlite');
    let pageSize: number;
    {
      const { core } = await startCore({ demo: true, dataDir });
      pageSize = core.db.pragma('page_size', { simple: true }) as number;
      core.db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
      const insert = core.db.prepare('INSERT INTO filler (body) VALUES (?)');
      core.db.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run(`row ${i} ${'y'.repeat(60)}`);
      })();
      core.db.pragma('wal_checkpoint(TRUNCATE)');
      core.close();
    }
    const pages = fs.statSync(file).size / pageSize;
    const fd = fs.openSync(file, 'r+');
    // The last pages hold the filler rows, written after everything the core uses at start.
    fs.writeSync(fd, Buffer.alloc(pageSize * 3, 0x5a), 0, pageSize * 3, (pages - 4) * pageSize);
    fs.closeSync(fd);

    const { core, logs } = await startCore({ demo: true, dataDir });
    expect(core.integrity.ok).toBe(false);
    expect(logs.some((l) => l.includes('integrity check reported problems'))).toBe(true);
    const { ctx } = await signInAs(core, 'operator');
    expect(valueOf<unknown[]>(await core.invoke(ctx, 'stations.list', { level: 'town' }))).toHaveLength(8);
  });
});

describe('a started core', () => {
  it('serves its facts: version, demo flag, data dir and start time', async () => {
    const startedAt = new Date('2025-08-08T08:08:08.000Z');
    const { core, dataDir } = await startCore({ demo: true, now: () => startedAt });
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(consoleVersion()).toBe(pkg.version);
    const { ctx } = await signInAs(core, 'operator');
    expect(valueOf(await core.invoke(ctx, 'system.info', {}))).toEqual({
      version: pkg.version,
      demo: true,
      dataDir,
      startedAt: startedAt.toISOString(),
    });
    expect(core.integrity).toEqual({ ok: true, messages: ['ok'] });
  });

  it('takes an online backup into the data dir that opens and holds the same accounts', async () => {
    const { core, dataDir } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'admin');
    const { path: backup } = valueOf<{ path: string }>(await core.invoke(ctx, 'system.backup', {}));
    expect(path.dirname(backup)).toBe(path.join(dataDir, 'backups'));
    const copy = new Database(backup, { readonly: true });
    try {
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT username FROM users ORDER BY username').all()).toEqual(
        core.db.prepare('SELECT username FROM users ORDER BY username').all(),
      );
      expect(copy.prepare('SELECT count(*) AS n FROM stations').get()).toEqual({ n: 77 });
    } finally {
      copy.close();
    }
  });
});
