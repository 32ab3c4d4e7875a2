/**
 * How readings move: a calm baseline with noise and a daily cycle, afternoon showers, and storms
 * (龙舟水 / typhoon) whose rain peaks first while rivers and reservoirs peak later and recede
 * slowly — the order in which a duty officer sees it happen. Storms run on wall-clock time
 * compressed from simulated hours, so a 6-hour 龙舟水 can play out in a minute.
 */
import type { SensorSpec } from './catalogue';
import type { StormKind } from './sites';
import { hourOfDayCst, round, type Rng } from './util';

export interface StormState {
  kind: StormKind;
  name: string;
  startMs: number;
  /** Wall-clock length of the storm (its simulated hours, compressed). */
  durationMs: number;
  hours: number;
  /** Phases already announced (notices, typhoon warning levels), so none repeats. */
  announced: string[];
}

/** A local event on one sensor: a hotspot on a hill, a leak at a tank farm. */
export interface SensorEvent {
  sensorId: string;
  startMs: number;
  endMs: number;
  peak: number;
}

/** A passing shower over the district outside storms. */
export interface Shower {
  startMs: number;
  endMs: number;
  peak: number;
}

/** Storms last a little past their nominal end so the recession (and the Cancels) is reported. */
export const STORM_TAIL = 0.12;

export function stormProgress(storm: StormState, nowMs: number): number {
  return (nowMs - storm.startMs) / storm.durationMs;
}

/** 0 outside [a, b], rising smoothly to 1 at `peak` and falling back to 0 at b. */
export function skewBump(p: number, a: number, peak: number, b: number): number {
  if (p <= a || p >= b) return 0;
  if (p <= peak) return Math.sin(((p - a) / (peak - a)) * (Math.PI / 2)) ** 2;
  return Math.cos(((p - peak) / (b - peak)) * (Math.PI / 2)) ** 2;
}

const STORM_RAIN_PEAK: Record<StormKind, number> = { 'dragon-boat': 78, typhoon: 66 };

/** Rain at the storm's core in mm/h: 龙舟水 comes in pulses; a typhoon's rain band is broad. */
export function stormRain(storm: StormState, p: number): number {
  if (storm.kind === 'dragon-boat') {
    const pulses = 0.78 + 0.22 * Math.cos(p * 6 * Math.PI);
    return STORM_RAIN_PEAK['dragon-boat'] * skewBump(p, 0.02, 0.4, 0.82) * pulses;
  }
  return STORM_RAIN_PEAK.typhoon * skewBump(p, 0.08, 0.5, 0.9);
}

/** Rivers and reservoirs respond hours after the rain: a later, slower bump. */
function levelShape(type: 'river' | 'reservoir', p: number): number {
  return type === 'river' ? skewBump(p, 0.12, 0.62, 1.0) : skewBump(p, 0.08, 0.58, 1.0);
}

export function showerRain(shower: Shower | null, nowMs: number): number {
  if (!shower || nowMs <= shower.startMs || nowMs >= shower.endMs) return 0;
  return shower.peak * Math.sin((Math.PI * (nowMs - shower.startMs)) / (shower.endMs - shower.startMs));
}

function eventValue(event: SensorEvent | undefined, nowMs: number): number {
  if (!event || nowMs <= event.startMs || nowMs >= event.endMs) return 0;
  // Quick rise, slower fall: a flare-up or a leak that is found and stopped.
  const x = (nowMs - event.startMs) / (event.endMs - event.startMs);
  return event.peak * (x < 0.25 ? x / 0.25 : 1 - (x - 0.25) / 0.75);
}

export interface WeatherNow {
  storm: StormState | null;
  shower: Shower | null;
  events: Map<string, SensorEvent>;
}

/** The reading a sensor would report now, rounded as the instrument reports it. */
export function sensorValue(spec: SensorSpec, nowMs: number, weather: WeatherNow, rng: Rng): number {
  const storm = weather.storm;
  const p = storm ? stormProgress(storm, nowMs) : -1;
  const rainCore = (storm ? stormRain(storm, p) : 0) + showerRain(weather.shower, nowMs);
  const hour = hourOfDayCst(nowMs);
  let value: number;
  switch (spec.sensor.type) {
    case 'rain': {
      const factor = storm ? spec.storm[storm.kind] : 1;
      const rain = rainCore * factor;
      value = rain > 0.05 ? Math.max(0, rain * (1 + rng.gauss(spec.noise))) : 0;
      break;
    }
    case 'river':
    case 'reservoir': {
      const rise = storm ? spec.storm[storm.kind] * levelShape(spec.sensor.type, p) : 0;
      // Hydropower releases upstream peak in the evening demand hours.
      const daily = spec.diurnal * Math.sin((2 * Math.PI * (hour - 13)) / 24);
      value = spec.base + daily + rise + rng.gauss(spec.noise);
      break;
    }
    case 'waterlog': {
      // Drains take about 25 mm/h; beyond that water stands, roughly 0.8 cm per extra mm/h.
      const factor = storm ? spec.storm[storm.kind] : 1;
      const depth = (rainCore * factor - 25) * 0.8;
      value = depth > 0 ? depth + rng.gauss(spec.noise) : 0;
      value = Math.max(0, value);
      break;
    }
    case 'fire': {
      const cooling = storm ? spec.storm[storm.kind] * Math.min(1, rainCore / 20) : 0;
      value = spec.base + spec.diurnal * Math.sin((2 * Math.PI * (hour - 9)) / 24) + cooling + rng.gauss(spec.noise);
      value += eventValue(weather.events.get(spec.id), nowMs);
      break;
    }
    case 'gas': {
      value = Math.abs(spec.base + rng.gauss(spec.noise)) + eventValue(weather.events.get(spec.id), nowMs);
      break;
    }
  }
  return round(value, spec.digits);
}
