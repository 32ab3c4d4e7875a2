/**
 * The built renderer is served through a privileged custom protocol, `app://hall/…`, not file://:
 * the renderer gets a real origin (so 'self' in the CSP means something and file:// gets no extra
 * privileges), HTML5 history routes such as /wall/screen-1 work through an SPA fallback to
 * index.html, and every response carries the CSP header.
 *
 * It also serves the local PMTiles basemaps of the config at /basemaps/<id>.pmtiles with byte
 * ranges, as the web host does, so the same renderer code reads them on either host.
 *
 * With `video` it also answers /video/… (the demo cameras' live HLS, electron/core/video/demo);
 * WS-FLV and HTTP-FLV are the web host's only, and tiles in this window fall back to HLS.
 *
 * The handler is a plain `(Request) => Promise<Response>` over the file system so it is tested
 * under Node; index.ts registers it with `protocol.handle`.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BASEMAP_FILE_ROUTE, PMTILES_CONTENT_TYPE, parseByteRange } from '../../shared/http-range';

export const APP_SCHEME = 'app';
export const APP_HOST = 'hall';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Passed to protocol.registerSchemesAsPrivileged before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pbf': 'application/x-protobuf',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export interface AppProtocolOptions {
  /** The built renderer (out/renderer). */
  rootDir: string;
  csp: string;
  log?: (line: string) => void;
  /** The local file of a configured PMTiles basemap by id (config basemapFile), or null. */
  basemapFile?: (id: string) => string | null;
  /** The demo cameras' HLS (DemoVideo.response): a Response for /video/… paths, else null. */
  video?: (request: Request) => Response | null;
}

/**
 * The file under rootDir a request path names, or null when it would escape rootDir. `paths` is
 * the platform's path module; tests pass path.win32, where a backslash is a separator too.
 */
export function resolveUnder(rootDir: string, pathname: string, paths: path.PlatformPath = path): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const root = paths.resolve(rootDir);
  const file = paths.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return file === root || file.startsWith(root + paths.sep) ? file : null;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const headersFor = (file: string): Record<string, string> => ({
    'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Security-Policy': options.csp,
    'X-Content-Type-Options': 'nosniff',
    // index.html names the hashed bundles of this build: never serve a stale one after an update.
    'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  const notFound = (what: string, status = 404): Response =>
    new Response(`${status === 404 ? 'Not found' : 'Refused'}: ${what}`, {
      status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': options.csp },
    });

  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return notFound(url.host, 404);
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(`${request.method} ${url.pathname}`, 405);
    const basemap = BASEMAP_FILE_ROUTE.exec(url.pathname);
    if (basemap) return basemapResponse(request, options.basemapFile?.(basemap[1]!) ?? null, options.csp);
    if (url.pathname.startsWith('/video/')) {
      const video = options.video?.(request);
      if (!video) return notFound(url.pathname);
      video.headers.set('Content-Security-Policy', options.csp);
      return video;
    }
    const file = resolveUnder(options.rootDir, url.pathname);
    if (!file) {
      log(`[protocol] refused a path outside the renderer: ${url.pathname}`);
      return notFound(url.pathname, 403);
    }
    let target: string | null = (await isFile(file)) ? file : null;
    // SPA fallback: a route (/wall/screen-1, /decision) has no file extension; assets do, and a
    // missing asset must stay a 404 rather than come back as HTML.
    if (!target && path.extname(url.pathname) === '') {
      const index = path.join(options.rootDir, 'index.html');
      if (await isFile(index)) target = index;
    }
    if (!target) return notFound(url.pathname);
    const body = request.method === 'HEAD' ? null : await fs.readFile(target);
    return new Response(body, { status: 200, headers: headersFor(target) });
  };
}

/** A configured basemap archive, or the byte range of it that the request asks for. */
async function basemapResponse(request: Request, file: string | null, csp: string): Promise<Response> {
  const stat = file ? await fs.stat(file).catch(() => null) : null;
  if (!file || !stat?.isFile()) {
    return new Response('Not found: no such local basemap', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': csp } });
  }
  const size = stat.size;
  const headers: Record<string, string> = {
    'Content-Type': PMTILES_CONTENT_TYPE,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    ETag: `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
  };
  const range = parseByteRange(request.headers.get('range'), size);
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } });
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
  headers['Content-Length'] = String(end - start + 1);
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  const body = request.method === 'HEAD' || size === 0 ? null : (Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status: range.kind === 'partial' ? 206 : 200, headers });
}
