import type { Role, User } from '../../../shared/contract';

/** Who is calling. `null` user = no session (only public methods are allowed). */
export interface CallContext {
  user: (User & { sessionId: string }) | null;
  /** Where the call came from, for the audit log: 'ipc', 'http 127.0.0.1', 'wall:screen-1', … */
  origin: string;
}

export function anonymous(origin: string): CallContext {
  return { user: null, origin };
}

export function roleOf(ctx: CallContext): Role | null {
  return ctx.user?.role ?? null;
}
