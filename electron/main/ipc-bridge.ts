/**
 * The IPC bridge: serves the core's API registry to the app's own windows over Electron IPC.
 *
 * - Every message is checked (VS Code's validatedIpcMain): it must come from the top frame of a
 *   window main created, showing the app's own origin. Anything else gets `forbidden` and a log
 *   line — a compromised or navigated frame must not reach the core.
 * - Sessions are held here, per webContents: `auth.login` binds the token to the window that
 *   signed in and the renderer only ever sees a placeholder; wall windows get a wall token bound
 *   at creation. A token never travels over IPC and never lives in the page, so a renderer
 *   compromise cannot carry a session away (to the web host, say).
 * - Core events go to windows that subscribed to the topic and whose session is still valid.
 *
 * ipcMain and the core are injected so this is unit-tested with fakes and a real core.
 */
import { fail, isTopic, type Result } from '../../shared/contract';
import type { Core } from '../core/core';
import { IPC } from '../preload/channels';

/** What the renderer receives in place of the session token after `auth.login` over IPC. */
export const TOKEN_HELD_BY_MAIN = 'held-by-main';

/** The subset of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

/** The subset of Electron's WebContents the bridge uses. */
export interface IpcWebContents {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcEventLike {
  readonly sender: IpcWebContents;
  readonly senderFrame: FrameLike | null;
}

/** The subset of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

export type WindowRole = { kind: 'console' } | { kind: 'decision' } | { kind: 'wall'; screenId: string };

export type BridgeCore = Pick<Core, 'invoke' | 'contextFor' | 'events' | 'onSessionEnded' | 'auth'>;

export interface IpcBridgeOptions {
  ipcMain: IpcMainLike;
  core: BridgeCore;
  /** Origins the app is served from: 'app://hall', or the dev server's 'http://localhost:5173'. */
  trustedOrigins: readonly string[];
  log?: (line: string) => void;
}

interface Binding {
  readonly contents: IpcWebContents;
  readonly origin: string;
  token: string | null;
  sessionId: string | null;
  readonly topics: Set<string>;
}

export interface IpcBridge {
  /** Register a window main created; walls get their wall token here. Call before loading a URL. */
  attach(contents: IpcWebContents, role: WindowRole): void;
  /** Who is signed in to a window (for menus, tests). */
  sessionOf(contents: IpcWebContents): { sessionId: string; username: string; role: string } | null;
  dispose(): void;
}

