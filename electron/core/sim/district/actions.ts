/**
 * Operator actions arriving from consoles. Every id received is recorded and counted; the id is
 * the idempotency key, so a repeated id gets the FIRST final answer back (marked duplicate) and
 * is never performed twice. Scenario knobs make answers late, lost, or retryable failures —
 * what a console's outbox has to ride out.
 */
import { Action, type ActionResult } from '../../../../shared/district-link/protocol';
import type { SimStore } from './store';
import { isoLocal } from './util';

export interface ActionFaults {
  /** Answer every action this much later. */
  delayMs: number;
  /** Record and perform the next N actions but send no answer. */
  dropAnswers: number;
  /** Answer the next N actions with a retryable failure (nothing performed, nothing stored). */
  failRetryably: number;
}

function fail(code: string, message: string, retryable = false): ActionResult {
  return { ok: false, retryable, error: { code, message } };
}

function requireString(payload: Record<string, unknown>, field: string, type: string): ActionResult | null {
  const v = payload[field];
  return typeof v === 'string' && v.length > 0 ? null : fail('invalid_payload', `${type}: payload.${field} must be a non-empty string, got ${JSON.stringify(v)}`);
}

/** What the platform does with an action it accepts (it only records; the result says so). */
function perform(action: Action, knownAlert: (id: string) => boolean, nowMs: number): ActionResult {
  const p = action.payload;
  const at = isoLocal(nowMs);
  switch (action.type) {
    case 'alert.ack':
      return requireString(p, 'alertId', action.type) ?? { ok: true, result: { alertId: p['alertId'], ackedAt: at, ackedBy: action.by, known: knownAlert(String(p['alertId'])) } };
    case 'alert.close':
      return (
        requireString(p, 'alertId', action.type) ??
        requireString(p, 'resolution', action.type) ?? { ok: true, result: { alertId: p['alertId'], closedAt: at, closedBy: action.by, known: knownAlert(String(p['alertId'])) } }
      );
    case 'incident.report': {
      const incident = p['incident'];
      if (typeof incident !== 'object' || incident === null) return fail('invalid_payload', `incident.report: payload.incident must be an object, got ${JSON.stringify(incident)}`);
      return { ok: true, result: { platformRef: `YC-INC-${at.slice(0, 10).replace(/-/g, '')}-${action.id.slice(0, 8)}`, receivedAt: at } };
    }
    case 'broadcast.report':
      return requireString(p, 'releaseId', action.type) ?? { ok: true, result: { releaseId: p['releaseId'], receivedAt: at } };
    default:
      return fail('unknown_action_type', `action type "${action.type}" is not one of alert.ack, alert.close, incident.report, broadcast.report`);
  }
}

/**
 * Handle one `link:action`. `answer` is called at most once (never when the answer is dropped).
 */
export function handleAction(raw: unknown, answer: (result: ActionResult) => void, ctx: { store: SimStore; faults: ActionFaults; knownAlert: (id: string) => boolean; nowMs: number; log: (line: string) => void }): void {
  const { store, faults } = ctx;
  const send = (result: ActionResult) => {
    if (faults.dropAnswers > 0) {
      faults.dropAnswers--;
      ctx.log(`action: answer to ${String((raw as { id?: unknown } | null)?.id)} dropped (scenario)`);
      return;
    }
    if (faults.delayMs > 0) setTimeout(() => answer(result), faults.delayMs).unref();
    else answer(result);
  };
  const rawId = (raw as { id?: unknown } | null)?.id;
  const rawType = (raw as { type?: unknown } | null)?.type;
  const parsed = Action.safeParse(raw);
  if (!parsed.success) {
    const message = `link:action refused: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(action)'} ${i.message}`).join('; ')}`;
    const result = fail('invalid_action', message);
    if (typeof rawId === 'string' && rawId.length <= 200) {
      store.receiveAction(rawId, typeof rawType === 'string' ? rawType.slice(0, 64) : '?');
      store.settleAction(rawId, result);
    }
    send(result);
    return;
  }
  const action = parsed.data;
  const stored = store.receiveAction(action.id, action.type);
  if (stored.result) {
    send(stored.result.ok ? { ...stored.result, duplicate: true } : stored.result);
    return;
  }
  if (faults.failRetryably > 0) {
    faults.failRetryably--;
    send(fail('unavailable', `${action.type} ${action.id}: the platform is busy (scenario), try again`, true));
    return;
  }
  const result = perform(action, ctx.knownAlert, ctx.nowMs);
  store.settleAction(action.id, result);
  send(result);
}
