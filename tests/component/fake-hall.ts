/**
 * A fake HallClient for component tests: the client is the transport boundary, so views and
 * stores are exercised for real against scripted results and events pushed by the test.
 */
import { vi } from 'vitest';
import { createMemoryHistory, createRouter, type RouteRecordRaw, type Router } from 'vue-router';
import { h } from 'vue';
import { createTestingPinia } from '@pinia/testing';
import type { EventOf, MethodName, ParamsOf, Result, ResultOf, Topic } from '../../shared/contract';
import { fail, ok } from '../../shared/contract/result';
import { HALL_CLIENT, type ConnectionState, type HallClient } from '../../renderer/src/client/hall-client';
import { createHallI18n, type Locale } from '../../renderer/src/i18n';

type Handler<M extends MethodName> = (params: ParamsOf<M>) => Result<ResultOf<M>> | Promise<Result<ResultOf<M>>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

export interface FakeHall {
  client: HallClient;
  invoke: ReturnType<typeof vi.fn>;
  setToken: ReturnType<typeof vi.fn>;
  /** Push an event to every subscriber of `topic`, as the core would. */
  emit<T extends Topic>(topic: T, payload: EventOf<T>): void;
  subscribers(topic: Topic): number;
}

export function fakeHall(handlers: Handlers, kind: 'http' | 'ipc' = 'http'): FakeHall {
  const subs = new Map<string, Set<(payload: unknown) => void>>();
  let token: string | null = null;
  const invoke = vi.fn(async (method: MethodName, params: unknown) => {
    const handler = handlers[method] as ((p: unknown) => Result<unknown> | Promise<Result<unknown>>) | undefined;
    return handler ? handler(params) : fail('not_found', `fake: no handler for ${method}`);
  });
  const setToken = vi.fn((next: string | null) => {
    token = next;
  });
  const client: HallClient = {
    kind,
    invoke: invoke as unknown as HallClient['invoke'],
    subscribe(topic, handler) {
      let set = subs.get(topic);
      if (!set) subs.set(topic, (set = new Set()));
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    setToken,
    getToken: () => token,
    connectionState: (): ConnectionState => 'online',
    onConnectionState: () => () => undefined,
    onUnauthorized: () => () => undefined,
  };
  return {
    client,
    invoke,
    setToken,
    emit(topic, payload) {
      for (const h of subs.get(topic) ?? []) h(payload);
    },
    subscribers: (topic) => subs.get(topic)?.size ?? 0,
  };
}

export const Blank = { render: () => h('div', { 'data-testid': 'blank' }) };

/** A router over memory history holding only what a test needs. */
export async function testRouter(routes: RouteRecordRaw[], start: string): Promise<Router> {
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(start);
  await router.isReady();
  return router;
}

/**
 * `global` mounting options: real stores (actions not stubbed), the app's i18n, the fake client;
 * `initialState` seeds stores by id (e.g. a signed-in session).
 */
export function globalFor(hall: FakeHall, router: Router, locale: Locale = 'zh-CN', initialState: Record<string, unknown> = {}) {
  return {
    plugins: [createHallI18n(locale), createTestingPinia({ createSpy: vi.fn, stubActions: false, initialState }), router],
    provide: { [HALL_CLIENT as symbol]: hall.client },
  };
}

export { ok, fail };
