/**
 * The web host: the same core behind HTTP + socket.io, serving the built renderer. Browser
 * displays on other hall PCs use it, and so does every end-to-end test.
 *   GET  /healthz                → {status, version, db, startedAt}
 *   POST /api/rpc/<method>       → Result JSON; Authorization: Bearer <token>
 *   socket.io namespace /hall    → core events, token in the handshake `auth`
 *   GET  /basemaps/<id>.pmtiles  → a configured local PMTiles basemap, with byte ranges
 *   GET  /video/<id>/…           → the demo cameras' video: live HLS, HTTP-FLV; WS-FLV by upgrade
 *                                  (electron/core/video/demo)
 */
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import sirv from 'sirv';
import { Server as SocketServer, type Socket } from 'socket.io';
import { HTTP_STATUS, fail, type Result } from '../../shared/contract';
import { basemapOrigins, frameOrigins, contentSecurityPolicy } from '../../shared/csp';
import { BASEMAP_FILE_ROUTE, PMTILES_CONTENT_TYPE, parseByteRange } from '../../shared/http-range';
import { basemapFile } from '../core/config/config';
import type { Core } from '../core/core';
import { DemoVideo, consoleCameras } from '../core/video/demo';

export interface WebHostOptions {
  core: Core;
  host: string;
  port: number;
  /** Built renderer (vite build output); a missing folder is reported on the page, not a crash. */
  rendererDir: string;
  tls?: { cert: string; key: string } | undefined;
  /** How often live sockets re-check that their session is still valid (expiry, logout elsewhere). */
  sessionCheckMs?: number;
}

export interface WebHost {
  url: string;
  server: http.Server | https.Server;
  io: SocketServer;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

// The CSP builder is shared with the Electron console (shared/csp.ts); re-exported for callers here.
export { basemapOrigins, contentSecurityPolicy };

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

function securityHeaders(res: http.ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendResult(res: http.ServerResponse, result: Result<unknown>): void {
  sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

async function handleRpc(core: Core, method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendResult(res, fail('invalid_params', `Use POST for /api/rpc/${method}`));
  }
  let params: unknown = {};
  try {
    const text = await readBody(req);
    if (text.trim() !== '') params = JSON.parse(text);
  } catch (error) {
    return sendResult(res, fail('invalid_params', `The body of ${method} is not valid JSON: ${(error as Error).message}`));
  }
  const { ctx } = core.contextFor(bearerToken(req.headers.authorization), `http ${req.socket.remoteAddress ?? '?'}`);
  sendResult(res, await core.invoke(ctx, method, params));
}

function healthz(core: Core, res: http.ServerResponse): void {
  const db = core.integrity.ok ? 'ok' : `integrity: ${core.integrity.messages.slice(0, 3).join('; ')}`;
  let reachable = true;
  try {
    core.db.prepare('SELECT 1').get();
  } catch {
    reachable = false;
  }
  sendJson(res, reachable ? 200 : 503, {
    status: reachable && core.integrity.ok ? 'ok' : 'degraded',
    version: core.facts.version,
    db: reachable ? db : 'unreachable',
    startedAt: core.facts.startedAt,
  });
}

function rendererHandler(rendererDir: string): http.RequestListener {
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    return (_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`The renderer is not built (${rendererDir} has no index.html). Run: npm run build:web\n`);
    };
  }
  // `single`: unknown paths get index.html, so /wall/<id> and /decision load the app.
  const serve = sirv(rendererDir, { single: true, etag: true, gzip: false, brotli: false, dev: false });
  return (req, res) => serve(req, res, () => sendJson(res, 404, fail('not_found', `No such path ${req.url}`)));
}

/**
 * A local PMTiles basemap by its configured id, with byte ranges (the pmtiles reader in the page
 * fetches the header, directories and tiles as ranges). Only files named in map.basemaps[] are
 * reachable, by id, never by path. No session is asked for: tiles are not secret, and the page's
 * range fetches carry no bearer token.
 */
