/**
 * A warning's audio: Mandarin speech synthesised from its text with espeak-ng (voice `cmn`) where
 * it is installed, an uploaded recording, or — without espeak-ng — an attention tone, so a
 * release never goes out silent. Files live in the data directory; a small HTTP server serves
 * them to the terminals (IP loudspeakers fetch the URL they are given in the start command).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type AudioSource = 'tts' | 'upload' | 'tone';

export interface WarningAudioFile {
  source: AudioSource;
  mimeType: string;
  durationMs: number;
  bytes: number;
  file: string;
}

/** Duration of a PCM WAV from its fmt and data chunks (null when it is not one). */
export function wavDurationMs(buf: Buffer): number | null {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return null;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = buf.readUInt32LE(offset + 16);
    if (id === 'data') {
      // espeak-ng writing to a file it cannot seek leaves 0x7fffffff or 0: use what is there.
      if (size === 0 || offset + 8 + size > buf.length) size = buf.length - offset - 8;
      return byteRate > 0 ? Math.round((size / byteRate) * 1000) : null;
    }
    offset += 8 + size + (size % 2);
  }
  return null;
}

/** A 16-bit mono PCM WAV. */
export function pcmWav(samples: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Three rising attention chimes, repeated: what terminals play when no speech can be made. */
export function attentionTone(seconds = 6, sampleRate = 16_000): Buffer {
  const samples = new Int16Array(seconds * sampleRate);
  const notes = [660, 880, 1100];
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    const inCycle = t % 2;
    const note = Math.floor(inCycle / 0.4);
    if (note > 2) continue;
    const tn = inCycle - note * 0.4;
    const envelope = Math.min(1, tn * 50) * Math.max(0, 1 - tn / 0.38);
    samples[i] = Math.round(Math.sin(2 * Math.PI * notes[note]! * t) * envelope * 12_000);
  }
  return pcmWav(samples, sampleRate);
}

/** Synthesise Mandarin speech; rejects when espeak-ng is missing or fails. */
export function synthesise(text: string, file: string, options: { voice?: string; wordsPerMinute?: number; timeoutMs?: number } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'espeak-ng',
      ['-v', options.voice ?? 'cmn', '-s', String(options.wordsPerMinute ?? 150), '-w', file, '--', text],
      { timeout: options.timeoutMs ?? 30_000 },
      (error) => (error ? reject(new Error(`espeak-ng could not speak the text: ${error.message}`)) : resolve()),
    );
  });
}

export class AudioLibrary {
  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  pathFor(warningId: string, ext: 'wav' | 'mp3'): string {
    return path.join(this.dir, `${warningId}.${ext}`);
  }

  /** Speech from the text, or the attention tone when espeak-ng is not there. */
  async speak(warningId: string, text: string): Promise<WarningAudioFile> {
    const file = this.pathFor(warningId, 'wav');
    try {
      await synthesise(text, file);
      const buf = fs.readFileSync(file);
      const durationMs = wavDurationMs(buf);
      if (durationMs === null) throw new Error('espeak-ng wrote no WAV');
      return { source: 'tts', mimeType: 'audio/wav', durationMs, bytes: buf.length, file };
    } catch (error) {
      this.log(`[warnings] Speech synthesis unavailable (${(error as Error).message}); the warning will play an attention tone. Install espeak-ng for speech.`);
      const tone = attentionTone();
      fs.writeFileSync(file, tone);
      return { source: 'tone', mimeType: 'audio/wav', durationMs: wavDurationMs(tone)!, bytes: tone.length, file };
    }
  }

  /** An uploaded recording; WAV durations are read, MP3 ones estimated at 128 kbit/s. */
  store(warningId: string, mimeType: string, data: Buffer): WarningAudioFile {
    const isWav = mimeType !== 'audio/mpeg';
    const durationMs = isWav ? wavDurationMs(data) : Math.round((data.length * 8) / 128);
    if (durationMs === null) throw new Error('the upload is not a PCM WAV file (RIFF/WAVE with fmt and data chunks)');
    const file = this.pathFor(warningId, isWav ? 'wav' : 'mp3');
    fs.writeFileSync(file, data);
    return { source: 'upload', mimeType: isWav ? 'audio/wav' : 'audio/mpeg', durationMs, bytes: data.length, file };
  }
}

/**
 * Serves warning audio to terminals at /audio/<token>.<ext>. Tokens are random and registered
 * per warning, so nothing else in the data directory can be fetched.
 */
export class AudioServer {
  private server: http.Server | null = null;
  private readonly files = new Map<string, { file: string; mimeType: string }>();
  private base = '';

  constructor(private readonly options: { host: string; port: number; publicUrl?: string | undefined; log?: (line: string) => void }) {}

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const m = /^\/audio\/([A-Za-z0-9]+)\.(wav|mp3)$/.exec(req.url ?? '');
      const entry = m ? this.files.get(m[1]!) : undefined;
      if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      fs.readFile(entry.file, (error, data) => {
        if (error) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('audio file missing');
          return;
        }
        res.writeHead(200, { 'content-type': entry.mimeType, 'content-length': data.length, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : data);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    this.base = (this.options.publicUrl ?? `http://${this.options.host === '0.0.0.0' ? '127.0.0.1' : this.options.host}:${port}`).replace(/\/$/, '');
    this.options.log?.(`[warnings] Serving warning audio to terminals at ${this.base}/audio/`);
  }

  /** The URL terminals fetch for this file (registered now; stable for the process's life). */
  urlFor(warningId: string, file: WarningAudioFile): string {
    let token = [...this.files.entries()].find(([, v]) => v.file === file.file)?.[0];
    if (!token) {
      token = `${warningId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}${randomBytes(12).toString('hex')}`;
      this.files.set(token, { file: file.file, mimeType: file.mimeType });
    }
    return `${this.base}/audio/${token}.${file.mimeType === 'audio/mpeg' ? 'mp3' : 'wav'}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
