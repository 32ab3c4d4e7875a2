/**
 * Built-in named views: the whole district (its boundary's bbox) and one per town/street (its
 * seat and its villages, padded). They are computed from current places, so a place the
 * district link moves moves its view too; custom views come from MapViewsRepo.
 */
import type { BBox, MapView, Station } from '../../../shared/contract';
import { DISTRICT } from '../../../shared/places';

/** Padding around a town's villages, in degrees (~1.5 km); a town without villages gets ±3 km. */
const TOWN_PAD_DEG = 0.014;
const TOWN_EMPTY_HALF_DEG = 0.028;

function center(b: BBox): [number, number] {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

/** Web-Mercator zoom that fits a bbox into a ~1920 px wide view; the renderer prefers `bounds`. */
export function zoomForBBox(b: BBox, widthPx = 1920, heightPx = 1080): number {
  const lonSpan = Math.max(b[2] - b[0], 1e-6);
  const latSpan = Math.max(b[3] - b[1], 1e-6);
  const cosLat = Math.cos((((b[1] + b[3]) / 2) * Math.PI) / 180);
  const zLon = Math.log2((widthPx * 360) / (256 * lonSpan));
  const zLat = Math.log2((heightPx * 360 * cosLat) / (256 * latSpan));
  return Math.round(Math.max(0, Math.min(20, Math.min(zLon, zLat))) * 10) / 10;
}

export function builtInViews(districtBBox: BBox, stations: readonly Station[]): MapView[] {
  const district: MapView = {
    id: 'district',
    name: `${DISTRICT.name}全境`,
    kind: 'district',
    center: center(districtBBox),
    zoom: zoomForBBox(districtBBox),
    bearing: 0,
    pitch: 0,
    bounds: districtBBox,
    builtIn: true,
  };
  const towns = stations
    .filter((s) => s.level === 'town')
    .map<MapView>((town) => {
      const villages = stations.filter((s) => s.level === 'village' && s.parentCode === town.code);
      const lons = [town.lon, ...villages.map((v) => v.lon)];
      const lats = [town.lat, ...villages.map((v) => v.lat)];
      const pad = villages.length > 0 ? TOWN_PAD_DEG : TOWN_EMPTY_HALF_DEG;
      const bounds: BBox = [Math.min(...lons) - pad, Math.min(...lats) - pad, Math.max(...lons) + pad, Math.max(...lats) + pad];
      return {
        id: `town-${town.code}`,
        name: town.name,
        kind: 'town',
        center: [town.lon, town.lat],
        zoom: zoomForBBox(bounds),
        bearing: 0,
        pitch: 0,
        bounds,
        builtIn: true,
      };
    });
  return [district, ...towns];
}
