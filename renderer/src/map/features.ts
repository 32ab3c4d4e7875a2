/**
 * Features of the operational layers when the core does not serve `map.features` (an older
 * core): built with the same shared builders the core uses (shared/map/features.ts), so ids and
 * properties match. Also the diff that turns two versions of a layer into one `updateData`
 * call (partial updates by feature id, never a full setData of a big source), and the patch
 * a new reading makes to its sensor.
 */
import type { AlertRecord, Camera, MapFeature, ReadingPoint, Sensor, Station } from '../../../shared/contract';
import { alertFeatures as alertAreaFeatures, alertIsActive, cameraFeature, sensorFeature, stationFeature, type PlaceResolver } from '../../../shared/map/features';
import { sensorStatus } from '../../../shared/map/colors';

type Props = MapFeature['properties'];

export function stationFeatures(stations: readonly Station[]): MapFeature[] {
  return stations.filter((s) => s.level !== 'district').map(stationFeature);
}

export function cameraFeatures(cameras: readonly Camera[]): MapFeature[] {
  return cameras.map(cameraFeature);
}

export function sensorFeatures(sensors: readonly Sensor[], latest: ReadonlyMap<string, ReadingPoint>): MapFeature[] {
  return sensors.map((s) => sensorFeature(s, latest.get(s.id)));
}

export function alertFeatures(alerts: readonly AlertRecord[], places: PlaceResolver, now = new Date()): MapFeature[] {
  return alerts.filter((a) => alertIsActive(a, now)).flatMap((a) => alertAreaFeatures(a, places).features);
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** The properties a new reading changes on its sensor's feature (one updateData entry). */
export function readingUpdate(feature: MapFeature, reading: ReadingPoint): Props {
  const p = feature.properties;
  return { value: reading.value, at: reading.at, status: sensorStatus(reading.value, { warn: num(p['warn']), danger: num(p['danger']) }) };
}

export interface FeatureDiff {
  add: MapFeature[];
  remove: string[];
  update: { id: string; newGeometry?: MapFeature['geometry']; addOrUpdateProperties?: { key: string; value: unknown }[] }[];
}

/** What changed between two versions of a layer, by feature id: the argument of updateData. */
export function diffFeatures(before: ReadonlyMap<string, MapFeature>, after: readonly MapFeature[]): FeatureDiff {
  const diff: FeatureDiff = { add: [], remove: [], update: [] };
  const seen = new Set<string>();
  for (const next of after) {
    seen.add(next.id);
    const prev = before.get(next.id);
    if (!prev) {
      diff.add.push(next);
      continue;
    }
    const geometryChanged = JSON.stringify(prev.geometry) !== JSON.stringify(next.geometry);
    const changed = Object.entries(next.properties).filter(([key, value]) => prev.properties[key] !== value);
    if (geometryChanged || changed.length) {
      diff.update.push({
        id: next.id,
        ...(geometryChanged ? { newGeometry: next.geometry } : {}),
        ...(changed.length ? { addOrUpdateProperties: changed.map(([key, value]) => ({ key, value })) } : {}),
      });
    }
  }
  for (const id of before.keys()) if (!seen.has(id)) diff.remove.push(id);
  return diff;
}

export const emptyDiff = (d: FeatureDiff) => !d.add.length && !d.remove.length && !d.update.length;
