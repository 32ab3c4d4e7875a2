/**
 * GCJ-02 ↔ WGS-84. GCJ-02 ("Mars coordinates") is the obfuscated datum every map published in
 * mainland China must use: Gaode/AutoNavi, Tencent, 天地图's commercial mirrors, DataV.GeoAtlas
 * boundaries (our district boundary) and most Chinese web data. It is WGS-84 plus a smooth,
 * position-dependent offset of a few hundred metres, defined only inside China; outside China the
 * two are identical. GPS, the district platform (District Link v1) and the map contract are
 * WGS-84. Baidu's BD-09 is a further offset on top of GCJ-02 and is not handled here.
 *
 * Forward: the widely published formula on the Krasovsky 1940 ellipsoid. Reverse: there is no
 * closed form, so iterate `wgs ← wgs − (toGcj(wgs) − gcj)` until the step is below 1e-7°
 * (converges in a handful of rounds; the error is far below 1e-6°, i.e. < 0.1 m).
 *
 * Datum per source in this console:
 *  - resources/places/yuancheng-441602.geojson (DataV.GeoAtlas): GCJ-02 → converted on load
 *  - town seats (shared/places/district.ts), demo villages, district link entities: WGS-84
 *  - configured basemaps: as their `datum` says (天地图 is CGCS2000 ≈ WGS-84; Gaode tiles GCJ-02)
 */

/** Semi-major axis and eccentricity² of the Krasovsky 1940 ellipsoid. */
const A = 6378245.0;
const EE = 0.006693421622965943;

/** The rough rectangle outside which GCJ-02 applies no offset (the usual test). */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLon(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** WGS-84 → GCJ-02, both `[lon, lat]`. Points outside China are returned unchanged. */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  if (outOfChina(lon, lat)) return [lon, lat];
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 → WGS-84 by iteration, both `[lon, lat]`; the round trip is within 1e-6°. */
export function gcj02ToWgs84(lon: number, lat: number): [number, number] {
  if (outOfChina(lon, lat)) return [lon, lat];
  let wLon = lon;
  let wLat = lat;
  for (let i = 0; i < 30; i++) {
    const [gLon, gLat] = wgs84ToGcj02(wLon, wLat);
    const stepLon = gLon - lon;
    const stepLat = gLat - lat;
    wLon -= stepLon;
    wLat -= stepLat;
    if (Math.abs(stepLon) < 1e-7 && Math.abs(stepLat) < 1e-7) break;
  }
  return [wLon, wLat];
}

export type Datum = 'WGS-84' | 'GCJ-02';

/** Convert a `[lon, lat]` from one datum to another (identity when they are the same). */
export function convertPosition(position: readonly [number, number], from: Datum, to: Datum): [number, number] {
  if (from === to) return [position[0], position[1]];
  return from === 'GCJ-02' ? gcj02ToWgs84(position[0], position[1]) : wgs84ToGcj02(position[0], position[1]);
}

/** Convert every position of nested GeoJSON coordinate arrays (rings, polygons, multipolygons). */
export function convertCoordinates<T>(coordinates: T, from: Datum, to: Datum): T {
  if (from === to) return coordinates;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
      return convertPosition([value[0], value[1]], from, to);
    }
    return Array.isArray(value) ? value.map(walk) : value;
  };
  return walk(coordinates) as T;
}
