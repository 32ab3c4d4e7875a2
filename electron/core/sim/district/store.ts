/**
 * The platform's change log, its entity state and the actions it received — in memory, and
 * written through to SQLite when a state file is given, so a simulator killed with SIGKILL comes
 * back with the same epoch, the same seqs and the same action ids. Every append is committed
 * before the server sends it ("write each change before it is sent"); WAL with synchronous =
 * NORMAL survives a killed process, which is the fault this simulator has to reproduce.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { KINDS, type ActionResult, type Kind } from '../../../../shared/district-link/protocol';

/** A change as it sits in the log and goes on the wire; loosely typed so faults can be logged too. */
export interface RawChange {
  seq: number;
  kind: string;
  op: string;
  id: string;
  at: string;
  data?: unknown;
}

export interface LogEntry {
  seq: number;
  change: RawChange;
  /** Size of the change's JSON in bytes, for the 1 MiB batch limit. */
  bytes: number;
}

export interface ReceivedAction {
  id: string;
  type: string;
  count: number;
}

interface StoredAction extends ReceivedAction {
  /** The first final answer (ok, or not retryable); null until there is one. */
  result: ActionResult | null;
}

export type EntityState = Record<Kind, Map<string, unknown>>;

function emptyState(): EntityState {
  return Object.fromEntries(KINDS.map((k) => [k, new Map<string, unknown>()])) as EntityState;
}

function isKind(kind: string): kind is Kind {
  return (KINDS as readonly string[]).includes(kind);
}

