/**
 * Contract types of the map (issue 4): basemaps, operational layers, GeoJSON features and named
 * views. Every coordinate that crosses this contract is WGS-84 `[lon, lat]` (GeoJSON order); a
 * source in GCJ-02 is converted by the core before it gets here (shared/map/coords.ts).
 */
import { z } from 'zod';

export const MAP_DATUMS = ['WGS-84', 'GCJ-02'] as const;
export const MapDatum = z.enum(MAP_DATUMS);
export type MapDatum = z.infer<typeof MapDatum>;

export const BASEMAP_KINDS = ['offline', 'xyz', 'style', 'pmtiles'] as const;
export const BasemapKind = z.enum(BASEMAP_KINDS);
export type BasemapKind = z.infer<typeof BasemapKind>;

/**
 * A basemap the operator can switch to. The built-in one (id 'offline', kind 'offline', no url)
 * is the renderer's resources/map/offline-style.json plus the 'district-boundary' and 'places'
 * layers of map.features; it is always first and needs no network. Configured ones follow, in
 * config order: kind 'xyz' has a `{z}/{x}/{y}` tile URL template, 'style' a MapLibre style URL
 * (style spec v8), 'pmtiles' the http(s) URL of a PMTiles v3 archive (range requests) — for an
 * archive that is a local file of the console, the path `/basemaps/<id>.pmtiles` on the console's
 * own origin, which serves it (never the file's path on disk). `datum` says which datum the tiles
 * are drawn in: a GCJ-02 basemap is offset ~500 m from the WGS-84 features unless the renderer
 * shifts it.
 */
export const Basemap = z.object({
  id: z.string(),
  name: z.string(),
  kind: BasemapKind,
  datum: MapDatum,
  url: z.string().optional(),
  attribution: z.string().optional(),
  /** Exactly one basemap is the default: the offline one. */
  default: z.boolean().optional(),
});
export type Basemap = z.infer<typeof Basemap>;

/** Layer ids the core serves; the `available: false` ones are slots that later issues fill. */
export const MAP_LAYER_IDS = [
  'district-boundary',
  'places',
  'stations',
  'cameras',
  'sensors',
  'alerts',
  'devices',
  'incidents',
  'shelters',
  'warehouses',
  'teams',
  'hazmat-sites',
  'evacuation-zones',
] as const;
export const MapLayerId = z.enum(MAP_LAYER_IDS);
export type MapLayerId = z.infer<typeof MapLayerId>;

export const MapLayerKind = z.enum(['point', 'polygon', 'mixed']);
export type MapLayerKind = z.infer<typeof MapLayerKind>;

/** One legend row; `value` is what the feature's `properties.status` holds for that colour. */
export const LegendEntry = z.object({ label: z.string(), color: z.string(), value: z.string().optional() });
export type LegendEntry = z.infer<typeof LegendEntry>;

export const MapLayerInfo = z.object({
  id: MapLayerId,
  /** zh-CN display name. */
  name: z.string(),
  kind: MapLayerKind,
  /** false for slots no domain fills yet: the renderer shows them greyed, map.features returns none. */
  available: z.boolean(),
  /** How many features the layer has now (no bbox). */
  count: z.number().int().min(0),
  legend: z.array(LegendEntry),
  /** A hint: dense point layers should be clustered by the renderer. */
  cluster: z.boolean(),
  /** Part of the basemap (boundary, place labels) rather than an operational, toggleable layer. */
  base: z.boolean(),
});
export type MapLayerInfo = z.infer<typeof MapLayerInfo>;

/** [lon, lat] in WGS-84. */
export const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type LonLat = z.infer<typeof LonLat>;

/** [west, south, east, north] in WGS-84 degrees. */
export const BBox = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .refine(([w, s, e, n]) => w <= e && s <= n, { message: 'a bbox [west, south, east, north] with west ≤ east and south ≤ north' });
export type BBox = z.infer<typeof BBox>;

