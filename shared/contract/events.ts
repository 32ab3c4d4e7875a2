/**
 * Events the core pushes to renderers (IPC `subscribe`, socket.io namespace `/hall`).
 * Topics are `domain.noun`; payloads are small and coalesced by the emitter.
 */
import { z } from 'zod';
import { Station } from './entities';

export const events = {
  /** Heartbeat from the core; the renderer's connection indicator also listens to transport state. */
  'system.tick': z.object({ now: z.string() }),
  /** Stations changed (online state, position); carries the changed stations only. */
  'stations.changed': z.object({ stations: z.array(Station) }),
  /** The calling session ended (logout, expiry): the renderer returns to the login screen. */
  'auth.sessionEnded': z.object({ reason: z.string() }),
} as const;

export type Events = typeof events;
export type Topic = keyof Events;
export type EventOf<T extends Topic> = z.output<Events[T]>;

export function isTopic(name: string): name is Topic {
  return Object.prototype.hasOwnProperty.call(events, name);
}
