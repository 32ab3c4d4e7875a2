/**
 * The sandboxed preload: exposes exactly `window.hall = { invoke, subscribe }` (HallBridge) and
 * nothing else — no ipcRenderer, no Node, no event objects (an IpcRendererEvent would hand the
 * page `sender`, i.e. ipcRenderer itself). Main checks the sender frame of every message and
 * holds the session token, so the page never sees or sends one.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { HallBridge } from '../../shared/contract/hall-api';
import type { Result } from '../../shared/contract/result';
import { IPC } from './channels';

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Set<Handler>>();

ipcRenderer.on(IPC.event, (_event, topic: unknown, payload: unknown) => {
  if (typeof topic !== 'string') return;
  for (const handler of [...(handlers.get(topic) ?? [])]) {
    try {
      handler(payload);
    } catch (error) {
      // One broken view must not stop the others from hearing the event.
      console.error(`[hall] a handler of ${topic} failed`, error);
    }
  }
});

const hall: HallBridge = {
  async invoke(method: string, params: unknown): Promise<Result<unknown>> {
    try {
      return (await ipcRenderer.invoke(IPC.invoke, method, params ?? {})) as Result<unknown>;
    } catch (error) {
      // A Result never turns into a throw across a boundary, even when IPC itself fails.
      return { ok: false, error: { code: 'unavailable', message: `IPC call ${method} failed: ${(error as Error).message}` } };
    }
  },
  subscribe(topic: string, handler: Handler): () => void {
    let set = handlers.get(topic);
    if (!set) {
      handlers.set(topic, (set = new Set()));
      // Main keeps one subscription per window and topic; the fan-out to views happens here.
      ipcRenderer.send(IPC.subscribe, topic);
    }
    set.add(handler);
    return () => {
      const current = handlers.get(topic);
      if (!current?.delete(handler) || current.size > 0) return;
      handlers.delete(topic);
      ipcRenderer.send(IPC.unsubscribe, topic);
    };
  },
};

contextBridge.exposeInMainWorld('hall', hall);
