#!/usr/bin/env node
/**
 * Generates the demo cameras' looping clips under resources/demo/video/ (run once; the output is
 * committed, so the product never needs ffmpeg): a handful of different 640×360 H.264 loops, each
 * 6 s at 25 fps with a keyframe every 2 s, no B-frames, low bitrate. Each loop is written twice
 * from the same encode: as 2-second MPEG-TS segments (the console's live HLS) and as one FLV file
 * (the console's WS-FLV / HTTP-FLV, paced in real time by electron/core/video/demo/flv.ts).
 *
 *   node build/gen-demo-video.mjs            (needs ffmpeg with libx264 on PATH)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../resources/demo/video/', import.meta.url));
const SECONDS = 6;
const FPS = 25;
const SIZE = '640x360';

/** Different pictures so that the wall looks alive; a camera plays loop (index mod N). */
const SOURCES = [
  `testsrc2=size=${SIZE}:rate=${FPS}`,
  `mandelbrot=size=${SIZE}:rate=${FPS}:start_scale=1.5:end_scale=0.02`,
  `life=size=${SIZE}:rate=${FPS}:mold=10:ratio=0.2:life_color=0x30c0ff:death_color=0x602000:mold_color=0x204060,scale=${SIZE}`,
  `gradients=size=${SIZE}:rate=${FPS}:speed=0.05:n=5,hue=H=t*0.6`,
  `cellauto=size=${SIZE}:rate=${FPS}:rule=110:random_fill_ratio=0.4,hue=s=0,lutrgb=r=val*0.4:g=val*0.9:b=val`,
  `sierpinski=size=${SIZE}:rate=${FPS}:type=triangle:jump=80`,
];

const run = (args) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-video-'));
const loops = [];
SOURCES.forEach((source, i) => {
  const name = `loop-${i}`;
  const dir = path.join(OUT, name);
  fs.mkdirSync(dir);
  const master = path.join(tmp, `${name}.mkv`);
  run([
    '-f', 'lavfi', '-i', source, '-t', String(SECONDS), '-an',
    '-c:v', 'libx264', '-preset', 'slow', '-profile:v', 'main', '-level', '3.0', '-pix_fmt', 'yuv420p',
    '-bf', '0', '-g', String(2 * FPS), '-keyint_min', String(2 * FPS), '-sc_threshold', '0',
    '-b:v', '150k', '-maxrate', '220k', '-bufsize', '440k', master,
  ]);
  run(['-i', master, '-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_segment_type', 'mpegts',
    // On disk as .m2ts (the playlist still names them seg-<n>.ts): editors, linters and TypeScript
    // take a .ts file for TypeScript.
    '-hls_segment_filename', path.join(dir, 'seg-%d.m2ts'), path.join(tmp, `${name}.m3u8`)]);
  run(['-i', master, '-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize', path.join(dir, 'live.flv')]);
  const playlist = fs.readFileSync(path.join(tmp, `${name}.m3u8`), 'utf8');
  const durations = [...playlist.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => Number(m[1]));
  loops.push({ name, segments: durations.map((duration, k) => ({ file: `seg-${k}.m2ts`, duration })) });
});
fs.rmSync(tmp, { recursive: true, force: true });
fs.writeFileSync(path.join(OUT, 'manifest.json'), `${JSON.stringify({ codec: 'avc1.4d401e', width: 640, height: 360, fps: FPS, loops }, null, 2)}\n`);
let total = 0;
for (const f of fs.readdirSync(OUT, { recursive: true })) {
  const st = fs.statSync(path.join(OUT, String(f)));
  if (st.isFile()) total += st.size;
}
console.log(`wrote ${loops.length} loops to ${OUT} (${(total / 1024).toFixed(0)} KiB)`);
