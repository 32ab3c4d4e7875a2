/**
 * The demo's endless live HLS: a sliding window over a short looping clip whose media sequence
 * advances with wall time, so every viewer (and every reload) sees the same "live" position. The
 * clip's segments are reused round and round; each wrap is marked with EXT-X-DISCONTINUITY because
 * the timestamps inside the segments restart. The numbering counts from the console's start, so a
 * restarted console starts again at 0 (players notice and reconnect). Pure functions, tested in
 * tests/unit/video-demo.
 */

export interface LiveWindowOptions {
  /** Wall time (ms since the epoch). */
  nowMs: number;
  /**
   * When segment 0 was "recorded" (default 0). The console passes its own start: players keep
   * per-discontinuity state in arrays indexed by the discontinuity sequence (hls.js's initPTS),
   * which must stay small numbers, not wall-clock ones.
   */
  epochMs?: number;
  /** Segment duration in seconds (every segment of a demo loop has the same one). */
  segmentSeconds: number;
  /** Segments per loop. */
  loopLength: number;
  /** Segments in the playlist (at least 3 for a live playlist; default 6, 12 s of slack for slow clients). */
  windowSize?: number;
}

export interface LiveWindow {
  /** Media sequence number of the first segment listed. */
  first: number;
  /** The global sequence numbers listed, oldest first. */
  sequence: number[];
  /** Discontinuity sequence number of the first segment (how many wraps came before it). */
  discontinuitySequence: number;
}

/** Global segment n plays segment (n mod loopLength) of the loop. */
export function loopSegment(n: number, loopLength: number): number {
  return ((n % loopLength) + loopLength) % loopLength;
}

export function liveWindow(options: LiveWindowOptions): LiveWindow {
  const size = Math.max(3, options.windowSize ?? 6);
  const segMs = options.segmentSeconds * 1000;
  // The segment being "recorded" now is floor(now/seg); the newest complete one is the one before.
  const last = Math.max(size - 1, Math.floor((options.nowMs - (options.epochMs ?? 0)) / segMs) - 1);
  const first = last - size + 1;
  const sequence = Array.from({ length: size }, (_, i) => first + i);
  return { first, sequence, discontinuitySequence: Math.floor(first / options.loopLength) };
}

/** The media playlist of `window`; segment URIs are relative (`seg-<n>.ts` beside index.m3u8). */
export function livePlaylist(options: LiveWindowOptions): string {
  const w = liveWindow(options);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${Math.ceil(options.segmentSeconds)}`,
    `#EXT-X-MEDIA-SEQUENCE:${w.first}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${w.discontinuitySequence}`,
  ];
  for (const n of w.sequence) {
    // A wrap: the loop starts again and its timestamps with it (not tagged on the first listed
    // segment, whose discontinuity is already counted in EXT-X-DISCONTINUITY-SEQUENCE).
    if (n !== w.first && loopSegment(n, options.loopLength) === 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXTINF:${options.segmentSeconds.toFixed(3)},`, `seg-${n}.ts`);
  }
  return `${lines.join('\n')}\n`;
}

/** `seg-12.ts` → 12; anything else → null. */
export function segmentNumber(name: string): number | null {
  const m = /^seg-(\d{1,15})\.ts$/.exec(name);
  return m ? Number(m[1]) : null;
}
