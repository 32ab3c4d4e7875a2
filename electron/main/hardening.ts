/**
 * The security policy every webContents gets (Element's shell, VS Code's main): one function,
 * applied from app 'web-contents-created', so no window can be created without it.
 *
 * - no <webview>, no navigation away from the app's origin, no new windows (https links open in
 *   the system browser; nothing else reaches shell.openExternal);
 * - every permission request and check of the session denied by default;
 * - a strict Content-Security-Policy (also sent by the app:// protocol handler itself);
 * - secure webPreferences for every window main creates.
 * Electron objects are the small structural interfaces below so the policy is tested with fakes.
 */
import { contentSecurityPolicy as sharedCsp } from '../../shared/csp';
import { originOf } from './ipc-bridge';

/** Where the renderer is served from and what may leave the app. */
export interface AppPolicy {
  /** 'app://hall', or the electron-vite dev server's origin in development. */
  appOrigin: string;
  openExternal(url: string): unknown;
  log?: (line: string) => void;
  /** Permissions granted anyway; empty by default (deny everything). */
  allowedPermissions?: readonly string[];
  /** Origins of the configured basemaps (shared/csp basemapOrigins of core.config.map.basemaps). */
  basemapOrigins?: readonly string[];
  /** Origins a wall's web region may frame (shared/csp frameOrigins of core.config.wall.webAllowlist). */
  frameOrigins?: readonly string[];
}

export interface NavigationEventLike {
  preventDefault(): void;
  readonly url?: string;
}

export interface HardenableWebContents {
  readonly id: number;
  readonly session: HardenableSession;
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: NavigationEventLike, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEventLike, ...rest: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export interface HardenableSession {
  setPermissionRequestHandler(handler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((contents: unknown, permission: string) => boolean) | null): void;
  setDevicePermissionHandler?(handler: ((details: unknown) => boolean) | null): void;
  readonly webRequest: {
    onHeadersReceived(
      filter: { urls: string[] },
      listener: (
        details: { url: string; responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

/**
 * The Content-Security-Policy of the renderer (built by shared/csp, as the web host's is).
 * maplibre needs blob: workers and blob:/data: images; Vue's runtime build needs no eval. The
 * configured basemaps' origins (and only those) are admitted for images and fetches. In
 * development the Vite dev server's HMR socket must be reachable, so its ws:// origin is added
 * to connect-src.
 */
export function contentSecurityPolicy(options: { devServerOrigin?: string | null; basemapOrigins?: readonly string[]; frameOrigins?: readonly string[] } = {}): string {
  const connect = options.devServerOrigin ? [options.devServerOrigin.replace(/^http/, 'ws')] : [];
  return sharedCsp(options.basemapOrigins ?? [], { connect, fontData: false, manifest: false, frames: options.frameOrigins ?? [] });
}

/** webPreferences for every window main creates; the preload is the only bridge to main. */
export function secureWebPreferences(preload: string, devTools: boolean) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools,
  } as const;
}

/** Only https links leave the app, to the system browser; http, file:, smb:, javascript: … never. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.hostname.length > 0 && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

const hardenedSessions = new WeakSet<object>();

/** Deny every permission (notifications, media, geolocation, HID, serial, …) unless allowed. */
export function hardenSession(session: HardenableSession, policy: AppPolicy): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);
  const log = policy.log ?? ((line: string) => console.warn(line));
  const allowed = new Set(policy.allowedPermissions ?? []);
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    const granted = allowed.has(permission);
    if (!granted) log(`[security] denied a permission request: ${permission}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission) => allowed.has(permission));
  // Device access (USB, HID, serial) is main's job through the core, never the page's.
  session.setDevicePermissionHandler?.(() => false);
  // In production the app:// handler sends the CSP with every response itself. In development
  // the Vite dev server sends none, so its responses get the same policy (plus its HMR socket).
  if (/^https?:\/\//.test(policy.appOrigin)) {
    session.webRequest.onHeadersReceived({ urls: [`${policy.appOrigin}/*`] }, (details, callback) => {
      const headers = { ...(details.responseHeaders ?? {}) };
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
      headers['Content-Security-Policy'] = [
        contentSecurityPolicy({ devServerOrigin: policy.appOrigin, basemapOrigins: policy.basemapOrigins ?? [], frameOrigins: policy.frameOrigins ?? [] }),
      ];
      callback({ responseHeaders: headers });
    });
  }
}

/** The one hardening function, for every webContents the app ever creates. */
export function hardenWebContents(contents: HardenableWebContents, policy: AppPolicy): void {
  const log = policy.log ?? ((line: string) => console.warn(line));
  const isAppUrl = (url: string): boolean => originOf(url) === policy.appOrigin;
  const openOutside = (url: string): void => {
    const failed = (error: unknown): void => log(`[security] opening ${url} in the system browser failed: ${(error as Error).message}`);
    try {
      // shell.openExternal returns a promise; a failure is logged, never thrown into Chromium.
      Promise.resolve(policy.openExternal(url)).catch(failed);
    } catch (error) {
      failed(error);
    }
  };

  hardenSession(contents.session, policy);

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log(`[security] blocked a <webview> in webContents ${contents.id}`);
  });

  const guardNavigation = (kind: string) => (event: NavigationEventLike, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? '';
    if (isAppUrl(url)) return;
    event.preventDefault();
    log(`[security] blocked ${kind} of webContents ${contents.id} to ${url}`);
    // A plain link to an https page is a user's intent to read it: show it in the system browser.
    if (kind === 'navigation' && isSafeExternalUrl(url)) openOutside(url);
  };
  contents.on('will-navigate', guardNavigation('navigation'));
  contents.on('will-frame-navigate', guardNavigation('frame navigation'));
  contents.on('will-redirect', guardNavigation('redirect'));

  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openOutside(url);
    else log(`[security] blocked window.open of webContents ${contents.id} to ${url}`);
    return { action: 'deny' };
  });
}
