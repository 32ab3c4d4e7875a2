/**
 * The console's own demo video, for cameras whose streams name the console itself
 * (`http://hall.local/video/<id>/…`, see shared/video.ts): every such camera plays one of the
 * shipped loops in resources/demo/video/ (generated once by build/gen-demo-video.mjs), so the
 * product needs no ffmpeg:
 *
 *   GET /video/<id>/index.m3u8   a live HLS playlist whose window advances with wall time
 *   GET /video/<id>/seg-<n>.ts   segment n of it (segment n mod loop length of the camera's loop)
 *   GET /video/<id>/live.flv     HTTP-FLV, the loop replayed in real time
 *   WS  /video/<id>/live.flv     WS-FLV, the same bytes as binary WebSocket messages
 *
 * FLV streams are fanned out from one channel per camera that runs only while somebody watches,
 * and at most `maxStreams` FLV viewers are served at once (HTTP 503 / WebSocket close 1013 past
 * that; HLS has no per-viewer cost and no cap). Unknown cameras get 404.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { resourcePath } from '../../resources';
import { FlvChannel, parseFlv, type FlvClip, type FlvViewer } from './flv';
import { livePlaylist, loopSegment, segmentNumber } from './hls';

export const HLS_CONTENT_TYPE = 'application/vnd.apple.mpegurl';
export const TS_CONTENT_TYPE = 'video/mp2t';
export const FLV_CONTENT_TYPE = 'video/x-flv';
export const DEMO_VIDEO_ROUTE = /^\/video\/([A-Za-z0-9_-]{1,64})\/(index\.m3u8|live\.flv|seg-\d{1,15}\.ts)$/;
/** A viewer this far behind (bytes queued) is dropped rather than buffered without end. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

interface Manifest {
  loops: { name: string; segments: { file: string; duration: number }[] }[];
}

interface Loop {
  segments: Buffer[];
  segmentSeconds: number;
  flvFile: string;
  flv: FlvClip | null;
}

export interface DemoVideoOptions {
  /** Whether `id` is a camera whose demo video this console serves. */
  knownCamera(id: string): boolean;
  /** The loops' folder (default resources/demo/video). */
  dir?: string;
  /** Concurrent FLV viewers (HTTP + WS) served at most (default 32). */
  maxStreams?: number;
  now?: () => number;
}

export interface DemoResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Which loop a camera plays: its id's trailing digits (GB ids end in a serial) mod the loop count. */
export function loopIndexFor(cameraId: string, loops: number): number {
  const digits = /(\d{1,7})\D*$/.exec(cameraId);
  let n = digits ? Number(digits[1]) : 0;
  if (!digits) for (const ch of cameraId) n = (n * 31 + ch.charCodeAt(0)) >>> 0;
  return n % loops;
}

export class DemoVideo {
  private readonly loops: Loop[];
  private readonly channels = new Map<string, FlvChannel>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly maxStreams: number;
  private readonly now: () => number;
  private viewers = 0;
  /** The live HLS numbering counts from here (the console's start). */
  private readonly epochMs: number;

  constructor(private readonly options: DemoVideoOptions) {
    const dir = options.dir ?? resourcePath('demo', 'video');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    this.loops = manifest.loops.map((l) => ({
      segments: l.segments.map((s) => fs.readFileSync(path.join(dir, l.name, s.file))),
      segmentSeconds: l.segments[0]?.duration ?? 2,
      flvFile: path.join(dir, l.name, 'live.flv'),
      flv: null,
    }));
    if (this.loops.length === 0) throw new Error(`No demo video loops in ${dir}`);
    this.maxStreams = options.maxStreams ?? 32;
    this.now = options.now ?? Date.now;
    // A minute of "history", so the live edge moves from the first request on.
    this.epochMs = this.now() - 60_000;
  }

  /** FLV viewers being served now. */
  get activeStreams(): number {
    return this.viewers;
  }

  /** FLV channels running now (one per watched camera). */
  get activeChannels(): number {
    return this.channels.size;
  }

  private loopOf(cameraId: string): Loop {
    return this.loops[loopIndexFor(cameraId, this.loops.length)]!;
  }

  /** The answer to a GET of an HLS path (playlist or segment), or null when `pathname` is not one. */
  hls(pathname: string): DemoResponse | null {
    const m = DEMO_VIDEO_ROUTE.exec(pathname);
    if (!m || m[2] === 'live.flv') return null;
    const id = m[1]!;
    if (!this.options.knownCamera(id)) return notFound(`No demo video for camera ${id}`);
    const loop = this.loopOf(id);
    if (m[2] === 'index.m3u8') {
      const body = livePlaylist({ nowMs: this.now(), epochMs: this.epochMs, segmentSeconds: loop.segmentSeconds, loopLength: loop.segments.length });
      return { status: 200, headers: { 'Content-Type': HLS_CONTENT_TYPE, 'Cache-Control': 'no-cache' }, body };
    }
    const n = segmentNumber(m[2]!);
    if (n === null) return notFound(pathname);
    return { status: 200, headers: { 'Content-Type': TS_CONTENT_TYPE, 'Cache-Control': 'public, max-age=60' }, body: loop.segments[loopSegment(n, loop.segments.length)]! };
  }

