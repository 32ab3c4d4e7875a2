import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The preload runs against fakes of contextBridge and ipcRenderer (the real 'electron' module
 * is never loaded: it would try to download the binary).
 */
const fake = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  const sent: unknown[][] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  let invokeImpl: (...args: unknown[]) => Promise<unknown> = () => Promise.resolve({ ok: true, value: 'pong' });
  return {
    exposed,
    sent,
    invoked,
    listeners,
    setInvoke(fn: typeof invokeImpl) {
      invokeImpl = fn;
    },
    electron: {
      contextBridge: {
        exposeInMainWorld(key: string, api: unknown) {
          exposed[key] = api;
        },
      },
      ipcRenderer: {
        invoke: (...args: unknown[]) => {
          invoked.push(args);
          return invokeImpl(...args);
        },
        send: (...args: unknown[]) => sent.push(args),
        on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => listeners.set(channel, listener),
      },
    },
  };
});

vi.mock('electron', () => fake.electron);

type Hall = { invoke(method: string, params?: unknown): Promise<unknown>; subscribe(topic: string, handler: (p: unknown) => void): () => void };
let hall: Hall;

beforeAll(async () => {
  await import('../../electron/preload/index');
  hall = fake.exposed['hall'] as Hall;
});

/** Main pushing an event to this window. */
function push(topic: string, payload: unknown): void {
  fake.listeners.get('hall:event')!({ sender: 'the ipcRenderer — must never reach the page' }, topic, payload);
}

describe('preload', () => {
  it('exposes exactly window.hall = { invoke, subscribe } and nothing else', () => {
    expect(Object.keys(fake.exposed)).toEqual(['hall']);
    expect(Object.keys(hall).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('invoke sends method and params on hall:invoke, no token', async () => {
    expect(await hall.invoke('system.about', {})).toEqual({ ok: true, value: 'pong' });
    expect(fake.invoked.at(-1)).toEqual(['hall:invoke', 'system.about', {}]);
    await hall.invoke('auth.me');
    expect(fake.invoked.at(-1)).toEqual(['hall:invoke', 'auth.me', {}]);
  });

  it('turns an IPC failure into a Result instead of a throw', async () => {
    fake.setInvoke(() => Promise.reject(new Error("No handler registered for 'hall:invoke'")));
    const result = (await hall.invoke('system.about', {})) as { ok: boolean; error: { code: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('unavailable');
  });

  it('subscribes once per topic, hands handlers the payload only, unsubscribes after the last', () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = hall.subscribe('stations.changed', (p) => a.push(p));
    const offB = hall.subscribe('stations.changed', (p) => b.push(p));
    expect(fake.sent.filter(([ch]) => ch === 'hall:subscribe')).toEqual([['hall:subscribe', 'stations.changed']]);

    push('stations.changed', { stations: [1] });
    push('system.tick', { now: 'x' });
    expect(a).toEqual([{ stations: [1] }]);
    expect(b).toEqual([{ stations: [1] }]);

    offA();
    expect(fake.sent.some(([ch]) => ch === 'hall:unsubscribe')).toBe(false);
    push('stations.changed', { stations: [2] });
    expect(a).toHaveLength(1);
    offB();
    offB();
    expect(fake.sent.filter(([ch]) => ch === 'hall:unsubscribe')).toEqual([['hall:unsubscribe', 'stations.changed']]);
  });

  it('a throwing handler does not stop the others', () => {
    const seen: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const off1 = hall.subscribe('system.tick', () => {
      throw new Error('broken view');
    });
    const off2 = hall.subscribe('system.tick', (p) => seen.push(p));
    push('system.tick', { now: 't' });
    expect(seen).toEqual([{ now: 't' }]);
    expect(spy).toHaveBeenCalled();
    off1();
    off2();
    spy.mockRestore();
  });
});