const Position = z.tuple([z.number(), z.number()]);
export const PointGeometry = z.object({ type: z.literal('Point'), coordinates: Position });
export const PolygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position)) });
export const MultiPolygonGeometry = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(Position))) });
export const MapGeometry = z.discriminatedUnion('type', [PointGeometry, PolygonGeometry, MultiPolygonGeometry]);
export type MapGeometry = z.infer<typeof MapGeometry>;

/** Flat properties only (MapLibre expressions read them directly; nested objects would be stringified). */
export const FeatureProperties = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type FeatureProperties = z.infer<typeof FeatureProperties>;

/**
 * A feature with a stable string `id` (the same across calls, so `updateData` can diff). Every
 * feature's properties also carry:
 *  - `fid`: the feature id again (MapLibre drops non-integer feature ids from tiles: use
 *    `promoteId: 'fid'` on the source),
 *  - `id`: the id of the thing it shows (station code, camera id, sensor id, alert id …),
 *  - `layer`: the layer id, `name`: a zh label, `status`: the legend value that colours it.
 * Layer-specific properties:
 *  - stations: code, level ('town'|'village'), parentCode, online, demo, dutyName, dutyPhone
 *  - places: code, level ('district'|'town'|'village')   (label points)
 *  - district-boundary: code '441602'
 *  - cameras: stationCode, online, ptz, codec
 *  - sensors: stationCode, type, unit, value (null without a reading), at, warn, danger
 *  - devices: kind, stationCode, state ('online'|'offline'|'fault'), reason, lastGoodAt, simulated
 *  - alerts: alertId, level, type, headline, areaDesc, areaKind ('polygon'|'circle'|'geocode'),
 *    geocode (the division code, for geocode areas), radiusKm (circles), sent, msgType
 *  - incidents (active and closing, a point at the station, else `place.point`, else the centre of
 *    its first CAP circle/polygon; `status` is the level 'I'…'IV' or 'none'): incidentId, title,
 *    level (null before one is set), incidentStatus ('active'|'closing'), type, stationCode,
 *    placeDesc, occurredAt, commander
 *  - evacuation-zones (a point per village record of an incident in progress, at the village;
 *    `id` is `<incidentId>/<stationCode>`, `status` the zone status 'watch'|'prepare'|'evacuate'|
 *    'shelter-in-place'|'lifted'|'drill'): incidentId, incidentTitle, stationCode, townCode,
 *    toMove, moved, shelter, updatedAt
 */
export const MapFeature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: MapGeometry,
  properties: FeatureProperties,
});
export type MapFeature = z.infer<typeof MapFeature>;

export const MapFeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(MapFeature),
});
export type MapFeatureCollection = z.infer<typeof MapFeatureCollection>;

export const MapViewKind = z.enum(['district', 'town', 'custom']);
export type MapViewKind = z.infer<typeof MapViewKind>;

/**
 * A named view. Built-in ones ('district', and one per town with id `town-<code>`) come with
 * `bounds` to fit (the renderer should prefer fitBounds over center/zoom when bounds exist) and
 * cannot be deleted; custom ones are saved by staff.
 */
export const MapView = z.object({
  id: z.string(),
  name: z.string(),
  kind: MapViewKind,
  center: LonLat,
  zoom: z.number().min(0).max(24),
  bearing: z.number(),
  pitch: z.number(),
  bounds: BBox.optional(),
  builtIn: z.boolean(),
  createdBy: z.string().optional(),
  createdAt: z.string().optional(),
});
export type MapView = z.infer<typeof MapView>;

export const SaveMapViewParams = z
  .object({
    /** Saving a name that a custom view already has replaces that view (same id). */
    name: z.string().trim().min(1).max(60),
    center: LonLat,
    zoom: z.number().min(0).max(24),
    bearing: z.number().min(-360).max(360).optional(),
    pitch: z.number().min(0).max(85).optional(),
  })
  .strict();
