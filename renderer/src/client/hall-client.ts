/**
 * The renderer's one door to the core. Views and stores only see `HallClient`; whether calls go
 * over Electron IPC (`window.hall`) or over HTTP + socket.io (a browser display) is decided once
 * at start (create-client.ts). A call never throws: failures come back as `{ ok: false, error }`.
 */
import { inject, type InjectionKey } from 'vue';
import type { TypedHall } from '../../../shared/contract';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';
export const CONNECTION_STATES: readonly ConnectionState[] = ['connecting', 'online', 'reconnecting', 'offline'];

export interface HallClient extends TypedHall {
  /** 'ipc': Electron, the main process holds the session; 'http': the browser holds a bearer token. */
  readonly kind: 'ipc' | 'http';
  /**
   * The bearer token for calls and the event socket (http only; ignored over ipc, where main
   * holds the session per window). Setting it (re)connects the event socket; null closes it.
   */
  setToken(token: string | null): void;
  getToken(): string | null;
  connectionState(): ConnectionState;
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /**
   * A call or the event socket was refused as `unauthorized`. Carries the token that was
   * refused (null over ipc) so a listener can tell whether it was its own credential.
   */
  onUnauthorized(listener: (refusedToken: string | null) => void): () => void;
}

export const HALL_CLIENT: InjectionKey<HallClient> = Symbol('HallClient');

export function useHallClient(): HallClient {
  const client = inject(HALL_CLIENT);
  if (!client) throw new Error('useHallClient: no HallClient provided (app.provide(HALL_CLIENT, client) in main.ts)');
  return client;
}

/** A tiny listener set; listeners that throw are reported and never stop the others. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of [...this.set]) {
      try {
        listener(...args);
      } catch (error) {
        console.error('[hall-client] a listener failed:', error);
      }
    }
  }
}
