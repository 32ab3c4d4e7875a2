/**
 * The web host with a real core, real HTTP and real socket.io on loopback.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createCore, type Core } from '../../electron/core/core';
import { startWebHost, type WebHost } from '../../electron/web-host/server';
import { loginToken, rpc } from '../fixtures/web-host-process';

let dataDir: string;
let rendererDir: string;
let core: Core;
let host: WebHost;
const sockets: Socket[] = [];

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-wh-'));
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>hall</title><div id="app"></div>');
  core = await createCore({ dataDir, demo: true, log: () => {} });
  host = await startWebHost({ core, host: '127.0.0.1', port: 0, rendererDir, sessionCheckMs: 100 });
});

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.disconnect());
  await host.close();
  core.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(rendererDir, { recursive: true, force: true });
});

function socketFor(token: string | undefined): Socket {
  const socket = connect(`${host.url}/hall`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return socket;
}

function once<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (payload: T) => resolve(payload)));
}

describe('web host HTTP', () => {
  it('reports health with version, db state and start time', async () => {
    const res = await fetch(`${host.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: core.facts.version, db: 'ok', startedAt: core.facts.startedAt });
  });

  it('answers 401 to a method without a token and 403 to a wall user changing state', async () => {
    const noToken = await rpc(host.url, 'stations.list');
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

    const wall = await loginToken(host.url, 'wall', 'wall123');
    const backup = await rpc(host.url, 'system.backup', {}, wall);
    expect(backup.status).toBe(403);
    expect(backup.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers bad input with 4xx and a code, never 5xx', async () => {
    const operator = await loginToken(host.url, 'operator', 'operator123');
    const badJson = await fetch(`${host.url}/api/rpc/stations.list`, { method: 'POST', headers: { Authorization: `Bearer ${operator}` }, body: '{oops' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ ok: false, error: { code: 'invalid_params' } });

    const badParams = await rpc(host.url, 'stations.list', { level: 'province' }, operator);
    expect(badParams.status).toBe(400);
    expect(badParams.body).toMatchObject({ ok: false, error: { code: 'invalid_params', details: [{ path: 'level' }] } });

    const unknown = await rpc(host.url, 'stations.explode', {}, operator);
    expect(unknown.status).toBe(404);
    const missing = await rpc(host.url, 'stations.get', { code: '441602999999' }, operator);
    expect(missing.status).toBe(404);
    const get = await fetch(`${host.url}/api/rpc/stations.list`);
    expect(get.status).toBe(400);
  });

  it('serves the renderer for app routes with a strict CSP', async () => {
    for (const route of ['/', '/wall/screen-1', '/decision', '/overview']) {
      const res = await fetch(`${host.url}${route}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('lets an operator list the 68 demo villages over HTTP', async () => {
    const operator = await loginToken(host.url, 'operator', 'operator123');
    const { body } = await rpc<{ demo: boolean }[]>(host.url, 'stations.list', { level: 'village' }, operator);
    expect(body.ok && body.value.length).toBe(68);
    expect(body.ok && body.value.every((s) => s.demo)).toBe(true);
  });
});

describe('web host events on /hall', () => {
  it('refuses a socket without a valid token', async () => {
    const socket = socketFor('not-a-token');
    const error = await once<Error>(socket, 'connect_error');
    expect(error.message).toBe('unauthorized');
  });

  it('pushes core events to signed-in sockets', async () => {
    const socket = socketFor(await loginToken(host.url, 'operator', 'operator123'));
    await once(socket, 'connect');
    const received = once<{ stations: { code: string }[] }>(socket, 'stations.changed');
    core.events.emit('stations.changed', {
      stations: [{ code: '441602100201', name: 'x', level: 'village', parentCode: '441602100000', lat: 23.7, lon: 114.7, online: false, demo: true }],
    });
    expect((await received).stations[0]!.code).toBe('441602100201');
  });

  it('ends the socket of a session that logs out, and of one that expires', async () => {
    const token = await loginToken(host.url, 'operator', 'operator123');
    const socket = socketFor(token);
    await once(socket, 'connect');
    const ended = once<{ reason: string }>(socket, 'auth.sessionEnded');
    await rpc(host.url, 'auth.logout', {}, token);
    expect((await ended).reason).toBe('logout');

    // Expiry: revoke behind the socket's back (as an expiry would); the periodic check ends it.
    const token2 = await loginToken(host.url, 'commander', 'commander123');
    const socket2 = socketFor(token2);
    await once(socket2, 'connect');
    const ended2 = once<{ reason: string }>(socket2, 'auth.sessionEnded');
    core.db.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE username = 'commander'").run();
    expect((await ended2).reason).toBe('expired');
  });
});
