import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  hardenSession,
  hardenWebContents,
  isSafeExternalUrl,
  secureWebPreferences,
  type AppPolicy,
  type HardenableSession,
  type HardenableWebContents,
  type NavigationEventLike,
} from '../../electron/main/hardening';
import { basemapOrigins, frameOrigins } from '../../shared/csp';
import { menuTemplate } from '../../electron/main/menu';

type HeadersListener = Parameters<HardenableSession['webRequest']['onHeadersReceived']>[1];

class FakeSession implements HardenableSession {
  requestHandler: Parameters<HardenableSession['setPermissionRequestHandler']>[0] = null;
  checkHandler: Parameters<HardenableSession['setPermissionCheckHandler']>[0] = null;
  deviceHandler: ((details: unknown) => boolean) | null = null;
  headers: { filter: { urls: string[] }; listener: HeadersListener }[] = [];
  setPermissionRequestHandler(handler: FakeSession['requestHandler']): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['checkHandler']): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: ((details: unknown) => boolean) | null): void {
    this.deviceHandler = handler;
  }
  readonly webRequest = {
    onHeadersReceived: (filter: { urls: string[] }, listener: HeadersListener) => this.headers.push({ filter, listener }),
  };
  /** Ask for a permission the way Chromium does; resolves with the decision. */
  request(permission: string): Promise<boolean> {
    return new Promise((resolve) => this.requestHandler!({}, permission, resolve));
  }
}

class FakeContents extends EventEmitter implements HardenableWebContents {
  openHandler: Parameters<HardenableWebContents['setWindowOpenHandler']>[0] | null = null;
  constructor(
    readonly id: number,
    readonly session: FakeSession,
  ) {
    super();
  }
  setWindowOpenHandler(handler: FakeContents['openHandler'] & object): void {
    this.openHandler = handler;
  }
  /** Fire a navigation event; true when a handler prevented it. */
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate' | 'will-attach-webview', url: string): boolean {
    let prevented = false;
    const e: NavigationEventLike = { url, preventDefault: () => (prevented = true) };
    this.emit(event, e, url);
    return prevented;
  }
}

function setup(appOrigin = 'app://hall') {
  const opened: string[] = [];
  const logged: string[] = [];
  const session = new FakeSession();
  const contents = new FakeContents(1, session);
  const policy: AppPolicy = { appOrigin, openExternal: (url) => opened.push(url), log: (line) => logged.push(line) };
  hardenWebContents(contents, policy);
  return { contents, session, opened, logged };
}

