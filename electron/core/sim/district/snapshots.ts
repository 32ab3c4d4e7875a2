/**
 * Paged snapshots that stay consistent as of their asOfSeq while the world keeps changing:
 * `begin` copies the id → data pairs of every kind (the entity objects themselves are never
 * mutated, only replaced, so a shallow copy is a true point-in-time view), and pages are cut from
 * that copy. Cursors are opaque to the console; snapshots idle for 10 minutes are dropped.
 */
import { randomUUID } from 'node:crypto';
import { KINDS, MAX_BATCH_BYTES, type Kind } from '../../../../shared/district-link/protocol';
import type { EntityState } from './store';

interface Snapshot {
  epoch: string;
  asOfSeq: number;
  items: Record<Kind, [string, unknown][]>;
  lastUsedMs: number;
}

export type PageAnswer = { items: { id: string; data: unknown }[]; nextCursor: string | null } | { error: string; message: string };

const IDLE_MS = 10 * 60_000;
const MAX_SNAPSHOTS = 16;
export const MAX_PAGE_ITEMS = 5000;

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | null {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}

export class Snapshots {
  private readonly open = new Map<string, Snapshot>();

  begin(epoch: string, asOfSeq: number, state: EntityState, nowMs: number): { snapshotId: string; epoch: string; asOfSeq: number } {
    this.expire(nowMs);
    const items = Object.fromEntries(KINDS.map((k) => [k, Array.from(state[k])])) as Snapshot['items'];
    const snapshotId = randomUUID();
    this.open.set(snapshotId, { epoch, asOfSeq, items, lastUsedMs: nowMs });
    return { snapshotId, epoch, asOfSeq };
  }

  /**
   * A page of one kind. Errors are answered in a shape that is NOT a page, so a console can never
   * mistake an expired snapshot for an empty kind and wipe its mirror.
   */
  page(request: unknown, nowMs: number): PageAnswer {
    const r = (request ?? {}) as { snapshotId?: unknown; kind?: unknown; cursor?: unknown; limit?: unknown };
    const snap = typeof r.snapshotId === 'string' ? this.open.get(r.snapshotId) : undefined;
    if (!snap) return { error: 'unknown_snapshot', message: `snapshot:page: no open snapshot "${String(r.snapshotId)}" (expired, or the data was rebuilt): begin a new one` };
    if (typeof r.kind !== 'string' || !(KINDS as readonly string[]).includes(r.kind)) {
      return { error: 'unknown_kind', message: `snapshot:page: kind "${String(r.kind)}" is not one of ${KINDS.join(', ')}` };
    }
    const offset = r.cursor === undefined || r.cursor === null ? 0 : typeof r.cursor === 'string' ? decodeCursor(r.cursor) : null;
    if (offset === null) return { error: 'bad_cursor', message: `snapshot:page: cursor "${String(r.cursor)}" was not issued by this server` };
    const limit = typeof r.limit === 'number' && Number.isFinite(r.limit) ? Math.max(1, Math.min(MAX_PAGE_ITEMS, Math.floor(r.limit))) : 500;
    snap.lastUsedMs = nowMs;
    const all = snap.items[r.kind as Kind];
    const items: { id: string; data: unknown }[] = [];
    let bytes = 0;
    let i = offset;
    // Keep a page under the same 1 MiB as a batch.
    for (; i < all.length && items.length < limit; i++) {
      const [id, data] = all[i]!;
      const size = Buffer.byteLength(JSON.stringify(data)) + id.length + 24;
      if (items.length > 0 && bytes + size > MAX_BATCH_BYTES - 1024) break;
      items.push({ id, data });
      bytes += size;
    }
    return { items, nextCursor: i < all.length ? encodeCursor(i) : null };
  }

  clear(): void {
    this.open.clear();
  }

  get count(): number {
    return this.open.size;
  }

  private expire(nowMs: number): void {
    for (const [id, s] of this.open) if (nowMs - s.lastUsedMs > IDLE_MS) this.open.delete(id);
    while (this.open.size >= MAX_SNAPSHOTS) this.open.delete(this.open.keys().next().value!);
  }
}
