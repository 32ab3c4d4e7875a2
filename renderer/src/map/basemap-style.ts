/**
 * The pieces of a configured basemap that are laid under the district overlay and the
 * operational layers: its sources and layers, all with ids prefixed `basemap:` so they never
 * collide with the map's own and can be removed as one. Pure (no map): useHallMap adds them.
 *  - 'style': a MapLibre style (spec v8) fetched from its URL; its relative URLs are resolved
 *    against the style's, its glyphs are dropped (text is drawn with local fonts, as everywhere
 *    on this map), its sprite is kept.
 *  - 'pmtiles': one source on the pmtiles:// protocol; raster archives as a dimmed raster layer
 *    (as XYZ imagery), vector archives with a plain dark style of their `vector_layers`.
 */
import type { LayerSpecification, SourceSpecification, SpriteSpecification, StyleSpecification } from 'maplibre-gl';

export const BASEMAP_PREFIX = 'basemap:';

/** Raster imagery is dimmed so the operational layers stay readable over it. */
export const RASTER_BASEMAP_PAINT = { 'raster-brightness-max': 0.7, 'raster-saturation': -0.35 } as const;

export interface BasemapPieces {
  sources: Record<string, SourceSpecification>;
  /** Bottom to top; every `source` names a key of `sources`. */
  layers: LayerSpecification[];
  sprite?: SpriteSpecification;
}

export class BasemapError extends Error {}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * `url` resolved against `base` when relative. Tile and glyph templates keep their `{z}`-style
 * placeholders (the URL parser would percent-encode the braces).
 */
export function resolveUrl(url: string, base: string): string {
  if (ABSOLUTE.test(url)) return url;
  return new URL(url, base).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A fetched style JSON checked to look like a MapLibre style v8 (the map validates every source
 * and layer again as it adds them), as the pieces to lay under the district.
 */
export function styleBasemap(json: unknown, styleUrl: string): BasemapPieces {
  if (!isRecord(json)) throw new BasemapError('the style is not a JSON object');
  if (json['version'] !== 8) throw new BasemapError('not a MapLibre style: version must be 8');
  const sources = json['sources'];
  const layers = json['layers'];
  if (!isRecord(sources)) throw new BasemapError('the style has no sources object');
  if (!Array.isArray(layers) || layers.length === 0) throw new BasemapError('the style has no layers');
  const style = json as unknown as StyleSpecification;
  const pieces: BasemapPieces = { sources: {}, layers: [] };
  for (const [id, source] of Object.entries(style.sources)) {
    if (!isRecord(source) || typeof source['type'] !== 'string') throw new BasemapError(`source ${id} has no type`);
    pieces.sources[BASEMAP_PREFIX + id] = resolveSourceUrls(source, styleUrl);
  }
  for (const layer of style.layers) {
    if (!isRecord(layer) || typeof layer.id !== 'string' || typeof layer.type !== 'string') throw new BasemapError('a layer has no id or type');
    if ('source' in layer && typeof layer.source === 'string') {
      if (!(layer.source in style.sources)) throw new BasemapError(`layer ${layer.id} names an unknown source ${layer.source}`);
      pieces.layers.push({ ...layer, id: BASEMAP_PREFIX + layer.id, source: BASEMAP_PREFIX + layer.source });
    } else pieces.layers.push({ ...layer, id: BASEMAP_PREFIX + layer.id });
  }
  if (typeof style.sprite === 'string') pieces.sprite = resolveUrl(style.sprite, styleUrl);
  else if (Array.isArray(style.sprite)) pieces.sprite = style.sprite.map((s) => ({ id: s.id, url: resolveUrl(s.url, styleUrl) }));
  return pieces;
}

function resolveSourceUrls(source: SourceSpecification, base: string): SourceSpecification {
  const copy = { ...source } as Record<string, unknown>;
  if (typeof copy['url'] === 'string') copy['url'] = resolveUrl(copy['url'], base);
  if (Array.isArray(copy['tiles'])) copy['tiles'] = (copy['tiles'] as string[]).map((t) => resolveUrl(t, base));
  if (Array.isArray(copy['urls'])) copy['urls'] = (copy['urls'] as string[]).map((t) => resolveUrl(t, base));
  if (copy['type'] === 'geojson' && typeof copy['data'] === 'string') copy['data'] = resolveUrl(copy['data'], base);
  return copy as unknown as SourceSpecification;
}

/**
 * The http(s) URL of a PMTiles basemap's archive: a `pmtiles://` prefix is dropped, and a path
 * on the console (`/basemaps/<id>.pmtiles`, a local archive) is made absolute against the page.
 */
export function pmtilesArchiveUrl(url: string, page: string): string {
  return resolveUrl(url.replace(/^pmtiles:\/\//, ''), page);
}

/** One `vector_layers` entry of a PMTiles (TileJSON) metadata. */
interface VectorLayer {
  id: string;
  minzoom?: number;
  maxzoom?: number;
}

export function vectorLayersOf(metadata: unknown): VectorLayer[] {
  const list = isRecord(metadata) ? metadata['vector_layers'] : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((l): l is VectorLayer => isRecord(l) && typeof l['id'] === 'string');
}

/**
 * A vector archive drawn in the hall's dark palette: for every vector layer its polygons as a
 * faint fill, its lines as thin lines and its points as small dots. Water-, road- and
 * building-like layer names get their own tint so the basemap reads as a map, not a wireframe.
 */
export function vectorBasemap(archiveUrl: string, vectorLayers: readonly VectorLayer[], zooms: { minzoom: number; maxzoom: number }): BasemapPieces {
  if (vectorLayers.length === 0) throw new BasemapError('the vector archive lists no vector_layers in its metadata');
  const source = `${BASEMAP_PREFIX}pmtiles`;
  const layers: LayerSpecification[] = [];
  for (const v of vectorLayers) {
    const tint = /water|ocean|river|lake/i.test(v.id) ? '#0e2a47' : /road|street|transport|highway/i.test(v.id) ? '#3a4f6b' : /build/i.test(v.id) ? '#1c2a3d' : '#22344d';
    const zoom = { ...(v.minzoom !== undefined ? { minzoom: v.minzoom } : {}) };
    layers.push(
      { id: `${BASEMAP_PREFIX}${v.id}-fill`, type: 'fill', source, 'source-layer': v.id, ...zoom, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': tint, 'fill-opacity': 0.6 } },
      { id: `${BASEMAP_PREFIX}${v.id}-line`, type: 'line', source, 'source-layer': v.id, ...zoom, filter: ['in', ['geometry-type'], ['literal', ['LineString', 'Polygon']]], paint: { 'line-color': tint === '#22344d' ? '#31486a' : tint, 'line-width': 1 } },
      { id: `${BASEMAP_PREFIX}${v.id}-point`, type: 'circle', source, 'source-layer': v.id, ...zoom, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#4a6488', 'circle-radius': 1.5 } },
    );
  }
  return { sources: { [source]: { type: 'vector', url: `pmtiles://${archiveUrl}`, ...zooms } }, layers };
}

/** A raster archive (png, jpeg, webp, avif) as one dimmed raster layer. */
export function rasterBasemap(archiveUrl: string, zooms: { minzoom: number; maxzoom: number }): BasemapPieces {
  const source = `${BASEMAP_PREFIX}pmtiles`;
  return {
    sources: { [source]: { type: 'raster', url: `pmtiles://${archiveUrl}`, tileSize: 256, ...zooms } },
    layers: [{ id: `${BASEMAP_PREFIX}pmtiles`, type: 'raster', source, paint: { ...RASTER_BASEMAP_PAINT } }],
  };
}
