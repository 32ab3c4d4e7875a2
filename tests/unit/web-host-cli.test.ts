import { describe, expect, it } from 'vitest';
import { parseWebHostArgs, UsageError } from '../../electron/web-host/cli';
import { defaultDataDir } from '../../electron/core/paths';

describe('web host command line', () => {
  it('defaults to 127.0.0.1:7300 and the per-user data directory', () => {
    const args = parseWebHostArgs([], { HOME: '/home/duty', XDG_CONFIG_HOME: '/home/duty/.config' });
    expect(args).toMatchObject({ host: '127.0.0.1', port: 7300, demo: false, tls: undefined });
    expect(args.dataDir).toBe('/home/duty/.config/yuancheng-hall-console');
  });

  it('reads --demo, --data, --port and --config', () => {
    const args = parseWebHostArgs(['--demo', '--data', '/srv/hall', '--port', '8080', '--config', 'hall.yaml'], {});
    expect(args).toMatchObject({ demo: true, dataDir: '/srv/hall', port: 8080, configFile: 'hall.yaml' });
  });

  it('refuses plain HTTP on a LAN address and names the way out', () => {
    expect(() => parseWebHostArgs(['--host', '192.0.2.10'], {})).toThrow(/Refusing to serve plain HTTP on 192\.0\.2\.10.*--tls-cert.*--insecure-lan/);
    expect(parseWebHostArgs(['--host', '0.0.0.0', '--insecure-lan'], {}).insecureLan).toBe(true);
    expect(parseWebHostArgs(['--host', '0.0.0.0', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {}).tls).toEqual({ cert: 'c.pem', key: 'k.pem' });
  });

  it('names a bad port, a lone TLS file and an unknown flag', () => {
    expect(() => parseWebHostArgs(['--port', 'abc'], {})).toThrow(/--port must be a number.*"abc"/);
    expect(() => parseWebHostArgs(['--port', '70000'], {})).toThrow(UsageError);
    expect(() => parseWebHostArgs(['--tls-cert', 'c.pem'], {})).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => parseWebHostArgs(['--colour'], {})).toThrow(/--colour/);
  });

  it('puts the data directory where each platform keeps per-user data', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\duty\\AppData\\Roaming' }, 'win32')).toContain('yuancheng-hall-console');
    expect(defaultDataDir({}, 'linux')).toMatch(/\.config[\\/]yuancheng-hall-console$/);
  });
});

describe('the renderer CSP', () => {
  it('allows nothing from elsewhere by default, and exactly the configured basemap origins', async () => {
    const { basemapOrigins, contentSecurityPolicy } = await import('../../electron/web-host/server');
    expect(contentSecurityPolicy()).toContain("connect-src 'self' ws: wss:;");
    const origins = basemapOrigins(['https://t{s}.tianditu.gov.cn/img_w/wmts?x={x}&y={y}&l={z}', 'http://tiles.hall.local:8080/tiles/{z}/{x}/{y}.png', 'not a url']);
    expect(origins).toEqual(['https://t*.tianditu.gov.cn', 'http://tiles.hall.local:8080']);
    const csp = contentSecurityPolicy(origins);
    expect(csp).toContain("img-src 'self' data: blob: https://t*.tianditu.gov.cn http://tiles.hall.local:8080;");
    expect(csp).toContain("connect-src 'self' ws: wss: https://t*.tianditu.gov.cn http://tiles.hall.local:8080;");
    expect(csp).toContain("script-src 'self';"); // never scripts from a tile server
  });

  it('is the one shared builder (shared/csp) the Electron console uses too', async () => {
    const server = await import('../../electron/web-host/server');
    const shared = await import('../../shared/csp');
    expect(server.contentSecurityPolicy).toBe(shared.contentSecurityPolicy);
    expect(server.basemapOrigins).toBe(shared.basemapOrigins);
    const { contentSecurityPolicy: electronCsp } = await import('../../electron/main/hardening');
    const origins = shared.basemapOrigins(['http://tiles.hall.local:8080/{z}/{x}/{y}.png']);
    for (const csp of [server.contentSecurityPolicy(origins), electronCsp({ basemapOrigins: origins })]) {
      expect(csp).toContain('img-src \'self\' data: blob: http://tiles.hall.local:8080;');
    }
  });
});
