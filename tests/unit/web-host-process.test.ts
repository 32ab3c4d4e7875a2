/**
 * The real `serve` entry as a process: it prints its URL, and refuses to start with a clear
 * message and a non-zero exit when it cannot (port in use, data dir not writable, bad config).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDataDir, rpc, runHostExpectingExit, startHost, type RunningHost } from '../fixtures/web-host-process';

const running: RunningHost[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.stop()));
});

describe('web host process', () => {
  it('starts in demo mode, prints its URL and answers /healthz', async () => {
    const host = await startHost(['--demo']);
    running.push(host);
    expect(host.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(demo mode/);
    const health = (await (await fetch(`${host.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    const about = await rpc<{ demo: boolean }>(host.url, 'system.about');
    expect(about.body.ok && about.body.value.demo).toBe(true);
  });

  it('outside demo mode creates the first admin from HALL_ADMIN_PASSWORD and has no demo accounts', async () => {
    const host = await startHost([]);
    running.push(host);
    expect((await rpc(host.url, 'auth.login', { username: 'operator', password: 'operator123' })).status).toBe(401);
    expect((await rpc(host.url, 'auth.login', { username: 'admin', password: 'e2e-admin-password' })).status).toBe(200);
    const about = await rpc<{ demoAccounts?: unknown }>(host.url, 'system.about');
    expect(about.body.ok && about.body.value.demoAccounts).toBeUndefined();
  });

  it('exits non-zero naming the port when it is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runHostExpectingExit(['--demo', '--data', freshDataDir(), '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`Port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('exits non-zero naming the data dir when it is not writable', async () => {
    const file = path.join(freshDataDir(), 'a-file');
    fs.writeFileSync(file, 'not a directory');
    const result = await runHostExpectingExit(['--demo', '--port', '0', '--data', path.join(file, 'data')]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Data directory .*a-file\/data is not writable/);
  });

  it('exits non-zero naming the key when the config is invalid', async () => {
    const dir = freshDataDir();
    const config = path.join(dir, 'hall.yaml');
    fs.writeFileSync(config, 'auth:\n  sessionHours: "twelve"\nvideo_wall: true\n');
    const result = await runHostExpectingExit(['--port', '0', '--data', dir, '--config', config]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('auth.sessionHours');
    expect(result.output).toContain('video_wall: unknown key');
  });

  it('refuses a LAN address without TLS with exit code 2', async () => {
    const result = await runHostExpectingExit(['--host', '0.0.0.0', '--port', '0', '--data', freshDataDir()]);
    expect(result.code).toBe(2);
    expect(result.output).toContain('Refusing to serve plain HTTP on 0.0.0.0');
  });
});
