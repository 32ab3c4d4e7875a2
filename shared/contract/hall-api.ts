/**
 * The shape of `window.hall` (Electron preload) — also implemented by the renderer's HTTP
 * client, so views never know which host they run in.
 */
import type { MethodName, ParamsOf, ResultOf } from './methods';
import type { EventOf, Topic } from './events';
import type { Result } from './result';

export interface HallBridge {
  invoke(method: string, params: unknown): Promise<Result<unknown>>;
  subscribe(topic: string, handler: (payload: unknown) => void): () => void;
}

export interface TypedHall {
  invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>>;
  subscribe<T extends Topic>(topic: T, handler: (payload: EventOf<T>) => void): () => void;
}
