/**
 * Electron transport: `window.hall` from the preload. The main process holds the session of
 * this window, so no token travels; the IPC channel itself is always up while the window lives.
 */
import type { HallBridge, MethodName, ParamsOf, Result, ResultOf, Topic, EventOf } from '../../../shared/contract';
import { fail } from '../../../shared/contract/result';
import { Listeners, type ConnectionState, type HallClient } from './hall-client';
import { parseEvent } from './event-payload';

export function createIpcClient(bridge: HallBridge): HallClient {
  const unauthorized = new Listeners<[string | null]>();
  const state: ConnectionState = 'online';

  return {
    kind: 'ipc',
    async invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
      let result: Result<unknown>;
      try {
        result = await bridge.invoke(method, params);
      } catch (error) {
        // The preload should never reject, but a torn-down channel can: report, never throw.
        return fail('unavailable', `Calling ${method} over IPC failed: ${(error as Error).message}`);
      }
      if (!result.ok && result.error.code === 'unauthorized' && method !== 'auth.login') unauthorized.emit(null);
      return result as Result<ResultOf<M>>;
    },
    subscribe<T extends Topic>(topic: T, handler: (payload: EventOf<T>) => void): () => void {
      return bridge.subscribe(topic, (payload) => {
        const event = parseEvent(topic, payload);
        if (event) handler(event);
      });
    },
    setToken: () => undefined,
    getToken: () => null,
    connectionState: () => state,
    onConnectionState: () => () => undefined,
    onUnauthorized: (listener) => unauthorized.add(listener),
  };
}