function serveBasemapFile(core: Core, id: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const configured = core.config.map.basemaps.find((b) => b.id === id);
  const file = configured ? basemapFile(configured) : null;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendJson(res, 405, fail('invalid_params', `Use GET for /basemaps/${id}.pmtiles`));
  }
  let stat: fs.Stats | null = null;
  try {
    stat = file ? fs.statSync(file) : null;
  } catch {
    stat = null;
  }
  if (!file || !stat?.isFile()) return sendJson(res, 404, fail('not_found', `No local basemap file ${id}`));
  const size = stat.size;
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': PMTILES_CONTENT_TYPE,
    'Accept-Ranges': 'bytes',
    // The operator may replace the file: revalidate, and let the reader notice a changed archive.
    'Cache-Control': 'no-cache',
    ETag: `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
    'Last-Modified': stat.mtime.toUTCString(),
  };
  const range = parseByteRange(req.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    return void res.end();
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
  res.writeHead(range.kind === 'partial' ? 206 : 200, {
    ...headers,
    'Content-Length': end - start + 1,
    ...(range.kind === 'partial' ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || size === 0) return void res.end();
  fs.createReadStream(file, { start, end })
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Authenticates sockets, forwards core events, ends sockets whose session ended. */
function attachSockets(core: Core, io: SocketServer, sessionCheckMs: number): () => void {
  const hall = io.of('/hall');
  hall.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const { session } = core.contextFor(typeof token === 'string' ? token : null, `ws ${socket.handshake.address}`);
    if (!session) return next(new Error('unauthorized'));
    socket.data = { token, sessionId: session.sessionId, role: session.user.role };
    void socket.join(`session:${session.sessionId}`);
    next();
  });
  const endSocket = (socket: Socket, reason: string) => {
    socket.emit('auth.sessionEnded', { reason });
    socket.disconnect(true);
  };
  const offEvents = core.events.onAny((topic, payload) => hall.emit(topic, payload));
  const offEnded = core.onSessionEnded((sessionId) => {
    for (const socket of hall.sockets.values()) if ((socket.data as { sessionId?: string }).sessionId === sessionId) endSocket(socket, 'logout');
  });
  const timer = setInterval(() => {
    for (const socket of hall.sockets.values()) {
      if (!core.auth.authenticate((socket.data as { token?: string }).token)) endSocket(socket, 'expired');
    }
  }, sessionCheckMs);
  timer.unref();
  return () => {
    offEvents();
    offEnded();
    clearInterval(timer);
  };
}

/** The demo cameras' video (null, logged, when the shipped loops are missing). */
function startDemoVideo(core: Core): DemoVideo | null {
  try {
    return new DemoVideo({ knownCamera: consoleCameras(() => core.link.store.cameras.list()) });
  } catch (error) {
    console.warn(`[web-host] demo video is off: ${(error as Error).message}`);
    return null;
  }
}

export class ListenError extends Error {}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core } = options;
  const serveRenderer = rendererHandler(options.rendererDir);
  const video = startDemoVideo(core);
  const csp = contentSecurityPolicy(basemapOrigins(core.config.map.basemaps.map((b) => b.url)), { frames: frameOrigins(core.config.wall.webAllowlist) });
  const listener: http.RequestListener = (req, res) => {
    securityHeaders(res, csp);
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname === '/healthz') return healthz(core, res);
    const rpc = /^\/api\/rpc\/([^/]+)$/.exec(url.pathname);
    if (rpc) {
      handleRpc(core, decodeURIComponent(rpc[1]!), req, res).catch((error: unknown) => {
        console.error('[web-host] rpc failed', error);
        if (!res.headersSent) sendResult(res, fail('internal', 'The request failed'));
      });
      return;
    }
    if (url.pathname.startsWith('/api/')) return sendResult(res, fail('not_found', `No API at ${url.pathname}`));
    const basemap = BASEMAP_FILE_ROUTE.exec(url.pathname);
    if (basemap) return serveBasemapFile(core, basemap[1]!, req, res);
    if (url.pathname.startsWith('/basemaps/')) return sendJson(res, 404, fail('not_found', `No basemap at ${url.pathname}`));
    if (url.pathname.startsWith('/video/')) {
      if (!video?.handleHttp(req, res, url.pathname)) sendJson(res, 404, fail('not_found', `No video at ${url.pathname}`));
      return;
    }
    serveRenderer(req, res);
  };
  const server = options.tls
    ? https.createServer({ cert: fs.readFileSync(options.tls.cert), key: fs.readFileSync(options.tls.key) }, listener)
    : http.createServer(listener);
  // WS-FLV of the demo cameras; socket.io's own upgrade listener leaves other paths alone.
  if (video) server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => void video.handleUpgrade(req, socket, head));
  const io = new SocketServer(server, { serveClient: false, cors: undefined });
  const detach = attachSockets(core, io, options.sessionCheckMs ?? 30_000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      if (error.code === 'EADDRINUSE') reject(new ListenError(`Port ${options.port} is already in use on ${options.host} — is another console running? Choose another with --port.`));
      else if (error.code === 'EACCES') reject(new ListenError(`Not allowed to listen on ${where} (ports below 1024 need privileges).`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new ListenError(`The address ${options.host} is not on this machine.`));
      else reject(new ListenError(`Cannot listen on ${where}: ${error.message}`));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    server,
    io,
    async close() {
      detach();
      video?.close();
      // io.close() disconnects every socket and closes the HTTP server with it; requests still in
      // flight on keep-alive connections (a browser mid-fetch) must not hold the shutdown open.
      const closed = io.close();
      server.closeAllConnections();
      await closed;
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
