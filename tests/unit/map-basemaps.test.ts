/**
 * Style and PMTiles basemaps: the PMTiles fixture read back with the `pmtiles` package, byte
 * ranges, the local archive served by both hosts (web host over real HTTP, app:// through its
 * handler) by id only, the config forms, and the renderer's pure style assembly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { PMTiles, TileType, type RangeResponse, type Source } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basemapFile, ConfigError, parseConfig } from '../../electron/core/config/config';
import { createCore, type Core } from '../../electron/core/core';
import { listBasemaps } from '../../electron/core/map/methods';
import { createAppProtocolHandler } from '../../electron/main/app-protocol';
import { startWebHost, type WebHost } from '../../electron/web-host/server';
import { basemapOrigins } from '../../shared/csp';
import { parseByteRange } from '../../shared/http-range';
import { BASEMAP_PREFIX, BasemapError, pmtilesArchiveUrl, rasterBasemap, resolveUrl, styleBasemap, vectorBasemap, vectorLayersOf } from '../../renderer/src/map/basemap-style';
import { FIXTURE_COLOURS, fixtureRasterPmtiles, fixtureVectorPmtiles, solidPng } from '../fixtures/pmtiles-writer';

/** A pmtiles Source over bytes in memory. */
class BufferSource implements Source {
  constructor(private readonly bytes: Buffer) {}
  getKey(): string {
    return 'fixture';
  }
  getBytes(offset: number, length: number): Promise<RangeResponse> {
    // A copy in a fresh ArrayBuffer (a Buffer may sit in Node's shared pool).
    return Promise.resolve({ data: new Uint8Array(this.bytes.subarray(offset, offset + length)).buffer });
  }
}

let dir: string;
let archivePath: string;
let archive: Buffer;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-basemaps-'));
  archive = fixtureRasterPmtiles();
  archivePath = path.join(dir, 'yuancheng.pmtiles');
  fs.writeFileSync(archivePath, archive);
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the PMTiles fixture', () => {
  it('is a PMTiles v3 archive the pmtiles reader understands, tile for tile', async () => {
    expect(archive.length).toBeLessThan(50_000);
    const reader = new PMTiles(new BufferSource(archive));
    const header = await reader.getHeader();
    expect(header).toMatchObject({ specVersion: 3, tileType: TileType.Png, minZoom: 0, maxZoom: 2, numAddressedTiles: 21 });
    expect(await reader.getMetadata()).toMatchObject({ name: 'hall fixture' });
    const district = await reader.getZxy(2, 3, 1);
    expect(Buffer.from(district!.data)).toEqual(solidPng(FIXTURE_COLOURS.z2District));
    expect(Buffer.from((await reader.getZxy(0, 0, 0))!.data)).toEqual(solidPng(FIXTURE_COLOURS.z0));
    expect(Buffer.from((await reader.getZxy(2, 0, 3))!.data)).toEqual(solidPng(FIXTURE_COLOURS.z2Other));
    expect(await reader.getZxy(3, 0, 0)).toBeUndefined();
  });

  it('has a vector sibling whose tiles decode as MVT with the layers its metadata lists', async () => {
    const reader = new PMTiles(new BufferSource(fixtureVectorPmtiles()));
    expect(await reader.getHeader()).toMatchObject({ specVersion: 3, tileType: TileType.Mvt, maxZoom: 2, numAddressedTiles: 21 });
    expect(vectorLayersOf(await reader.getMetadata()).map((l) => l.id)).toEqual(['water', 'roads']);
    // The maplibre worker's own MVT decoder (a dependency of maplibre-gl).
    const tile = new VectorTile(new PbfReader(new Uint8Array((await reader.getZxy(2, 3, 1))!.data)));
    expect(Object.keys(tile.layers)).toEqual(['water', 'roads']);
    const water = tile.layers['water']!.feature(0);
    expect(water.type).toBe(3);
    expect(water.loadGeometry()[0]).toHaveLength(5);
    expect(tile.layers['roads']!.feature(0).type).toBe(2);
  });
});

