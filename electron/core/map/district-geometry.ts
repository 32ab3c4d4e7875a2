/**
 * The district boundary as the map serves it. The shipped file (resources/places/
 * yuancheng-441602.geojson) is derived from DataV.GeoAtlas, which publishes GCJ-02 like every
 * Gaode-based source; the map contract is WGS-84, so it is converted once on load (a shift of
 * ~500 m to the south-west here). Demo village placement (stations/places-seed.ts) still uses the
 * unconverted ring: its ~1 km tolerance makes the difference immaterial.
 */
import type { BBox, MapGeometry } from '../../../shared/contract';
import { convertCoordinates, geometryBBox, type Datum } from '../../../shared/map';
import { districtBoundary } from '../stations/places-seed';

export const BOUNDARY_SOURCE_DATUM: Datum = 'GCJ-02';

let cache: MapGeometry | null = null;

/** The district boundary as a WGS-84 MultiPolygon. */
export function districtBoundaryWgs84(): MapGeometry {
  cache ??= { type: 'MultiPolygon', coordinates: convertCoordinates(districtBoundary(), BOUNDARY_SOURCE_DATUM, 'WGS-84') };
  return cache;
}

export function districtBBox(): BBox {
  return geometryBBox(districtBoundaryWgs84());
}
