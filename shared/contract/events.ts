/**
 * Events the core pushes to renderers (IPC `subscribe`, socket.io namespace `/hall`).
 * Topics are `domain.noun`; payloads are small and coalesced by the emitter.
 */
import { z } from 'zod';
import { Station } from './entities';
import { LinkStatus, ReadingPoint } from './link';
import { MapView } from './map';
import { AlertLevel } from './alerts';
import { WallState } from './wall';
import { DeliveryCounts, DeviceInfo, WarningStatus } from './warnings';

export const events = {
  /** Heartbeat from the core; the renderer's connection indicator also listens to transport state. */
  'system.tick': z.object({ now: z.string() }),
  /** Stations changed (online state, position); carries the changed stations only. */
  'stations.changed': z.object({ stations: z.array(Station) }),
  /** The calling session ended (logout, expiry): the renderer returns to the login screen. */
  'auth.sessionEnded': z.object({ reason: z.string() }),
  /** The district link's state changed (or its counters moved; at most a few per second). */
  'link.status': LinkStatus,
  /**
   * Upstream changes were applied, coalesced (one event per ~250 ms, not one per change):
   * how many of each kind, and the ids that changed so stores can refetch what they show.
   */
  'mirror.changed': z.object({
    upTo: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    ids: z.record(z.string(), z.array(z.string())),
    /** true after a snapshot replaced the mirror: refetch everything. */
    reset: z.boolean(),
  }),
  /** New latest readings, coalesced: the newest value per sensor since the last event. */
  'readings.changed': z.object({ latest: z.array(ReadingPoint) }),
  /** A custom map view was saved or deleted: every named view now (built-in first; a short list). */
  'map.views.changed': z.object({ views: z.array(MapView) }),
  /** Desk alerts changed (raised, updated, acknowledged, closed…); reset: refetch the list. */
  'alerts.changed': z.object({ ids: z.array(z.string()), reset: z.boolean() }),
  /**
   * An orange/red alert stayed unacknowledged: stage 1 reminds the desk, stage 2 notifies the
   * commanders. Renderers ring again and show it.
   */
  'alerts.reminder': z.object({ id: z.string(), stage: z.number().int().min(1).max(2), level: AlertLevel, headline: z.string(), minutes: z.number() }),
  /** The wall changed (scene applied, region set, takeover, schedule): the whole state, small. */
  'wall.changed': WallState,
  /** Warnings changed (created, approved, released, finished…): refetch these. */
  'warnings.changed': z.object({ ids: z.array(z.string()) }),
  /** A release moved (coalesced, at most ~4 per second per warning): its counts now. */
  'warnings.progress': z.object({ id: z.string(), status: WarningStatus, counts: DeliveryCounts }),
  /** Incidents changed (level, checklist, tasks, evacuation, losses, log…): refetch these. */
  'incidents.changed': z.object({ ids: z.array(z.string()), parts: z.array(z.string()) }),
  /** A device's health changed. */
  'devices.changed': z.object({ devices: z.array(DeviceInfo) }),
} as const;

export type Events = typeof events;
export type Topic = keyof Events;
export type EventOf<T extends Topic> = z.output<Events[T]>;

export function isTopic(name: string): name is Topic {
  return Object.prototype.hasOwnProperty.call(events, name);
}