describe('byte ranges', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-126', { kind: 'partial', start: 0, end: 126 }],
    ['bytes=100-', { kind: 'partial', start: 100, end: 999 }],
    ['bytes=-10', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=1000-1001', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-1', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
  ])('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseByteRange(header, 1000)).toEqual(expected);
  });
});

describe('config of style and PMTiles basemaps', () => {
  it('takes a local archive as an absolute path or a file:// URL, and lists it at the console path', () => {
    const config = parseConfig({
      map: {
        basemaps: [
          { id: 'local', name: '本地瓦片', kind: 'pmtiles', url: archivePath },
          { id: 'local-url', name: '本地瓦片 2', kind: 'pmtiles', url: pathToFileURL(archivePath).href },
          { id: 'remote', name: '远程瓦片', kind: 'pmtiles', url: 'https://tiles.hall.local/yc.pmtiles' },
          { id: 'remote2', name: '远程瓦片 2', kind: 'pmtiles', url: 'pmtiles://https://tiles2.hall.local/yc.pmtiles' },
          { id: 'dark', name: '暗色', kind: 'style', url: 'https://styles.hall.local/dark.json' },
        ],
      },
    });
    expect(config.map.basemaps.map((b) => basemapFile(b))).toEqual([archivePath, archivePath, null, null, null]);
    expect(listBasemaps(config).map((b) => b.url)).toEqual([
      undefined,
      '/basemaps/local.pmtiles',
      '/basemaps/local-url.pmtiles',
      'https://tiles.hall.local/yc.pmtiles',
      'pmtiles://https://tiles2.hall.local/yc.pmtiles',
      'https://styles.hall.local/dark.json',
    ]);
    expect(basemapOrigins(config.map.basemaps.map((b) => b.url))).toEqual(['https://tiles.hall.local', 'https://tiles2.hall.local', 'https://styles.hall.local']);
  });

  it.each([
    [{ kind: 'pmtiles', url: 'data/yc.pmtiles' }, 'absolute file path'],
    [{ kind: 'pmtiles', url: 'pmtiles://hall/yc.pmtiles' }, 'absolute file path'],
    [{ kind: 'pmtiles', url: 's3://bucket/yc.pmtiles' }, 'absolute file path'],
    [{ kind: 'style', url: '/srv/style.json' }, 'http(s) URL'],
  ])('rejects %j', (basemap, problem) => {
    expect(() => parseConfig({ map: { basemaps: [{ id: 'a', name: 'A', ...basemap }] } })).toThrow(ConfigError);
    try {
      parseConfig({ map: { basemaps: [{ id: 'a', name: 'A', ...basemap }] } });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([{ path: 'map.basemaps.0.url', problem: expect.stringContaining(problem) as string }]);
    }
  });
});

