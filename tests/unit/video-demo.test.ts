/**
 * The console's demo video: the endless live HLS playlist, the real-time FLV replay, and the
 * DemoVideo routes on a plain HTTP server (HLS, HTTP-FLV, WS-FLV, caps, unknown cameras).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { liveWindow, livePlaylist, loopSegment, segmentNumber } from '../../electron/core/video/demo/hls';
import { FlvChannel, parseFlv, type Scheduler } from '../../electron/core/video/demo/flv';
import { DemoVideo, HLS_CONTENT_TYPE, TS_CONTENT_TYPE, loopIndexFor } from '../../electron/core/video/demo';
import { resourcePath } from '../../electron/core/resources';
import { createAppProtocolHandler } from '../../electron/main/app-protocol';

const SEG = 2;
const K = 3;

function parse(playlist: string) {
  const lines = playlist.trim().split('\n');
  const tag = (name: string) => Number(lines.find((l) => l.startsWith(`#${name}:`))!.split(':')[1]);
  const uris = lines.filter((l) => !l.startsWith('#'));
  return { lines, seq: tag('EXT-X-MEDIA-SEQUENCE'), disc: tag('EXT-X-DISCONTINUITY-SEQUENCE'), uris };
}

describe('demo live HLS playlist', () => {
  it('advances its media sequence with wall time', () => {
    const at = (s: number) => parse(livePlaylist({ nowMs: s * 1000, segmentSeconds: SEG, loopLength: K }));
    const a = at(1000);
    expect(at(1001).seq).toBe(a.seq); // inside the same segment
    expect(at(1002).seq).toBe(a.seq + 1);
    expect(at(1010).seq).toBe(a.seq + 5);
    expect(a.uris).toHaveLength(6);
    // The newest listed segment is complete: it ended at or before now.
    const w = liveWindow({ nowMs: 1000_500, segmentSeconds: SEG, loopLength: K });
    expect((w.sequence.at(-1)! + 1) * SEG * 1000).toBeLessThanOrEqual(1000_500);
  });

  it('lists valid, consecutive segment URIs with EXTINF and a live (endless) shape', () => {
    const p = livePlaylist({ nowMs: 1_700_000_000_000, segmentSeconds: SEG, loopLength: K });
    const { lines, seq, uris } = parse(p);
    expect(lines[0]).toBe('#EXTM3U');
    expect(p).toContain('#EXT-X-TARGETDURATION:2');
    expect(p).not.toContain('#EXT-X-ENDLIST');
    expect(uris).toEqual([0, 1, 2, 3, 4, 5].map((i) => `seg-${seq + i}.ts`));
    for (const u of uris) expect(segmentNumber(u)).not.toBeNull();
    for (const u of uris) expect(lines[lines.indexOf(u) - 1]).toMatch(/^#EXTINF:2\.000,$/);
  });

  it('marks each loop wrap with a discontinuity and counts the earlier ones', () => {
    for (let t = 0; t < 60; t += SEG) {
      const nowMs = 1_000_000_000 + t * 1000;
      const { lines, seq, disc } = parse(livePlaylist({ nowMs, segmentSeconds: SEG, loopLength: K }));
      expect(disc).toBe(Math.floor(seq / K));
      // Every segment that starts a loop (and is not the first listed) follows a DISCONTINUITY tag.
      let n = seq;
      for (let i = 0; i < lines.length; i++) {
        if (lines[i]!.startsWith('seg-')) {
          const tagged = lines[i - 2] === '#EXT-X-DISCONTINUITY';
          expect(tagged, `seg-${n} at t=${t}`).toBe(n !== seq && loopSegment(n, K) === 0);
          n++;
        }
      }
    }
    // Counted from the console's start: small numbers for the players' per-discontinuity state.
    const fresh = parse(livePlaylist({ nowMs: 1_800_000_030_000, epochMs: 1_800_000_000_000, segmentSeconds: SEG, loopLength: K }));
    expect(fresh.seq).toBe(9);
    expect(fresh.disc).toBe(3);
    const first = parse(livePlaylist({ nowMs: 1_800_000_000_500, epochMs: 1_800_000_000_000, segmentSeconds: SEG, loopLength: K }));
    expect(first).toMatchObject({ seq: 0, disc: 0 });
    expect(segmentNumber('seg-12.ts')).toBe(12);
    expect(segmentNumber('seg-x.ts')).toBeNull();
    expect(segmentNumber('../seg-1.ts')).toBeNull();
  });

  it('gives each camera a loop by its serial', () => {
    expect(loopIndexFor('44160200001320000007', 6)).toBe(7 % 6);
    expect(loopIndexFor('44160200001310000012', 6)).toBe(0);
    expect(loopIndexFor('cam-a', 6)).toBeGreaterThanOrEqual(0);
  });
});

describe('demo FLV replay', () => {
  const clip = parseFlv(fs.readFileSync(resourcePath('demo', 'video', 'loop-0', 'live.flv')));

  function fakeScheduler() {
    let now = 0;
    const timers: { at: number; fn: () => void; id: number }[] = [];
    let next = 1;
    const s: Scheduler & { advance(ms: number): void; pending(): number } = {
      now: () => now,
      setTimeout: (fn, ms) => {
        const id = next++;
        timers.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (id) => {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      },
      advance(ms) {
        const end = now + ms;
        for (;;) {
          timers.sort((a, b) => a.at - b.at);
          const t = timers[0];
          if (!t || t.at > end) break;
          timers.shift();
          now = t.at;
          t.fn();
        }
        now = end;
      },
      pending: () => timers.length,
    };
    return s;
  }

  function tags(chunks: Buffer[]) {
    return chunks.slice(2).map((b) => ({ ts: b.readUIntBE(4, 3) | (b[7]! << 24), key: b[11]! >> 4 === 1 }));
  }

  it('parses the shipped clips: an AVC config, keyframes every 2 s, 6 s loops', () => {
    expect(clip.sequenceHeader.data[1]).toBe(0);
    expect(clip.frames[0]!.keyframe).toBe(true);
    expect(clip.frames.filter((f) => f.keyframe)).toHaveLength(3);
    expect(clip.durationMs).toBe(6000);
  });

  it('replays in real time with timestamps that keep rising across wraps, and stops when nobody watches', () => {
    const sched = fakeScheduler();
    let idle = 0;
    const channel = new FlvChannel(clip, () => idle++, sched);
    const got: Buffer[] = [];
    const leave = channel.add({ write: (b) => (got.push(b), true), end: () => undefined });
    expect(got[0]!.toString('latin1', 0, 3)).toBe('FLV');
    sched.advance(13_000);
    const t = tags(got);
    expect(t[0]).toEqual({ ts: 0, key: true });
    expect(t.length).toBeGreaterThanOrEqual(13 * 25 - 2);
    expect(t.length).toBeLessThanOrEqual(13 * 25 + 2);
    for (let i = 1; i < t.length; i++) expect(t[i]!.ts).toBeGreaterThan(t[i - 1]!.ts);
    expect(t.at(-1)!.ts).toBeGreaterThan(12_000);

    // A late joiner starts at a keyframe with its own zero.
    const late: Buffer[] = [];
    sched.advance(500);
    const leave2 = channel.add({ write: (b) => (late.push(b), true), end: () => undefined });
    sched.advance(3000);
    expect(tags(late)[0]).toEqual({ ts: 0, key: true });

    leave();
    expect(channel.running).toBe(true);
    leave2();
    expect(channel.running).toBe(false);
    expect(idle).toBe(1);
    expect(sched.pending()).toBe(0);
  });

  it('drops a viewer that falls behind', () => {
    const sched = fakeScheduler();
    let ended = false;
    const channel = new FlvChannel(clip, () => undefined, sched);
    channel.add({ write: () => false, end: () => (ended = true) });
    sched.advance(100);
    expect(ended).toBe(true);
    expect(channel.size).toBe(0);
    expect(channel.running).toBe(false);
  });
});

describe('DemoVideo routes', () => {
  let server: http.Server | null = null;
  let video: DemoVideo | null = null;
  afterEach(async () => {
    video?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
    video = null;
  });

  async function serve(maxStreams = 32): Promise<string> {
    const v = new DemoVideo({ knownCamera: (id) => id.startsWith('cam'), maxStreams });
    video = v;
    server = http.createServer((req, res) => {
      if (!v.handleHttp(req, res, new URL(req.url!, 'http://x').pathname)) res.writeHead(418).end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (!v.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function wsOpen(url: string): Promise<{ first: Buffer | null; code: number }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url);
      let first: Buffer | null = null;
      ws.on('message', (data: Buffer) => {
        first ??= data;
        ws.close();
      });
      ws.on('close', (code) => resolve({ first, code }));
    });
  }

  it('serves a live playlist and its segments with their content types', async () => {
    const host = await serve();
    const res = await fetch(`http://${host}/video/cam1/index.m3u8`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(HLS_CONTENT_TYPE);
    const { uris } = parse(await res.text());
    const seg = await fetch(`http://${host}/video/cam1/${uris[0]}`);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe(TS_CONTENT_TYPE);
    const body = Buffer.from(await seg.arrayBuffer());
    expect(body[0]).toBe(0x47); // MPEG-TS sync byte
    expect(body.length % 188).toBe(0);
  });

  it('answers 404 for an unknown camera or path, 405 for other methods', async () => {
    const host = await serve();
    expect((await fetch(`http://${host}/video/nope/index.m3u8`)).status).toBe(404);
    expect((await fetch(`http://${host}/video/nope/live.flv`)).status).toBe(404);
    expect((await fetch(`http://${host}/video/cam1/other.mp4`)).status).toBe(404);
    expect((await fetch(`http://${host}/video/cam1/index.m3u8`, { method: 'POST' })).status).toBe(405);
  });

  it('streams HTTP-FLV and WS-FLV, closes unknown cameras cleanly, and caps concurrent streams', async () => {
    const host = await serve(1);
    // HTTP-FLV: the first bytes are an FLV header.
    const { res: flv, first } = await new Promise<{ res: http.IncomingMessage; first: Buffer }>((resolve, reject) => {
      http.get(`http://${host}/video/cam1/live.flv`, (res) => res.once('data', (chunk: Buffer) => resolve({ res, first: chunk }))).on('error', reject);
    });
    expect(flv.statusCode).toBe(200);
    expect(flv.headers['content-type']).toBe('video/x-flv');
    expect(first.toString('latin1', 0, 3)).toBe('FLV');
    expect(video!.activeStreams).toBe(1);
    // Full: HTTP 503 and WebSocket close 1013.
    expect((await fetch(`http://${host}/video/cam2/live.flv`)).status).toBe(503);
    expect((await wsOpen(`ws://${host}/video/cam2/live.flv`)).code).toBe(1013);
    flv.destroy();
    await expect.poll(() => video!.activeStreams).toBe(0);
    expect(video!.activeChannels).toBe(0);

    const ws = await wsOpen(`ws://${host}/video/cam2/live.flv`);
    expect(ws.first!.toString('latin1', 0, 3)).toBe('FLV');
    expect((await wsOpen(`ws://${host}/video/nope/live.flv`)).code).toBe(4404);
    await expect.poll(() => video!.activeChannels).toBe(0);
  });

  it('answers app:// requests with HLS only', () => {
    const v = new DemoVideo({ knownCamera: (id) => id === 'cam1' });
    video = v;
    const ok = v.response(new Request('app://hall/video/cam1/index.m3u8'))!;
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe(HLS_CONTENT_TYPE);
    expect(v.response(new Request('app://hall/video/cam1/live.flv'))!.status).toBe(404);
    expect(v.response(new Request('app://hall/index.html'))).toBeNull();
  });

  it('is reachable through the Electron app:// protocol handler, with the CSP', async () => {
    const v = new DemoVideo({ knownCamera: (id) => id === 'cam1' });
    video = v;
    const handler = createAppProtocolHandler({ rootDir: os.tmpdir(), csp: "default-src 'self'", video: (r) => v.response(r) });
    const res = await handler(new Request('app://hall/video/cam1/index.m3u8'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(HLS_CONTENT_TYPE);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect((await handler(new Request('app://hall/video/other/index.m3u8'))).status).toBe(404);
    const without = createAppProtocolHandler({ rootDir: os.tmpdir(), csp: "default-src 'self'" });
    expect((await without(new Request('app://hall/video/cam1/index.m3u8'))).status).toBe(404);
  });
});
