/**
 * The demo video through the real web host (demo core, in-process district simulator): the
 * simulator's cameras name the console (http://hall.local/video/<id>/…) and the web host serves
 * them — live HLS, HTTP-FLV and WS-FLV beside socket.io — and 404s anything else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { io as connect } from 'socket.io-client';
import { createCore, type Core } from '../../electron/core/core';
import { startWebHost, type WebHost } from '../../electron/web-host/server';
import { loginToken, rpc } from '../fixtures/web-host-process';

let dataDir: string;
let rendererDir: string;
let core: Core;
let host: WebHost;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-video-'));
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>hall</title>');
  core = await createCore({ dataDir, demo: true, log: () => {} });
  host = await startWebHost({ core, host: '127.0.0.1', port: 0, rendererDir });
  for (let i = 0; i < 150 && core.link.store.cameras.list().length < 10; i++) await new Promise((r) => setTimeout(r, 100));
}, 30_000);

afterAll(async () => {
  await host.close();
  core.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(rendererDir, { recursive: true, force: true });
});

describe('web host demo video', () => {
  it('plays every demo camera by same-origin paths', async () => {
    const token = await loginToken(host.url, 'admin', 'admin123');
    const cams = core.link.store.cameras.list();
    const play = await rpc(host.url, 'video.play', { cameraId: cams[0]!.id }, token);
    const info = (play.body as { value: { urls: Record<string, string>; preferred: string } }).value;
    expect(info.urls.hls).toBe(`/video/${cams[0]!.id}/index.m3u8`);
    for (const c of cams.slice(0, 8)) {
      const res = await fetch(`${host.url}/video/${c.id}/index.m3u8`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      const seg = (await res.text()).split('\n').find((l) => l.startsWith('seg-'))!;
      const ts = await fetch(`${host.url}/video/${c.id}/${seg}`);
      expect(ts.status).toBe(200);
      expect(ts.headers.get('content-type')).toBe('video/mp2t');
      await ts.arrayBuffer();
    }
  });

  it('answers 404 for an unknown camera and an unknown video path', async () => {
    const unknown = await fetch(`${host.url}/video/44169999991329999999/index.m3u8`);
    expect(unknown.status).toBe(404);
    expect((await fetch(`${host.url}/video/44169999991329999999/live.flv`)).status).toBe(404);
    expect((await fetch(`${host.url}/video/x/../../healthz`)).status).not.toBe(500);
    expect((await fetch(`${host.url}/video/`)).status).toBe(404);
  });

  it('streams WS-FLV by upgrade while socket.io keeps working', async () => {
    const id = core.link.store.cameras.list()[1]!.id;
    const first = await new Promise<Buffer>((resolve, reject) => {
      const ws = new WebSocket(`${host.url.replace('http', 'ws')}/video/${id}/live.flv`);
      ws.on('message', (data: Buffer) => {
        resolve(data);
        ws.close();
      });
      ws.on('error', reject);
    });
    expect(first.toString('latin1', 0, 3)).toBe('FLV');
    const flv = await fetch(`${host.url}/video/${id}/live.flv`);
    expect(flv.headers.get('content-type')).toBe('video/x-flv');
    await flv.body!.cancel();

    const token = await loginToken(host.url, 'admin', 'admin123');
    const socket = connect(`${host.url}/hall`, { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    socket.disconnect();
  });
});