  /** For the Electron app:// protocol: a Response for /video/… paths (HLS only), else null. */
  response(request: Request): Response | null {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/video/')) return null;
    const answer = this.hls(url.pathname) ?? notFound(`No demo video at ${url.pathname} (only HLS here)`);
    return new Response(request.method === 'HEAD' ? null : answer.body, { status: answer.status, headers: answer.headers });
  }

  /** Serves an HTTP request under /video/; false when the path is not one of ours. */
  handleHttp(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
    if (!pathname.startsWith('/video/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Use GET');
      return true;
    }
    const m = DEMO_VIDEO_ROUTE.exec(pathname);
    if (m?.[2] === 'live.flv') {
      const id = m[1]!;
      if (!this.options.knownCamera(id)) return send(res, notFound(`No demo video for camera ${id}`)), true;
      if (this.viewers >= this.maxStreams) return send(res, { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' }, body: 'Too many demo video streams' }), true;
      res.writeHead(200, { 'Content-Type': FLV_CONTENT_TYPE, 'Cache-Control': 'no-cache, no-store' });
      if (req.method === 'HEAD') return res.end(), true;
      const leave = this.join(id, {
        write: (chunk) => {
          res.write(chunk);
          return res.writableLength < MAX_QUEUED_BYTES;
        },
        end: () => res.end(),
      });
      res.on('close', leave);
      return true;
    }
    const answer = this.hls(pathname) ?? notFound(`No demo video at ${pathname}`);
    send(res, answer, req.method === 'HEAD');
    return true;
  }

  /**
   * Takes a WebSocket upgrade to /video/<id>/live.flv; false when the path is not ours (another
   * upgrade handler, socket.io's, may take it). Unknown cameras and a full house get a clean close.
   */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const pathname = new URL(req.url ?? '/', 'http://host').pathname;
    if (!pathname.startsWith('/video/')) return false;
    const m = DEMO_VIDEO_ROUTE.exec(pathname);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (!m || m[2] !== 'live.flv' || !this.options.knownCamera(m[1]!)) return ws.close(4404, 'no such camera stream');
      if (this.viewers >= this.maxStreams) return ws.close(1013, 'too many demo video streams');
      const leave = this.join(m[1]!, {
        write: (chunk) => {
          if (ws.readyState !== ws.OPEN) return false;
          ws.send(chunk);
          return ws.bufferedAmount < MAX_QUEUED_BYTES;
        },
        end: () => ws.close(1011, 'viewer fell behind'),
      });
      ws.on('close', leave);
      ws.on('error', leave);
    });
    return true;
  }

  private join(cameraId: string, viewer: FlvViewer): () => void {
    const loop = this.loopOf(cameraId);
    loop.flv ??= parseFlv(fs.readFileSync(loop.flvFile));
    let channel = this.channels.get(cameraId);
    if (!channel) {
      const created = new FlvChannel(loop.flv, () => {
        if (this.channels.get(cameraId) === created) this.channels.delete(cameraId);
      });
      this.channels.set(cameraId, created);
      channel = created;
    }
    this.viewers++;
    const remove = channel.add(viewer);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.viewers--;
      remove();
    };
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

function notFound(message: string): DemoResponse {
  return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message };
}

function send(res: http.ServerResponse, answer: DemoResponse, headOnly = false): void {
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
  res.end(headOnly ? undefined : answer.body);
}

/**
 * `knownCamera` for a console: a mirrored camera whose streams name the console itself
 * (http://hall.local/…). The list is re-read at most every few seconds.
 */
export function consoleCameras(list: () => { id: string; streams: Record<string, string | undefined> }[], ttlMs = 5000): (id: string) => boolean {
  let ids = new Set<string>();
  let readAt = -Infinity;
  return (id) => {
    const now = Date.now();
    if (now - readAt > ttlMs || (!ids.has(id) && now - readAt > 500)) {
      ids = new Set(list().filter((c) => Object.values(c.streams).some((u) => u !== undefined && isConsoleUrl(u))).map((c) => c.id));
      readAt = now;
    }
    return ids.has(id);
  };
}

function isConsoleUrl(url: string): boolean {
  return /^(?:https?|wss?):\/\/hall\.local\/video\//.test(url);
}
