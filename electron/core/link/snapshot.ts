/**
 * Taking a snapshot (spec rule 1): snapshot:begin, every kind paged with a bounded limit, each
 * item validated (bad ones quarantined), then the whole upstream mirror replaced in ONE
 * transaction with the cursor set to the snapshot's asOfSeq.
 */
import { KINDS, SnapshotBegin, type Kind } from '../../../shared/district-link/protocol';
import type { Change } from '../../../shared/district-link/protocol';
import type { AppliedSummary, MirrorStore, QuarantinedChange } from './seams';
import { splitSnapshotItems } from './validate';

export interface SnapshotDeps {
  request(event: string, payload: unknown): Promise<unknown>;
  store: MirrorStore;
  pageSize: number;
  now: () => Date;
  /** False once the connection was replaced: stop paging, commit nothing. */
  isCurrent(): boolean;
}

/** A page must make progress; a server that loops on its cursor is cut off here. */
const MAX_PAGES_PER_KIND = 100_000;

export class SnapshotAbandoned extends Error {}

export async function takeSnapshot(deps: SnapshotDeps): Promise<{ summary: AppliedSummary; asOfSeq: number; epoch: string }> {
  const begin = SnapshotBegin.safeParse(await deps.request('link:snapshot:begin', {}));
  if (!begin.success) throw new Error(`link:snapshot:begin: invalid answer (${begin.error.issues[0]?.message ?? 'rejected'})`);
  const { snapshotId, epoch, asOfSeq } = begin.data;
  const at = deps.now().toISOString();
  const items: { kind: Kind; valid: Change[]; invalid: QuarantinedChange[] }[] = [];
  for (const kind of KINDS) {
    let cursor: string | null = null;
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES_PER_KIND) throw new Error(`link:snapshot:page ${kind}: more than ${MAX_PAGES_PER_KIND} pages`);
      const answer = (await deps.request('link:snapshot:page', { snapshotId, kind, ...(cursor !== null ? { cursor } : {}), limit: deps.pageSize })) as {
        items?: unknown;
        nextCursor?: unknown;
        error?: unknown;
      } | null;
      if (!deps.isCurrent()) throw new SnapshotAbandoned('the connection was replaced during the snapshot');
      if (!answer || !Array.isArray(answer.items) || (answer.nextCursor !== null && typeof answer.nextCursor !== 'string')) {
        throw new Error(`link:snapshot:page ${kind}: invalid answer ${JSON.stringify(answer).slice(0, 200)}`);
      }
      items.push({ kind, ...splitSnapshotItems(kind, answer.items as unknown[], asOfSeq, at) });
      if (answer.nextCursor === null) break;
      if (seen.has(answer.nextCursor)) throw new Error(`link:snapshot:page ${kind}: the cursor "${answer.nextCursor}" repeats`);
      seen.add(answer.nextCursor);
      cursor = answer.nextCursor;
    }
  }
  const serverId = deps.store.cursor().serverId ?? '';
  const summary = deps.store.replaceMirror(epoch, asOfSeq, serverId, items);
  return { summary, asOfSeq, epoch };
}
