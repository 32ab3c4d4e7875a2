/**
 * Demo life for places: now and then a demo village's link drops or comes back, as real
 * village terminals on 4G do. Each change is written to the store and pushed as an event.
 */
import type { EventBus } from '../events/bus';
import type { StationsRepo } from '../stations/stations-repo';
import { seededRandom } from '../../../shared/places';

export function startDemoStations(stations: StationsRepo, events: EventBus, now: () => Date, periodMs = 12_000): () => void {
  const random = seededRandom(Date.now() & 0xffff);
  const timer = setInterval(() => {
    const villages = stations.list({ level: 'village' }).filter((s) => s.demo);
    if (villages.length === 0) return;
    const offline = villages.filter((s) => !s.online);
    // Keep roughly 3–8 % offline: bring one back when many are down, otherwise drop one.
    const pool = offline.length > 4 || (offline.length > 0 && random() < 0.5) ? offline : villages.filter((s) => s.online);
    const pick = pool[Math.floor(random() * pool.length)];
    if (!pick) return;
    const changed = stations.setOnline(pick.code, !pick.online, now());
    if (changed) events.emit('stations.changed', { stations: [changed] });
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
