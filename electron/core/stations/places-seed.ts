/**
 * Built-in places: 源城区 and its towns/streets (official codes, shared/places/district.ts), and
 * in demo mode 68 generated villages/communities, each clearly labelled as demo, with a 12-digit
 * code under its town and a position inside the real district boundary.
 */
import fs from 'node:fs';
import { DISTRICT, TOWN_SEATS, pointInMultiPolygon, seededRandom, type PolygonCoords } from '../../../shared/places';
import type { Station } from '../../../shared/contract';
import { resourcePath } from '../resources';

let boundaryCache: PolygonCoords[] | null = null;

/** The district boundary (MultiPolygon coordinates) from resources/places. */
export function districtBoundary(): PolygonCoords[] {
  if (boundaryCache) return boundaryCache;
  const geojson = JSON.parse(fs.readFileSync(resourcePath('places', 'yuancheng-441602.geojson'), 'utf8')) as {
    features: { geometry: { type: string; coordinates: unknown } }[];
  };
  const geometry = geojson.features[0]!.geometry;
  boundaryCache = (geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates]) as PolygonCoords[];
  return boundaryCache;
}

export function referencePlaces(): Station[] {
  const district: Station = { code: DISTRICT.code, name: DISTRICT.name, level: 'district', lat: DISTRICT.lat, lon: DISTRICT.lon, online: true, demo: false };
  const towns = TOWN_SEATS.map<Station>((t) => ({
    code: t.code,
    name: t.name,
    level: 'town',
    parentCode: DISTRICT.code,
    lat: t.lat,
    lon: t.lon,
    online: true,
    demo: false,
    ...(t.note ? { note: t.note } : {}),
  }));
  return [district, ...towns];
}

const KM_PER_DEG_LAT = 110.574;

/**
 * Demo villages: streets get 社区 (village-part codes 001–099, as in the national scheme for
 * residents' committees), towns get 村 (codes from 201, villagers' committees). Positions are
 * scattered around the town seat with a fixed seed and kept inside the district boundary.
 */
export function demoVillages(seed = 441602): Station[] {
  const random = seededRandom(seed);
  const boundary = districtBoundary();
  const villages: Station[] = [];
  for (const town of TOWN_SEATS) {
    for (let i = 1; i <= town.demoVillages; i++) {
      const serial = town.kind === 'street' ? i : 200 + i;
      const code = town.code.slice(0, 9) + String(serial).padStart(3, '0');
      const label = town.kind === 'street' ? `演示社区${String(i).padStart(2, '0')}` : `演示村${String(i).padStart(2, '0')}`;
      let lat = town.lat;
      let lon = town.lon;
      for (let attempt = 0; attempt < 200; attempt++) {
        const r = town.spreadKm * Math.sqrt(random());
        const theta = 2 * Math.PI * random();
        const candLat = town.lat + (r * Math.sin(theta)) / KM_PER_DEG_LAT;
        const candLon = town.lon + (r * Math.cos(theta)) / (111.32 * Math.cos((town.lat * Math.PI) / 180));
        if (pointInMultiPolygon(candLon, candLat, boundary)) {
          lat = candLat;
          lon = candLon;
          break;
        }
      }
      villages.push({
        code,
        name: `${town.name.replace(/(街道|镇)$/, '')}${label}`,
        level: 'village',
        parentCode: town.code,
        lat: Math.round(lat * 1e6) / 1e6,
        lon: Math.round(lon * 1e6) / 1e6,
        online: random() > 0.06,
        demo: true,
      });
    }
  }
  return villages;
}
