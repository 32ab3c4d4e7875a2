import { describe, expect, it, vi } from 'vitest';
import { createHttpClient, type EventSocket } from '../../renderer/src/client/http-client';
import type { ConnectionState } from '../../renderer/src/client/hall-client';

/** A socket.io stand-in: the test plays the server by firing socket events. */
function fakeSocket() {
  const listeners = new Map<string, Set<(...args: never[]) => void>>();
  const socket = {
    connected: false,
    active: false,
    connect: vi.fn(() => {
      socket.active = true;
    }),
    disconnect: vi.fn(() => {
      socket.active = false;
      socket.connected = false;
    }),
    on(event: string, listener: (...args: never[]) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
    },
    off(event: string, listener: (...args: never[]) => void) {
      listeners.get(event)?.delete(listener);
    },
    fire(event: string, ...args: unknown[]) {
      for (const l of listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
    },
  };
  return socket satisfies EventSocket;
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('HTTP transport', () => {
  it('posts params as JSON with the bearer token to /api/rpc/<method>', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(200, { ok: true, value: [] })));
    const socket = fakeSocket();
    const client = createHttpClient({ fetch, createSocket: () => socket });
    client.setToken('tok-1');
    const result = await client.invoke('stations.list', { level: 'town' });
    expect(result).toEqual({ ok: true, value: [] });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/rpc/stations.list');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['authorization']).toBe('Bearer tok-1');
    expect(JSON.parse(init.body as string)).toEqual({ level: 'town' });
  });

  it('turns a network failure into an unavailable result instead of throwing', async () => {
    const client = createHttpClient({ fetch: vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))), createSocket: () => fakeSocket() });
    const result = await client.invoke('system.about', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unavailable');
      expect(result.error.message).toContain('system.about');
    }
  });

  it('reads the result from a 4xx body, and a non-JSON 502 is unavailable', async () => {
    const forbidden = { ok: false, error: { code: 'forbidden', message: 'nope' } };
    const fetch = vi
      .fn<(...args: unknown[]) => Promise<Response>>()
      .mockResolvedValueOnce(jsonResponse(403, forbidden))
      .mockResolvedValueOnce(new Response('<html>Bad gateway</html>', { status: 502 }));
    const client = createHttpClient({ fetch, createSocket: () => fakeSocket() });
    expect(await client.invoke('system.backup', {})).toEqual(forbidden);
    const bad = await client.invoke('system.backup', {});
    expect(!bad.ok && bad.error.code).toBe('unavailable');
  });

  it('drops the token and reports it when a call comes back unauthorized', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(401, { ok: false, error: { code: 'unauthorized', message: 'The session has ended' } })));
    const socket = fakeSocket();
    const client = createHttpClient({ fetch, createSocket: () => socket });
    const refused = vi.fn();
    client.onUnauthorized(refused);
    client.setToken('tok-old');
    await client.invoke('stations.list', {});
    expect(refused).toHaveBeenCalledWith('tok-old');
    expect(client.getToken()).toBeNull();
    expect(client.connectionState()).toBe('offline');
  });

  it('a wrong password at login is not a refused session', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(401, { ok: false, error: { code: 'unauthorized', message: 'Wrong username or password' } })));
    const client = createHttpClient({ fetch, createSocket: () => fakeSocket() });
    const refused = vi.fn();
    client.onUnauthorized(refused);
    await client.invoke('auth.login', { username: 'a', password: 'b' });
    expect(refused).not.toHaveBeenCalled();
  });

  it('follows the socket: connecting → online → reconnecting → online; unauthorized → offline', () => {
    const socket = fakeSocket();
    let auth: () => { token: string | null } = () => ({ token: null });
    const client = createHttpClient({
      fetch: vi.fn(),
      createSocket: (a) => {
        auth = a;
        return socket;
      },
    });
    const states: ConnectionState[] = [];
    client.onConnectionState((s) => states.push(s));
    const refused = vi.fn();
    client.onUnauthorized(refused);

    client.setToken('tok-2');
    expect(auth()).toEqual({ token: 'tok-2' });
    expect(socket.connect).toHaveBeenCalled();
    socket.fire('connect');
    socket.fire('disconnect', 'transport close'); // socket.active stays true: socket.io retries
    socket.fire('connect');
    socket.fire('connect_error', new Error('unauthorized'));
    expect(states).toEqual(['connecting', 'online', 'reconnecting', 'online', 'offline']);
    expect(refused).toHaveBeenCalledWith('tok-2');
    expect(client.getToken()).toBeNull();
  });

  it('delivers socket events checked against the contract and drops malformed ones', () => {
    const socket = fakeSocket();
    const client = createHttpClient({ fetch: vi.fn(), createSocket: () => socket });
    const handler = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const off = client.subscribe('system.tick', handler);
    socket.fire('system.tick', { now: '2025-06-01T06:00:00.000Z' });
    socket.fire('system.tick', { when: 'garbage' });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    off();
    socket.fire('system.tick', { now: '2025-06-01T06:00:05.000Z' });
    expect(handler).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
