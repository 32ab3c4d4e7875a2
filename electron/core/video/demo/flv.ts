/**
 * The demo's live FLV: a shipped FLV clip (video only, H.264, no B-frames) replayed in real time,
 * round and round, with timestamps that keep increasing across wraps, fanned out to every viewer
 * of a camera over HTTP-FLV or WS-FLV. One channel per camera runs only while somebody watches.
 */

export interface FlvTag {
  type: number;
  /** Milliseconds from the clip's start. */
  timestamp: number;
  data: Buffer;
  keyframe: boolean;
}

export interface FlvClip {
  /** The AVC decoder configuration (AVCPacketType 0), sent to every viewer first. */
  sequenceHeader: FlvTag;
  /** The coded frames, in order, starting with a keyframe. */
  frames: FlvTag[];
  /** One pass of the loop (last timestamp + one frame interval), ms. */
  durationMs: number;
}

/** The 9-byte header of a video-only FLV plus PreviousTagSize0. */
export const FLV_HEADER = Buffer.from([0x46, 0x4c, 0x56, 0x01, 0x01, 0, 0, 0, 9, 0, 0, 0, 0]);

export function parseFlv(file: Buffer): FlvClip {
  if (file.length < 13 || file.toString('latin1', 0, 3) !== 'FLV') throw new Error('not an FLV file');
  let offset = file.readUInt32BE(5) + 4;
  let sequenceHeader: FlvTag | null = null;
  const frames: FlvTag[] = [];
  while (offset + 11 <= file.length) {
    const type = file[offset]!;
    const size = file.readUIntBE(offset + 1, 3);
    const timestamp = file.readUIntBE(offset + 4, 3) | (file[offset + 7]! << 24);
    const end = offset + 11 + size;
    if (end > file.length) break;
    const data = file.subarray(offset + 11, end);
    if (type === 9 && data.length > 1 && (data[0]! & 0x0f) === 7) {
      if (data[1] === 0) sequenceHeader ??= { type, timestamp: 0, data, keyframe: true };
      else if (data[1] === 1) frames.push({ type, timestamp, data, keyframe: data[0]! >> 4 === 1 });
    }
    offset = end + 4;
  }
  if (!sequenceHeader) throw new Error('the FLV has no AVC sequence header');
  const firstKey = frames.findIndex((f) => f.keyframe);
  if (firstKey < 0) throw new Error('the FLV has no keyframe');
  const kept = frames.slice(firstKey);
  const base = kept[0]!.timestamp;
  for (const f of kept) f.timestamp -= base;
  const last = kept[kept.length - 1]!.timestamp;
  const step = kept.length > 1 ? last - kept[kept.length - 2]!.timestamp : 40;
  return { sequenceHeader, frames: kept, durationMs: last + Math.max(1, step) };
}

/** One FLV tag with `timestamp`, followed by its PreviousTagSize. */
export function encodeTag(tag: FlvTag, timestamp: number): Buffer {
  const out = Buffer.alloc(11 + tag.data.length + 4);
  out[0] = tag.type;
  out.writeUIntBE(tag.data.length, 1, 3);
  out.writeUIntBE(timestamp & 0xffffff, 4, 3);
  out[7] = (timestamp >>> 24) & 0xff;
  tag.data.copy(out, 11);
  out.writeUInt32BE(11 + tag.data.length, 11 + tag.data.length);
  return out;
}

export interface FlvViewer {
  /** Sends bytes; false when the viewer is too far behind and should be dropped. */
  write(chunk: Buffer): boolean;
  /** Ends the viewer's connection (the channel closed or it fell behind). */
  end(): void;
}

interface ViewerState {
  viewer: FlvViewer;
  /** The channel timestamp of the first keyframe this viewer got (its timestamps start at 0). */
  base: number | null;
}

export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Replays a clip in real time to its viewers; stops itself when the last viewer leaves. */
export class FlvChannel {
  private readonly viewers = new Set<ViewerState>();
  private startedAt = 0;
  private pass = 0;
  private index = 0;
  private timer: unknown = null;

  constructor(
    private readonly clip: FlvClip,
    private readonly onIdle: () => void,
    private readonly scheduler: Scheduler = realScheduler,
  ) {}

  get size(): number {
    return this.viewers.size;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Adds a viewer; returns its removal. Its picture starts at the next keyframe. */
  add(viewer: FlvViewer): () => void {
    const state: ViewerState = { viewer, base: null };
    viewer.write(FLV_HEADER);
    viewer.write(encodeTag(this.clip.sequenceHeader, 0));
    this.viewers.add(state);
    if (this.timer === null) {
      this.startedAt = this.scheduler.now();
      this.pass = 0;
      this.index = 0;
      this.tick();
    }
    return () => this.remove(state);
  }

  close(): void {
    for (const v of [...this.viewers]) {
      this.viewers.delete(v);
      v.viewer.end();
    }
    this.stop();
  }

  private remove(state: ViewerState): void {
    if (!this.viewers.delete(state)) return;
    if (this.viewers.size === 0) {
      this.stop();
      this.onIdle();
    }
  }

  private stop(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private tick(): void {
    this.timer = null;
    const elapsed = this.scheduler.now() - this.startedAt;
    const frames = this.clip.frames;
    // Send everything that is due (a late timer catches up rather than drifting).
    for (;;) {
      const frame = frames[this.index]!;
      const at = this.pass * this.clip.durationMs + frame.timestamp;
      if (at > elapsed) break;
      this.send(frame, at);
      this.index++;
      if (this.index >= frames.length) {
        this.index = 0;
        this.pass++;
      }
    }
    if (this.viewers.size === 0) return;
    const next = this.pass * this.clip.durationMs + frames[this.index]!.timestamp;
    this.timer = this.scheduler.setTimeout(() => this.tick(), Math.max(1, next - elapsed));
  }

  private send(frame: FlvTag, at: number): void {
    for (const state of [...this.viewers]) {
      if (state.base === null) {
        if (!frame.keyframe) continue;
        state.base = at;
      }
      if (!state.viewer.write(encodeTag(frame, at - state.base))) {
        this.viewers.delete(state);
        state.viewer.end();
      }
    }
    if (this.viewers.size === 0) {
      this.stop();
      this.onIdle();
    }
  }
}
