/**
 * Browser transport (web host): calls are `POST /api/rpc/<method>` with the params as JSON and
 * `Authorization: Bearer <token>`; the body is the Result even on 4xx. Events arrive on the
 * socket.io namespace `/hall`, each topic as a socket event; the token rides in the handshake.
 */
import { io } from 'socket.io-client';
import type { EventOf, MethodName, ParamsOf, Result, ResultOf, Topic } from '../../../shared/contract';
import { ERROR_CODES, fail } from '../../../shared/contract/result';
import { Listeners, type ConnectionState, type HallClient } from './hall-client';
import { parseEvent } from './event-payload';

/** The part of a socket.io client socket this transport uses (a fake in tests). */
export interface EventSocket {
  readonly connected: boolean;
  /** true while socket.io will keep retrying on its own. */
  readonly active: boolean;
  connect(): void;
  disconnect(): void;
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
}

export interface HttpClientOptions {
  /** Prefix of every URL, '' for same origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Builds the `/hall` socket; `auth` is read at every (re)connect so it sees the current token. */
  createSocket?: (auth: () => { token: string | null }) => EventSocket;
}

function defaultSocket(baseUrl: string, auth: () => { token: string | null }): EventSocket {
  return io(`${baseUrl}/hall`, {
    path: '/socket.io',
    autoConnect: false,
    transports: ['websocket', 'polling'],
    auth: (cb) => cb(auth()),
  }) as unknown as EventSocket;
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const b = body as { ok: unknown; error?: { code?: unknown; message?: unknown } };
  if (b.ok === true) return 'value' in body;
  return b.ok === false && typeof b.error?.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(b.error.code);
}

export function createHttpClient(options: HttpClientOptions = {}): HallClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let token: string | null = null;
  let state: ConnectionState = 'offline';
  const stateListeners = new Listeners<[ConnectionState]>();
  const unauthorized = new Listeners<[string | null]>();
  const socket = (options.createSocket ?? ((auth) => defaultSocket(baseUrl, auth)))(() => ({ token }));

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    stateListeners.emit(next);
  }

  /** The server refused `refused`: forget it (unless it was already replaced) and tell listeners. */
  function refuse(refused: string | null): void {
    if (refused !== null && refused === token) {
      token = null;
      socket.disconnect();
      setState('offline');
    }
    unauthorized.emit(refused);
  }

  socket.on('connect', () => setState('online'));
  socket.on('disconnect', () => setState(token !== null && socket.active ? 'reconnecting' : 'offline'));
  socket.on('connect_error', (error: Error) => {
    if (error.message === 'unauthorized') {
      setState('offline');
      refuse(token);
    } else {
      setState(socket.active ? 'reconnecting' : 'offline');
    }
  });

  return {
    kind: 'http',
    async invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
      const sent = token;
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}/api/rpc/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(sent ? { authorization: `Bearer ${sent}` } : {}) },
          body: JSON.stringify(params ?? {}),
        });
      } catch (error) {
        return fail('unavailable', `Calling ${method} failed: the console service is not reachable (${(error as Error).message})`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        // A proxy's HTML error page, or a server going away mid-answer.
        const code = response.status >= 500 || response.status === 0 ? 'unavailable' : 'internal';
        return fail(code, `Calling ${method} returned HTTP ${response.status} without a JSON result`);
      }
      if (!isResult(body)) return fail('internal', `Calling ${method} returned HTTP ${response.status} with a body that is not a result`);
      if (!body.ok && body.error.code === 'unauthorized' && method !== 'auth.login') refuse(sent);
      return body as Result<ResultOf<M>>;
    },
    subscribe<T extends Topic>(topic: T, handler: (payload: EventOf<T>) => void): () => void {
      const listener = (payload: unknown): void => {
        const event = parseEvent(topic, payload);
        if (event) handler(event);
      };
      socket.on(topic, listener);
      return () => socket.off(topic, listener);
    },
    setToken(next) {
      if (next === token) return;
      token = next;
      if (socket.connected || socket.active) socket.disconnect();
      if (next === null) {
        setState('offline');
        return;
      }
      setState('connecting');
      socket.connect();
    },
    getToken: () => token,
    connectionState: () => state,
    onConnectionState: (listener) => stateListeners.add(listener),
    onUnauthorized: (listener) => unauthorized.add(listener),
  };
}