/**
 * `scheme://host[:port]` of a URL. WHATWG `URL.origin` is the string "null" for non-special
 * schemes such as app://, so it cannot be used for the custom protocol.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

function originLabel(role: WindowRole): string {
  return role.kind === 'wall' ? `ipc wall:${role.screenId}` : `ipc ${role.kind}`;
}

export function createIpcBridge(options: IpcBridgeOptions): IpcBridge {
  const { ipcMain, core } = options;
  const log = options.log ?? ((line: string) => console.warn(line));
  const trusted = new Set(options.trustedOrigins);
  const bindings = new Map<number, Binding>();

  /** The binding of a message's window if the message may be served, else null (and a log line). */
  function vet(event: IpcEventLike, channel: string): Binding | null {
    const frame = event.senderFrame;
    const binding = bindings.get(event.sender.id);
    let problem: string | null = null;
    if (!binding) problem = 'a webContents main did not create';
    else if (!frame) problem = 'a frame that is gone (navigated or destroyed)';
    else if (frame.parent !== null) problem = `a subframe (${frame.url})`;
    else if (!trusted.has(originOf(frame.url) ?? '')) problem = `a foreign origin (${frame.url})`;
    if (problem) {
      log(`[ipc] rejected ${channel} from ${problem}, webContents ${event.sender.id}`);
      return null;
    }
    return binding!;
  }

  function bind(binding: Binding, token: string | null): void {
    binding.token = token;
    binding.sessionId = token ? (core.contextFor(token, binding.origin).session?.sessionId ?? null) : null;
  }

  function push(binding: Binding, topic: string, payload: unknown): void {
    if (!binding.contents.isDestroyed()) binding.contents.send(IPC.event, topic, payload);
  }

  /** Forget a window's session and tell its renderer, which returns to the login screen. */
  function endSession(binding: Binding, reason: string): void {
    bind(binding, null);
    push(binding, 'auth.sessionEnded', { reason });
  }

  async function invoke(binding: Binding, method: string, params: unknown): Promise<Result<unknown>> {
    const { ctx, session } = core.contextFor(binding.token, binding.origin);
    if (binding.token && !session) bind(binding, null); // expired or revoked since the last call

    if (method === 'auth.login') {
      const result = await core.invoke(core.contextFor(null, binding.origin).ctx, method, params);
      if (!result.ok) return result;
      const value = result.value as { token: string };
      const previous = binding.sessionId;
      bind(binding, value.token);
      // Signing in again replaces the window's session; the old token is unreachable from now on.
      if (previous && previous !== binding.sessionId) core.auth.logout(previous);
      return { ok: true, value: { ...value, token: TOKEN_HELD_BY_MAIN } };
    }

    // auth.logout needs nothing here: the core reports the ended session (onSessionEnded below).
    return core.invoke(ctx, method, params);
  }

  const onInvoke = async (event: IpcEventLike, method: unknown, params: unknown): Promise<Result<unknown>> => {
    const binding = vet(event, IPC.invoke);
    if (!binding) return fail('forbidden', 'IPC call refused: it does not come from a trusted window of this console');
    if (typeof method !== 'string') return fail('invalid_params', `IPC call refused: method must be a string, got ${typeof method}`);
    return invoke(binding, method, params);
  };

  const onSubscribe = (event: IpcEventLike, topic: unknown): void => {
    const binding = vet(event, IPC.subscribe);
    if (!binding) return;
    if (typeof topic === 'string' && isTopic(topic)) binding.topics.add(topic);
    else log(`[ipc] ignored a subscription to unknown topic ${JSON.stringify(topic)} from webContents ${event.sender.id}`);
  };

  const onUnsubscribe = (event: IpcEventLike, topic: unknown): void => {
    const binding = vet(event, IPC.unsubscribe);
    if (binding && typeof topic === 'string') binding.topics.delete(topic);
  };

  ipcMain.handle(IPC.invoke, (event, ...args) => onInvoke(event, args[0], args[1]));
  ipcMain.on(IPC.subscribe, onSubscribe);
  ipcMain.on(IPC.unsubscribe, onUnsubscribe);

  const stopEvents = core.events.onAny((topic, payload) => {
    for (const binding of bindings.values()) {
      if (!binding.topics.has(topic) || !binding.token) continue;
      // Checked per event so an expired session stops receiving at once, not at its next call.
      if (!core.contextFor(binding.token, binding.origin).session) endSession(binding, 'expired');
      else push(binding, topic, payload);
    }
  });

  const stopSessionEnded = core.onSessionEnded((sessionId) => {
    for (const binding of bindings.values()) if (binding.sessionId === sessionId) endSession(binding, 'logout');
  });

  return {
    attach(contents, role) {
      if (bindings.has(contents.id)) throw new Error(`webContents ${contents.id} is already attached to the IPC bridge`);
      const binding: Binding = { contents, origin: originLabel(role), token: null, sessionId: null, topics: new Set() };
      bindings.set(contents.id, binding);
      if (role.kind === 'wall') bind(binding, core.auth.issueWallToken(role.screenId).token);
      contents.once('destroyed', () => {
        // After dispose() (quitting) the core may be closed already: nothing left to end.
        if (bindings.get(contents.id) !== binding) return;
        bindings.delete(contents.id);
        // Only this window ever held the token, so its session can end with it (walls get a
        // fresh token when their window is created again).
        if (binding.sessionId) core.auth.logout(binding.sessionId);
      });
    },
    sessionOf(contents) {
      const binding = bindings.get(contents.id);
      const session = binding?.token ? core.contextFor(binding.token, binding.origin).session : null;
      return session ? { sessionId: session.sessionId, username: session.user.username, role: session.user.role } : null;
    },
    dispose() {
      ipcMain.removeHandler(IPC.invoke);
      ipcMain.removeListener(IPC.subscribe, onSubscribe);
      ipcMain.removeListener(IPC.unsubscribe, onUnsubscribe);
      stopEvents();
      stopSessionEnded();
      bindings.clear();
    },
  };
}
