/**
 * Exponential backoff with jitter, shared by the connection (1 s → 30 s) and the outbox
 * (1 s → 5 min). "Equal jitter": half the delay is fixed, half random, so retries of many
 * consoles spread out while none retries sooner than half its step.
 */
export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
}

/** Delay before attempt `attempt` (1 = the first retry), with `random()` in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.minMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(step / 2 + (step / 2) * random());
}
