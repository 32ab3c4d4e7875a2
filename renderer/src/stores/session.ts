/**
 * Who is signed in at this console, and what the login screen may know before sign-in
 * (system.about). In a browser the session token lives in localStorage so a reload keeps the
 * operator signed in; in Electron the main process holds the session and we only ask auth.me.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { HallErrorBody, Result, ResultOf, User } from '../../../shared/contract';
import { useHallClient } from '../client/hall-client';

export const TOKEN_STORAGE_KEY = 'hall.token';

export type SessionStatus = 'unknown' | 'signedIn' | 'signedOut';
/** Why the last session ended: shown once on the login screen. */
export type SessionEnd = 'logout' | 'expired' | 'ended' | 'unavailable';
export type About = ResultOf<'system.about'>;

function readStoredToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function writeStoredToken(token: string | null): void {
  try {
    if (token === null) localStorage.removeItem(TOKEN_STORAGE_KEY);
    else localStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage can be disabled; the session then lasts until the page is closed.
  }
}

export const useSessionStore = defineStore('session', () => {
  const client = useHallClient();
  const status = ref<SessionStatus>('unknown');
  const user = ref<User | null>(null);
  const expiresAt = ref<string | null>(null);
  const ended = ref<SessionEnd | null>(null);
  const about = ref<About | null>(null);
  const aboutError = ref<HallErrorBody | null>(null);
  /** The token this session signed in with (http); a refusal of another token is not ours. */
  let sessionToken: string | null = null;
  let restoring: Promise<void> | null = null;
  /** Set while our own auth.logout is in flight: the server's 'auth.sessionEnded' may beat its answer. */
  let loggingOut = false;

  const role = computed(() => user.value?.role ?? null);
  const isAdmin = computed(() => role.value === 'admin');

  function signedIn(value: { user: User; expiresAt: string }, token: string | null): void {
    sessionToken = token;
    user.value = value.user;
    expiresAt.value = value.expiresAt;
    ended.value = null;
    status.value = 'signedIn';
  }

  function end(reason: SessionEnd | null): void {
    if (client.kind === 'http') {
      if (reason !== 'unavailable') writeStoredToken(null);
      if (sessionToken !== null && client.getToken() === sessionToken) client.setToken(null);
    }
    sessionToken = null;
    user.value = null;
    expiresAt.value = null;
    ended.value = reason;
    status.value = 'signedOut';
  }

  client.onUnauthorized((refused) => {
    if (status.value !== 'signedIn') return;
    if (client.kind === 'ipc' || refused === sessionToken) end('expired');
  });
  client.subscribe('auth.sessionEnded', () => {
    if (status.value === 'signedIn') end(loggingOut ? 'logout' : 'ended');
  });

  async function doRestore(): Promise<void> {
    let token: string | null = null;
    if (client.kind === 'http') {
      token = readStoredToken();
      if (!token) return end(null);
      client.setToken(token);
    }
    const me = await client.invoke('auth.me', {});
    if (me.ok) return signedIn(me.value, token);
    if (client.kind === 'http' && token !== null && client.getToken() === token && me.error.code !== 'unauthorized') {
      // Service down: keep the stored token for the next attempt, but do not pretend to be signed in.
      client.setToken(null);
    }
    end(me.error.code === 'unauthorized' ? (token ? 'expired' : null) : 'unavailable');
  }

  /** Learn once whether this window is signed in (the router guard awaits this). */
  function restore(): Promise<void> {
    if (status.value !== 'unknown') return Promise.resolve();
    restoring ??= doRestore().finally(() => {
      restoring = null;
    });
    return restoring;
  }

  async function login(username: string, password: string): Promise<Result<ResultOf<'auth.login'>>> {
    const result = await client.invoke('auth.login', { username, password });
    if (result.ok) {
      if (client.kind === 'http') {
        writeStoredToken(result.value.token);
        client.setToken(result.value.token);
      }
      signedIn(result.value, client.kind === 'http' ? result.value.token : null);
    }
    return result;
  }

  async function logout(): Promise<void> {
    // The session ends here even if the service cannot be told (it expires there on its own).
    loggingOut = true;
    try {
      await client.invoke('auth.logout', {});
    } finally {
      loggingOut = false;
    }
    if (status.value === 'signedIn') end('logout');
  }

  async function loadAbout(): Promise<void> {
    const result = await client.invoke('system.about', {});
    if (result.ok) {
      about.value = result.value;
      aboutError.value = null;
    } else {
      aboutError.value = result.error;
    }
  }

  return { status, user, role, isAdmin, expiresAt, ended, about, aboutError, restore, login, logout, loadAbout };
});
