import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveUnder } from '../../electron/main/app-protocol';
import { contentSecurityPolicy } from '../../electron/main/hardening';

let root: string;
let serve: (request: Request) => Promise<Response>;
const csp = contentSecurityPolicy();

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-renderer-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/index-abc.js"></script>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log("hall")');
  fs.writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  fs.writeFileSync(path.join(os.tmpdir(), 'hall-outside-secret.txt'), 'secret');
  serve = createAppProtocolHandler({ rootDir: root, csp, log: () => {} });
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serve(new Request(url, { method }));

describe('app:// protocol', () => {
  it('sends the CSP it is given: the configured basemap origins pass, nothing else', async () => {
    const mapCsp = contentSecurityPolicy({ basemapOrigins: ['http://tiles.hall.local:8080'] });
    const handler = createAppProtocolHandler({ rootDir: root, csp: mapCsp, log: () => {} });
    const index = await handler(new Request('app://hall/'));
    const header = index.headers.get('content-security-policy') ?? '';
    expect(header).toBe(mapCsp);
    expect(header).toContain("img-src 'self' data: blob: http://tiles.hall.local:8080;");
    expect(header).toContain("connect-src 'self' http://tiles.hall.local:8080;");
    expect(header).toContain("script-src 'self';");
  });

  it('serves the built renderer with its content type and the CSP header', async () => {
    const index = await get('app://hall/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(csp);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<div id="app">');

    const script = await get('app://hall/assets/index-abc.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await script.text()).toBe('console.log("hall")');
  });

  it('falls back to index.html for history routes (/wall/<screenId>, /decision)', async () => {
    for (const route of ['app://hall/wall/screen-1', 'app://hall/decision', 'app://hall/stations?q=%E6%BA%90']) {
      const response = await get(route);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="app">');
    }
  });

  it('keeps a missing asset a 404 instead of answering with HTML', async () => {
    const response = await get('app://hall/assets/missing-123.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(csp);
  });

  it('never serves a file outside the renderer directory', async () => {
    expect((await get('app://hall/..%2Fhall-outside-secret.txt')).status).toBe(404);
    expect((await get('app://hall/%00')).status).toBe(403);
    // '..' in the URL is resolved by the URL parser (→ /etc/passwd, an SPA route: index.html);
    // a backslash is a file-name character on Linux and a separator on Windows, where the
    // containment check refuses it. Whatever the form, never the file outside.
    for (const url of ['app://hall/%2e%2e/%2e%2e/etc/passwd', 'app://hall/assets/..%5c..%5chall-outside-secret.txt', 'app://hall/..%2F..%2F..%2Fetc%2Fpasswd']) {
      expect(await (await get(url)).text()).not.toMatch(/^secret$|root:x:0/);
    }
    expect(resolveUnder(root, '/../x')).toBe(path.join(root, 'x'));
    expect(resolveUnder(root, '/%2e%2e/x')).toBe(path.join(root, 'x'));
    expect(resolveUnder(root, '/bad%zz')).toBeNull();
    // On Windows a backslash climbs out as well as a slash does: the containment check holds.
    expect(resolveUnder('C:\\hall\\renderer', '/..%5c..%5cWindows%5cwin.ini', path.win32)).toBeNull();
    expect(resolveUnder('C:\\hall\\renderer', '/assets%5capp.js', path.win32)).toBe('C:\\hall\\renderer\\assets\\app.js');
  });

  it('answers only its own host and only GET/HEAD', async () => {
    expect((await get('app://other/')).status).toBe(404);
    expect((await get('app://hall/', 'POST')).status).toBe(405);
    const head = await get('app://hall/assets/app.css', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('registers app:// as a standard, secure scheme (a real origin for CSP and history)', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP');
  });
});