export function newEpoch(): string {
  return `e${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, json TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS entity (kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id)) STRICT;
  CREATE TABLE IF NOT EXISTS action (id TEXT PRIMARY KEY, type TEXT NOT NULL, count INTEGER NOT NULL, result TEXT) STRICT;
`;

export class SimStore {
  epoch = '';
  serverId = '';
  seed = 0;
  headSeq = 0;
  /** Highest seq dropped by compaction: a client behind it needs a snapshot. */
  compactedThrough = 0;
  /** The world's memory as last saved (null on a fresh start). */
  worldMemory: unknown = null;
  private log: LogEntry[] = [];
  private state: EntityState = emptyState();
  private readonly actions = new Map<string, StoredAction>();
  private readonly db: Database.Database | null;
  private readonly sql: Record<string, Database.Statement> = {};

  /**
   * Open the state file and carry on from it (same epoch, seqs, seed), or start a new epoch when
   * there is none. The seed of an existing file wins over `seed`: the catalogue's ids depend on it.
   */
  constructor(file: string | undefined, seed: number) {
    this.db = file ? new Database(file) : null;
    if (!this.db) {
      this.startEpoch(newEpoch(), seed, randomUUID());
      return;
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    for (const [name, text] of Object.entries({
      meta: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      log: 'INSERT INTO log (seq, json) VALUES (?, ?)',
      upsert: 'INSERT INTO entity (kind, id, seq, json) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, json = excluded.json',
      remove: 'DELETE FROM entity WHERE kind = ? AND id = ?',
      action: 'INSERT INTO action (id, type, count, result) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET count = excluded.count, result = excluded.result',
    })) {
      this.sql[name] = this.db.prepare(text);
    }
    const meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    if (!meta.get('epoch')) {
      this.startEpoch(newEpoch(), seed, randomUUID());
      return;
    }
    this.load(meta);
  }

  get persistent(): boolean {
    return this.db !== null;
  }

  private load(meta: Map<string, string>): void {
    const db = this.db!;
    this.epoch = meta.get('epoch')!;
    this.serverId = meta.get('serverId') ?? randomUUID();
    this.seed = Number(meta.get('seed') ?? 0);
    this.headSeq = Number(meta.get('headSeq') ?? 0);
    this.compactedThrough = Number(meta.get('compactedThrough') ?? 0);
    const world = meta.get('world');
    this.worldMemory = world ? (JSON.parse(world) as unknown) : null;
    for (const row of db.prepare('SELECT seq, json FROM log ORDER BY seq').iterate() as Iterable<{ seq: number; json: string }>) {
      this.log.push({ seq: row.seq, change: JSON.parse(row.json) as RawChange, bytes: Buffer.byteLength(row.json) });
    }
    for (const row of db.prepare('SELECT kind, id, json FROM entity ORDER BY seq').iterate() as Iterable<{ kind: string; id: string; json: string }>) {
      if (isKind(row.kind)) this.state[row.kind].set(row.id, JSON.parse(row.json));
    }
    for (const row of db.prepare('SELECT id, type, count, result FROM action ORDER BY rowid').all() as { id: string; type: string; count: number; result: string | null }[]) {
      this.actions.set(row.id, { id: row.id, type: row.type, count: row.count, result: row.result ? (JSON.parse(row.result) as ActionResult) : null });
    }
  }

  /** Start over: a new epoch with an empty log and state (rebuild, or a fresh store). */
  startEpoch(epoch: string, seed: number, serverId = this.serverId): void {
    this.epoch = epoch;
    this.seed = seed;
    this.serverId = serverId;
    this.headSeq = 0;
    this.compactedThrough = 0;
    this.worldMemory = null;
    this.log = [];
    this.state = emptyState();
    if (!this.db) return;
    this.db.transaction(() => {
      this.db!.exec('DELETE FROM log; DELETE FROM entity; DELETE FROM meta;');
      this.setMeta({ epoch, seed: String(seed), serverId, headSeq: '0', compactedThrough: '0' });
    })();
  }

  private setMeta(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) this.sql['meta']!.run(key, value);
  }

  /**
   * Give the drafts their seqs, apply them to the state (unless they are injected faults, which
   * the platform logs but does not hold) and commit them, with the world's memory, in one
   * transaction. Returns the new log entries, already durable.
   */
  append(drafts: Omit<RawChange, 'seq'>[], options: { applyToState?: boolean; worldMemory?: unknown } = {}): LogEntry[] {
    const apply = options.applyToState ?? true;
    const entries = drafts.map((d) => {
      const change: RawChange = { seq: ++this.headSeq, ...d };
      const json = JSON.stringify(change);
      return { entry: { seq: change.seq, change, bytes: Buffer.byteLength(json) }, json };
    });
    const write = () => {
      for (const { entry, json } of entries) {
        this.log.push(entry);
        this.sql['log']?.run(entry.seq, json);
        const c = entry.change;
        if (!apply || !isKind(c.kind)) continue;
        if (c.op === 'delete') {
          this.state[c.kind].delete(c.id);
          this.sql['remove']?.run(c.kind, c.id);
        } else {
          this.state[c.kind].set(c.id, c.data);
          this.sql['upsert']?.run(c.kind, c.id, c.seq, JSON.stringify(c.data));
        }
      }
      if (options.worldMemory !== undefined) this.worldMemory = options.worldMemory;
      if (this.db) {
        this.setMeta({ headSeq: String(this.headSeq) });
        if (options.worldMemory !== undefined) this.setMeta({ world: JSON.stringify(options.worldMemory) });
      }
    };
    if (this.db) this.db.transaction(write)();
    else write();
    return entries.map((e) => e.entry);
  }

  /** Up to maxCount entries after `since`, in seq order, within maxBytes (at least one). */
  after(since: number, maxCount: number, maxBytes: number): LogEntry[] {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.seq <= since) lo = mid + 1;
      else hi = mid;
    }
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let i = lo; i < this.log.length && out.length < maxCount; i++) {
      const e = this.log[i]!;
      if (out.length > 0 && bytes + e.bytes + 1 > maxBytes) break;
      out.push(e);
      bytes += e.bytes + 1;
    }
    return out;
  }

  /** The most recent entries at or before `seq` (to replay as stale, out-of-order changes). */
  before(seq: number, count: number): LogEntry[] {
    const upto = this.log.filter((e) => e.seq <= seq);
    return upto.slice(Math.max(0, upto.length - count));
  }

  get logLength(): number {
    return this.log.length;
  }

  /** Drop all but the last `keepLast` entries; returns the new compactedThrough. */
  compact(keepLast: number): number {
    const drop = Math.max(0, this.log.length - Math.max(0, Math.floor(keepLast)));
    if (drop === 0) return this.compactedThrough;
    this.compactedThrough = this.log[drop - 1]!.seq;
    this.log = this.log.slice(drop);
    if (this.db) {
      this.db.transaction(() => {
        this.db!.prepare('DELETE FROM log WHERE seq <= ?').run(this.compactedThrough);
        this.setMeta({ compactedThrough: String(this.compactedThrough) });
      })();
    }
    return this.compactedThrough;
  }

  /**
   * Forget readings older than the cutoff. Readings are a series the console keeps under its own
   * retention (the spec has no delete for them), so the platform only stops holding them.
   */
  trimReadings(cutoffMs: number): number {
    const readings = this.state.reading;
    const gone: string[] = [];
    for (const [id, data] of readings) {
      const at = Date.parse((data as { at?: string }).at ?? '');
      if (!(at < cutoffMs)) break;
      gone.push(id);
    }
    if (gone.length === 0) return 0;
    const run = () => {
      for (const id of gone) {
        readings.delete(id);
        this.sql['remove']?.run('reading', id);
      }
    };
    if (this.db) this.db.transaction(run)();
    else run();
    return gone.length;
  }

  /** The live state maps (do not mutate; entity objects are replaced, never changed in place). */
  liveState(): EntityState {
    return this.state;
  }

  /** A copy of the state as of headSeq, for callers outside the simulator. */
  copyState(): EntityState {
    return Object.fromEntries(KINDS.map((k) => [k, new Map(this.state[k])])) as EntityState;
  }

  /** Count a received action id; the stored first final result, if any. */
  receiveAction(id: string, type: string): StoredAction {
    const a = this.actions.get(id) ?? { id, type, count: 0, result: null };
    a.count += 1;
    this.actions.set(id, a);
    this.sql['action']?.run(a.id, a.type, a.count, a.result ? JSON.stringify(a.result) : null);
    return a;
  }

  settleAction(id: string, result: ActionResult): void {
    const a = this.actions.get(id);
    if (!a || a.result) return;
    a.result = result;
    this.sql['action']?.run(a.id, a.type, a.count, JSON.stringify(result));
  }

  receivedActions(): ReceivedAction[] {
    return [...this.actions.values()].map(({ id, type, count }) => ({ id, type, count }));
  }

  close(): void {
    this.db?.close();
  }
}
