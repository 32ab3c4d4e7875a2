#!/usr/bin/env node
/**
 * Generates the alert desk's alarm sounds, one per level, into resources/sounds/alarm-<level>.wav:
 *   blue   – a soft single chime (sine + a quiet octave, slow decay)
 *   yellow – a double beep
 *   orange – a fast triple beep
 *   red    – an urgent two-tone (hi–lo) siren
 * Mono, 16-bit PCM, 22 050 Hz, each under 2 s and made to loop (the alarm plays them on loop).
 * Pure JS and deterministic: the same bytes every run, so the committed files can be checked.
 * Every tone starts and ends on a short raised-cosine ramp, so there is no click inside a sound
 * nor at the loop seam.
 *
 *   node build/gen-sounds.mjs [outDir]     (default: resources/sounds)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE_RATE = 22_050;
export const LEVELS = ['blue', 'yellow', 'orange', 'red'];

const TAU = Math.PI * 2;

/** Raised-cosine gain for a ramp of `ramp` seconds at both ends of a `length`-second tone. */
function edge(t, length, ramp) {
  if (t < ramp) return 0.5 - 0.5 * Math.cos((Math.PI * t) / ramp);
  if (t > length - ramp) return 0.5 - 0.5 * Math.cos((Math.PI * (length - t)) / ramp);
  return 1;
}

/** A buffer of `seconds` of silence (floats in −1…1). */
function silence(seconds) {
  return new Float64Array(Math.round(seconds * SAMPLE_RATE));
}

/** Adds a beep: a fundamental with a few soft odd harmonics (a mellow square), ramped ends. */
function addBeep(buf, start, length, freq, gain) {
  const first = Math.round(start * SAMPLE_RATE);
  const count = Math.round(length * SAMPLE_RATE);
  for (let i = 0; i < count && first + i < buf.length; i++) {
    const t = i / SAMPLE_RATE;
    const wave = Math.sin(TAU * freq * t) + Math.sin(TAU * 3 * freq * t) / 6 + Math.sin(TAU * 5 * freq * t) / 14;
    buf[first + i] += gain * edge(t, length, 0.008) * wave;
  }
}

function chime() {
  const length = 1.6;
  const buf = silence(length);
  for (let i = 0; i < buf.length; i++) {
    const t = i / SAMPLE_RATE;
    const decay = Math.exp(-t * 3.2);
    const wave = Math.sin(TAU * 880 * t) + 0.35 * Math.sin(TAU * 1760 * t) * Math.exp(-t * 4) + 0.12 * Math.sin(TAU * 2640 * t) * Math.exp(-t * 6);
    buf[i] = 0.5 * decay * edge(t, length, 0.01) * wave;
  }
  return buf;
}

function doubleBeep() {
  const buf = silence(1.2);
  addBeep(buf, 0, 0.18, 1000, 0.55);
  addBeep(buf, 0.3, 0.18, 1000, 0.55);
  return buf;
}

function tripleBeep() {
  const buf = silence(0.75);
  for (let n = 0; n < 3; n++) addBeep(buf, n * 0.16, 0.1, 1400, 0.6);
  return buf;
}

/** Hi–lo siren: 960 Hz and 770 Hz alternating every 0.25 s, phase-continuous, gentle slides. */
function siren() {
  const length = 1.0;
  const buf = silence(length);
  const half = 0.25;
  const slide = 0.02;
  let phase = 0;
  for (let i = 0; i < buf.length; i++) {
    const t = i / SAMPLE_RATE;
    const inHalf = t % half;
    const high = Math.floor(t / half) % 2 === 0;
    const [from, to] = high ? [770, 960] : [960, 770];
    const freq = inHalf < slide ? from + ((to - from) * inHalf) / slide : to;
    phase += (TAU * freq) / SAMPLE_RATE;
    const wave = Math.sin(phase) + Math.sin(3 * phase) / 5 + Math.sin(5 * phase) / 12;
    buf[i] = 0.6 * edge(t, length, 0.004) * wave;
  }
  return buf;
}

const SYNTHS = { blue: chime, yellow: doubleBeep, orange: tripleBeep, red: siren };

/** A RIFF/WAVE file (PCM, mono, 16-bit) of the samples (clipped to −1…1). */
export function encodeWav(samples) {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(SAMPLE_RATE, 24);
  out.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    out.writeInt16LE(Math.round(v * 32767), 44 + i * 2);
  }
  return out;
}

/** Every level's sound as WAV bytes. */
export function renderSounds() {
  return Object.fromEntries(LEVELS.map((level) => [level, encodeWav(SYNTHS[level]())]));
}

export function writeSounds(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const [level, bytes] of Object.entries(renderSounds())) {
    const file = path.join(outDir, `alarm-${level}.wav`);
    fs.writeFileSync(file, bytes);
    written.push({ file, bytes: bytes.length });
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../resources/sounds', import.meta.url)));
  for (const { file, bytes } of writeSounds(outDir)) console.log(`${path.relative(process.cwd(), file)}  ${bytes} bytes`);
}