describe('the web host serves configured local archives by id, with ranges', () => {
  let core: Core;
  let host: WebHost;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-basemaps-wh-'));
    const rendererDir = path.join(dataDir, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>hall</title>');
    const config = parseConfig({
      demo: true,
      map: {
        basemaps: [
          { id: 'local', name: '本地瓦片', kind: 'pmtiles', url: archivePath },
          { id: 'gone', name: '缺失', kind: 'pmtiles', url: path.join(dir, 'missing.pmtiles') },
          { id: 'remote', name: '远程瓦片', kind: 'pmtiles', url: 'https://tiles.hall.local/yc.pmtiles' },
        ],
      },
    });
    core = await createCore({ dataDir, demo: true, config, log: () => {} });
    host = await startWebHost({ core, host: '127.0.0.1', port: 0, rendererDir });
  });

  afterAll(async () => {
    await host.close();
    core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a range with 206 and exactly those bytes', async () => {
    const res = await fetch(`${host.url}/basemaps/local.pmtiles`, { headers: { Range: 'bytes=0-126' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-126/${archive.length}`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-length')).toBe('127');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(archive.subarray(0, 127));
    const tail = await fetch(`${host.url}/basemaps/local.pmtiles`, { headers: { Range: 'bytes=-100' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(archive.subarray(archive.length - 100));
  });

  it('sends the whole archive without a range, and 416 for a range past its end', async () => {
    const full = await fetch(`${host.url}/basemaps/local.pmtiles`);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await full.arrayBuffer())).toEqual(archive);
    const beyond = await fetch(`${host.url}/basemaps/local.pmtiles`, { headers: { Range: `bytes=${archive.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${archive.length}`);
  });

  it('is read by the pmtiles reader over HTTP', async () => {
    const reader = new PMTiles(`${host.url}/basemaps/local.pmtiles`);
    expect((await reader.getHeader()).tileType).toBe(TileType.Png);
    expect(Buffer.from((await reader.getZxy(2, 3, 1))!.data)).toEqual(solidPng(FIXTURE_COLOURS.z2District));
  });

  it('serves nothing else: unknown ids, remote or missing archives, other paths', async () => {
    for (const p of ['/basemaps/nope.pmtiles', '/basemaps/remote.pmtiles', '/basemaps/gone.pmtiles', '/basemaps/../secret.txt', '/basemaps/%2e%2e%2fsecret.txt', '/basemaps/local.pmtiles/..%2f..%2fsecret.txt', '/basemaps/LOCAL.pmtiles']) {
      const res = await fetch(`${host.url}${p}`, { headers: { Range: 'bytes=0-10' } });
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain('TOP-SECRET-CONTENT');
    }
  });
});

describe('app:// serves the same archives with ranges', () => {
  const serve = () =>
    createAppProtocolHandler({ rootDir: dir, csp: "default-src 'none'", log: () => {}, basemapFile: (id) => (id === 'local' ? archivePath : id === 'gone' ? path.join(dir, 'missing.pmtiles') : null) });

  it('206 with the bytes asked for, 200 for all, 416 past the end', async () => {
    const handler = serve();
    const part = await handler(new Request('app://hall/basemaps/local.pmtiles', { headers: { Range: 'bytes=127-200' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 127-200/${archive.length}`);
    expect(part.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(archive.subarray(127, 201));
    const full = await handler(new Request('app://hall/basemaps/local.pmtiles'));
    expect(full.status).toBe(200);
    expect(Buffer.from(await full.arrayBuffer())).toEqual(archive);
    const beyond = await handler(new Request('app://hall/basemaps/local.pmtiles', { headers: { Range: 'bytes=999999-' } }));
    expect(beyond.status).toBe(416);
  });

  it('404 for ids it was not given and for a configured file that is missing', async () => {
    const handler = serve();
    for (const id of ['nope', 'gone']) expect((await handler(new Request(`app://hall/basemaps/${id}.pmtiles`))).status).toBe(404);
    // Not the basemap route: the renderer's own files (and no fallback to index.html for it).
    expect((await handler(new Request('app://hall/basemaps/..%2fsecret.txt'))).status).not.toBe(206);
  });
});

describe('renderer basemap pieces', () => {
  it('lays a style under the district with prefixed ids and URLs resolved against the style', () => {
    const pieces = styleBasemap(
      {
        version: 8,
        glyphs: 'https://fonts.example/{fontstack}/{range}.pbf',
        sprite: 'sprites/dark',
        sources: { land: { type: 'raster', tiles: ['tiles/{z}/{x}/{y}.png'], tileSize: 256 }, roads: { type: 'vector', url: 'https://other.example/roads.json' } },
        layers: [
          { id: 'bg', type: 'background', paint: { 'background-color': '#000' } },
          { id: 'land', type: 'raster', source: 'land' },
        ],
      },
      'http://127.0.0.1:9000/styles/dark.json',
    );
    expect(Object.keys(pieces.sources)).toEqual([`${BASEMAP_PREFIX}land`, `${BASEMAP_PREFIX}roads`]);
    expect(pieces.sources[`${BASEMAP_PREFIX}land`]).toMatchObject({ tiles: ['http://127.0.0.1:9000/styles/tiles/{z}/{x}/{y}.png'] });
    expect(pieces.sources[`${BASEMAP_PREFIX}roads`]).toMatchObject({ url: 'https://other.example/roads.json' });
    expect(pieces.layers.map((l) => [l.id, 'source' in l ? l.source : null])).toEqual([
      [`${BASEMAP_PREFIX}bg`, null],
      [`${BASEMAP_PREFIX}land`, `${BASEMAP_PREFIX}land`],
    ]);
    expect(pieces.sprite).toBe('http://127.0.0.1:9000/styles/sprites/dark');
  });

  it.each([
    [[], 'JSON object'],
    [{ version: 7, sources: {}, layers: [{ id: 'a', type: 'background' }] }, 'version must be 8'],
    [{ version: 8, layers: [{ id: 'a', type: 'background' }] }, 'sources'],
    [{ version: 8, sources: {}, layers: [] }, 'no layers'],
    [{ version: 8, sources: {}, layers: [{ id: 'a', type: 'fill', source: 'x' }] }, 'unknown source'],
  ])('refuses a style that is not one: %j', (json, message) => {
    expect(() => styleBasemap(json, 'http://x/s.json')).toThrow(BasemapError);
    expect(() => styleBasemap(json, 'http://x/s.json')).toThrow(message);
  });

  it('draws a vector archive with layers per vector layer, and a raster one as one dimmed layer', () => {
    const layers = vectorLayersOf({ vector_layers: [{ id: 'water' }, { id: 'roads', minzoom: 8 }, { nope: 1 }] });
    expect(layers.map((l) => l.id)).toEqual(['water', 'roads']);
    const vector = vectorBasemap('http://h/basemaps/v.pmtiles', layers, { minzoom: 0, maxzoom: 14 });
    expect(vector.sources[`${BASEMAP_PREFIX}pmtiles`]).toMatchObject({ type: 'vector', url: 'pmtiles://http://h/basemaps/v.pmtiles' });
    expect(vector.layers).toHaveLength(6);
    expect(vector.layers.every((l) => 'source-layer' in l && ['water', 'roads'].includes(l['source-layer']!))).toBe(true);
    expect(() => vectorBasemap('http://h/v.pmtiles', [], { minzoom: 0, maxzoom: 14 })).toThrow('vector_layers');
    const raster = rasterBasemap('http://h/basemaps/r.pmtiles', { minzoom: 0, maxzoom: 2 });
    expect(raster.sources[`${BASEMAP_PREFIX}pmtiles`]).toMatchObject({ type: 'raster', url: 'pmtiles://http://h/basemaps/r.pmtiles', tileSize: 256 });
    expect(raster.layers).toHaveLength(1);
  });

  it('finds the archive URL of a PMTiles basemap on the console or elsewhere', () => {
    expect(pmtilesArchiveUrl('/basemaps/local.pmtiles', 'app://hall/map')).toBe('app://hall/basemaps/local.pmtiles');
    expect(pmtilesArchiveUrl('/basemaps/local.pmtiles', 'http://10.0.0.5:8080/map')).toBe('http://10.0.0.5:8080/basemaps/local.pmtiles');
    expect(pmtilesArchiveUrl('pmtiles://https://t.example/a.pmtiles', 'http://h/')).toBe('https://t.example/a.pmtiles');
    expect(resolveUrl('glyphs/{fontstack}/{range}.pbf', 'http://h/s/style.json')).toBe('http://h/s/glyphs/{fontstack}/{range}.pbf');
  });
});
