/**
 * The view lock of a wall map: it auto-fits only when the set of active alerts changes, and never
 * fights an operator — while a gesture is under way, and for `holdMs` after it, a fit waits.
 * Pure (the clock is passed in) so it is unit-tested without a map.
 */
export interface ViewLockOptions {
  /** How long after an operator's gesture the map stays where they left it. */
  holdMs: number;
}

export type ViewLockDecision = 'fit' | 'wait' | 'none';

export function createViewLock(options: ViewLockOptions) {
  let known: string | null = null;
  let gesturing = false;
  let heldUntil = 0;
  let pending = false;

  const key = (ids: Iterable<string>) => [...new Set(ids)].sort().join('\n');
  const held = (now: number) => gesturing || now < heldUntil;

  return {
    /** The active alerts now; 'fit' when the set changed and nobody is holding the map. */
    alerts(ids: Iterable<string>, now: number): ViewLockDecision {
      const next = key(ids);
      if (next === known) return pending && !held(now) ? ((pending = false), 'fit') : 'none';
      known = next;
      if (held(now)) {
        pending = true;
        return 'wait';
      }
      pending = false;
      return 'fit';
    },
    gestureStart(): void {
      gesturing = true;
    },
    gestureEnd(now: number): void {
      gesturing = false;
      heldUntil = now + options.holdMs;
    },
    /** Called on a timer: a fit that waited for the operator may run now. */
    tick(now: number): ViewLockDecision {
      if (!pending) return 'none';
      if (held(now)) return 'wait';
      pending = false;
      return 'fit';
    },
  };
}
export type ViewLock = ReturnType<typeof createViewLock>;
