/**
 * The video catalogue as tiles see it: one `video.cameras.list` per window shared by every tile,
 * re-read when it is older than a little while or when a tile asks for a fresh look.
 */
import type { VideoCamera } from '../../../shared/contract';
import type { HallClient } from '../client/hall-client';

const MAX_AGE_MS = 30_000;

interface Cache {
  at: number;
  list: Promise<VideoCamera[]>;
}

const caches = new WeakMap<HallClient, Cache>();

export function cameraLookup(client: HallClient): (id: string, fresh?: boolean) => Promise<VideoCamera | null> {
  return async (id, fresh = false) => {
    let cache = caches.get(client);
    if (!cache || fresh || Date.now() - cache.at > MAX_AGE_MS) {
      const list = client.invoke('video.cameras.list', {}).then((r) => (r.ok ? r.value : []));
      cache = { at: Date.now(), list };
      caches.set(client, cache);
    }
    const found = (await cache.list).find((c) => c.id === id) ?? null;
    // A camera added since the list was read: look once more.
    if (!found && !fresh && Date.now() - cache.at > 2000) return cameraLookup(client)(id, true);
    return found;
  };
}
