/**
 * Small helpers of the district simulator: times as the platform writes them (ISO with +08:00,
 * as the spec requires), a PRNG whose state can be saved (so a restarted simulator continues the
 * same weather rather than replaying it), and the duration syntax of the CLI (`6h`, `60s`).
 */

const CST_OFFSET_MS = 8 * 3_600_000;

/** `2024-06-01T14:03:07.125+08:00`: the wall time in China with an explicit offset. */
export function isoLocal(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().replace('Z', '+08:00');
}

/** Hour of the day in China (0–24, fractional), for diurnal drift. */
export function hourOfDayCst(ms: number): number {
  return ((ms + CST_OFFSET_MS) % 86_400_000) / 3_600_000;
}

/** mulberry32, as shared/places' seededRandom, but with a state that can be stored and restored. */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Roughly normal noise (sum of uniforms): enough for sensor jitter. */
  gauss(sigma: number): number {
    return (this.next() + this.next() + this.next() - 1.5) * 2 * sigma;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** `90` / `90s` → 90 s, `5m` → 300 s, `6h` → 21 600 s, `1500ms` → 1.5 s. Null when unreadable. */
export function parseDurationSeconds(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 0.001 : unit === 's' ? 1 : unit === 'm' ? 60 : 3600;
  return value * factor;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Offset a point by metres east/north (small distances; good to a few metres at this latitude). */
export function offsetMeters(lat: number, lon: number, east: number, north: number): { lat: number; lon: number } {
  const dLat = north / 110_574;
  const dLon = east / (111_320 * Math.cos((lat * Math.PI) / 180));
  return { lat: round(lat + dLat, 6), lon: round(lon + dLon, 6) };
}