describe('hardening of every webContents', () => {
  it('allows navigation inside the app origin only', () => {
    const { contents, logged } = setup();
    expect(contents.navigate('will-navigate', 'app://hall/wall/screen-1')).toBe(false);
    expect(contents.navigate('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-navigate', 'app://hall.evil/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'http://192.168.1.10/')).toBe(true);
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-redirect', 'app://hall/decision')).toBe(false);
    expect(logged.filter((l) => l.includes('blocked'))).toHaveLength(5);
  });

  it('in development, the dev server origin is the app origin', () => {
    const { contents } = setup('http://localhost:5173');
    expect(contents.navigate('will-navigate', 'http://localhost:5173/decision')).toBe(false);
    expect(contents.navigate('will-navigate', 'http://localhost:5174/')).toBe(true);
    expect(contents.navigate('will-navigate', 'app://hall/')).toBe(true);
  });

  it('prevents every <webview>', () => {
    const { contents } = setup();
    expect(contents.navigate('will-attach-webview', 'app://hall/')).toBe(true);
  });

  it('denies window.open; only https goes to the system browser', () => {
    const { contents, opened } = setup();
    for (const url of ['https://www.gov.cn/', 'http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://server/share', 'app://hall/decision', 'https://user:pw@evil.example/']) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://www.gov.cn/']);
  });

  it('a link to an https page opens in the system browser instead of replacing the console', () => {
    const { contents, opened } = setup();
    expect(contents.navigate('will-navigate', 'https://www.gov.cn/zhengce/')).toBe(true);
    expect(contents.navigate('will-navigate', 'http://www.gov.cn/')).toBe(true);
    expect(opened).toEqual(['https://www.gov.cn/zhengce/']);
  });

  it('denies every permission request and check by default', async () => {
    const { session, logged } = setup();
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid', 'serial', 'fullscreen']) {
      expect(await session.request(permission)).toBe(false);
      expect(session.checkHandler!({}, permission)).toBe(false);
    }
    expect(session.deviceHandler!({})).toBe(false);
    expect(logged.join('\n')).toMatch(/denied a permission request: media/);
  });

  it('sets the CSP on the app origin, replacing any the server sent', () => {
    const { session } = setup('http://localhost:5173');
    expect(session.headers).toHaveLength(1);
    expect(session.headers[0]!.filter.urls).toEqual(['http://localhost:5173/*']);
    let out: Record<string, string[]> | undefined;
    session.headers[0]!.listener({ url: 'http://localhost:5173/', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, (r) => (out = r.responseHeaders));
    expect(out?.['content-security-policy']).toBeUndefined();
    expect(out?.['X-Other']).toEqual(['1']);
    expect(out?.['Content-Security-Policy']?.[0]).toContain("default-src 'none'");
    expect(out?.['Content-Security-Policy']?.[0]).toContain('connect-src \'self\' ws://localhost:5173');
  });

  it('admits the configured basemap origins in the dev server CSP too', () => {
    const session = new FakeSession();
    hardenSession(session, { appOrigin: 'http://localhost:5173', openExternal: () => {}, log: () => {}, basemapOrigins: ['http://tiles.hall.local:8080'] });
    let out: Record<string, string[]> | undefined;
    session.headers[0]!.listener({ url: 'http://localhost:5173/', responseHeaders: {} }, (r) => (out = r.responseHeaders));
    const csp = out?.['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("connect-src 'self' ws://localhost:5173 http://tiles.hall.local:8080;");
    expect(csp).toContain("img-src 'self' data: blob: http://tiles.hall.local:8080;");
  });

  it('leaves the CSP of app:// to its protocol handler (no webRequest hook in production)', () => {
    const { session } = setup('app://hall');
    expect(session.headers).toEqual([]);
    expect(session.requestHandler).not.toBeNull();
  });

  it('hardens a session once even when many webContents share it', () => {
    const session = new FakeSession();
    const policy: AppPolicy = { appOrigin: 'http://localhost:5173', openExternal: () => {}, log: () => {} };
    hardenWebContents(new FakeContents(1, session), policy);
    hardenWebContents(new FakeContents(2, session), policy);
    expect(session.headers).toHaveLength(1);
  });
});

describe('security policy pieces', () => {
  it('frames nothing unless the wall allowlists pages, and then only their origins', () => {
    expect(contentSecurityPolicy()).not.toContain('frame-src');
    const origins = frameOrigins(['https://weather.example/radar?x=1', 'https://weather.example/other', 'http://10.0.0.9:8080/board']);
    expect(origins).toEqual(['https://weather.example', 'http://10.0.0.9:8080']);
    expect(contentSecurityPolicy({ frameOrigins: origins })).toContain('frame-src https://weather.example http://10.0.0.9:8080');
  });

  it('the CSP is strict: nothing by default, only what the renderer and maplibre need', () => {
    const csp = contentSecurityPolicy();
    const directives: Record<string, string> = Object.fromEntries(
      csp.split('; ').map((d): [string, string] => [d.split(' ')[0] ?? '', d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob:",
      'connect-src': "'self'",
      'worker-src': "'self' blob:",
      'font-src': "'self'",
      'media-src': "'self' blob:",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toMatch(/unsafe-eval|\*/);
  });

  it('the CSP admits exactly the configured basemap origins (shared with the web host), never for scripts', () => {
    const origins = basemapOrigins(['https://t{s}.tianditu.gov.cn/img_w/wmts?x={x}&y={y}&l={z}', 'http://tiles.hall.local:8080/tiles/{z}/{x}/{y}.png', 'pmtiles://district.pmtiles']);
    const csp = contentSecurityPolicy({ basemapOrigins: origins });
    const directives: Record<string, string> = Object.fromEntries(
      csp.split('; ').map((d): [string, string] => [d.split(' ')[0] ?? '', d.split(' ').slice(1).join(' ')]),
    );
    expect(directives['img-src']).toBe("'self' data: blob: https://t*.tianditu.gov.cn http://tiles.hall.local:8080");
    expect(directives['connect-src']).toBe("'self' https://t*.tianditu.gov.cn http://tiles.hall.local:8080");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['font-src']).toBe("'self'");
    expect(directives['default-src']).toBe("'none'");
    expect(csp).not.toContain('pmtiles');
  });

  it('webPreferences: isolated, sandboxed, no Node, web security on', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs', false);
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false, devTools: false });
  });

  it('only https URLs with a host and no credentials are safe to open outside', () => {
    expect(isSafeExternalUrl('https://www.gov.cn/')).toBe(true);
    expect(isSafeExternalUrl('HTTPS://WWW.GOV.CN/')).toBe(true);
    expect(isSafeExternalUrl('http://www.gov.cn/')).toBe(false);
    expect(isSafeExternalUrl('file:///C:/Windows/System32/calc.exe')).toBe(false);
    expect(isSafeExternalUrl('not a url')).toBe(false);
  });

  it('the menu has developer tools only in development', () => {
    const roles = (devTools: boolean) =>
      JSON.stringify(menuTemplate({ openDecisionRoom: () => {}, quit: () => {} }, { devTools }), (k, v: unknown) => (k === 'click' ? undefined : v));
    expect(roles(false)).not.toMatch(/toggleDevTools|"reload"/);
    expect(roles(true)).toMatch(/toggleDevTools/);
  });
});
