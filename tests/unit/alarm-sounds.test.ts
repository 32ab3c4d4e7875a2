/** The alarm sounds (resources/sounds) are valid short WAV files, exactly what build/gen-sounds.mjs makes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
const soundPath = (dir: string, level: string) => path.join(dir, `alarm-${level}.wav`);

interface Wav {
  format: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bits: number;
  samples: Int16Array;
}

function parseWav(bytes: Buffer): Wav {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  expect(bytes.toString('ascii', 12, 16)).toBe('fmt ');
  expect(bytes.readUInt32LE(16)).toBe(16);
  expect(bytes.toString('ascii', 36, 40)).toBe('data');
  const dataBytes = bytes.readUInt32LE(40);
  expect(dataBytes).toBe(bytes.length - 44);
  const samples = new Int16Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(44 + i * 2);
  return {
    format: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    byteRate: bytes.readUInt32LE(28),
    blockAlign: bytes.readUInt16LE(32),
    bits: bytes.readUInt16LE(34),
    samples,
  };
}

describe('alarm sounds', () => {
  for (const level of LEVELS) {
    it(`alarm-${level}.wav is mono 16-bit PCM at 22.05 kHz, audible, at most 2 s, and starts and ends quietly`, () => {
      const wav = parseWav(fs.readFileSync(soundPath(path.join(root, 'resources/sounds'), level)));
      expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 22_050, byteRate: 44_100, blockAlign: 2, bits: 16 });
      const seconds = wav.samples.length / wav.sampleRate;
      expect(seconds).toBeGreaterThan(0.3);
      expect(seconds).toBeLessThanOrEqual(2);
      const peak = wav.samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
      expect(peak).toBeGreaterThan(10_000);
      expect(peak).toBeLessThan(32_767); // not clipped
      // Ramped ends: no click when it starts or loops.
      expect(Math.abs(wav.samples[0]!)).toBeLessThan(200);
      expect(Math.abs(wav.samples[wav.samples.length - 1]!)).toBeLessThan(200);
    });
  }

  it('are exactly what build/gen-sounds.mjs generates', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-sounds-'));
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'build/gen-sounds.mjs'), out], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      for (const level of LEVELS) {
        expect(fs.readFileSync(soundPath(out, level)).equals(fs.readFileSync(soundPath(path.join(root, 'resources/sounds'), level))), level).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('differ from level to level', () => {
    const sizes = new Set(LEVELS.map((level) => fs.statSync(soundPath(path.join(root, 'resources/sounds'), level)).size));
    expect(sizes.size).toBe(LEVELS.length);
  });
});
