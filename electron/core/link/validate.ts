/** Splits what the platform sent into changes to apply and items to quarantine, with the reason. */
import { MAX_BATCH_BYTES, MAX_BATCH_CHANGES, validateChange, type Change, type Kind } from '../../../shared/district-link/protocol';
import type { QuarantinedChange } from './seams';

function field(raw: unknown, key: string): string | null {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

export function splitBatch(changes: readonly unknown[]): { valid: Change[]; invalid: QuarantinedChange[]; maxSeq: number } {
  const valid: Change[] = [];
  const invalid: QuarantinedChange[] = [];
  let maxSeq = 0;
  for (const raw of changes) {
    const checked = validateChange(raw);
    if (checked.ok) {
      valid.push(checked.change);
      maxSeq = Math.max(maxSeq, checked.change.seq);
    } else {
      invalid.push({ seq: checked.seq, kind: field(raw, 'kind'), itemId: field(raw, 'id'), reason: checked.reason, raw });
      if (checked.seq !== null) maxSeq = Math.max(maxSeq, checked.seq);
    }
  }
  return { valid, invalid, maxSeq };
}

/** A snapshot item validated as an upsert of `kind` at `asOfSeq`; `at` is when it was taken. */
export function splitSnapshotItems(kind: Kind, items: readonly unknown[], asOfSeq: number, at: string): { valid: Change[]; invalid: QuarantinedChange[] } {
  const valid: Change[] = [];
  const invalid: QuarantinedChange[] = [];
  for (const item of items) {
    const id = field(item, 'id');
    const data = typeof item === 'object' && item !== null ? (item as { data?: unknown }).data : undefined;
    const checked = id === null ? null : validateChange({ seq: asOfSeq, kind, op: 'upsert', id, at, data });
    if (checked?.ok) valid.push(checked.change);
    else invalid.push({ seq: null, kind, itemId: id, reason: `snapshot ${kind}: ${checked ? checked.reason : 'item without a string id'}`, raw: item });
  }
  return { valid, invalid };
}


/** Why a batch breaks the spec's payload limits (≤ 1000 changes, ≤ 1 MiB of JSON), or null. */
export function oversizedReason(payload: unknown, changes: readonly unknown[]): string | null {
  // Counting first spares serialising a batch that is already too long.
  const bytes = changes.length > MAX_BATCH_CHANGES ? null : Buffer.byteLength(JSON.stringify(payload));
  if (bytes !== null && bytes <= MAX_BATCH_BYTES) return null;
  const seqs = changes.map((c) => (c as { seq?: unknown } | null)?.seq).filter((s): s is number => typeof s === 'number');
  const range = seqs.length ? `seq ${Math.min(...seqs)}–${Math.max(...seqs)}` : 'no seqs';
  const size = bytes === null ? `${changes.length} changes` : `${changes.length} changes, ${bytes} bytes`;
  return `oversized batch (${size}; limits ${MAX_BATCH_CHANGES} changes and ${MAX_BATCH_BYTES} bytes), ${range}`;
}
