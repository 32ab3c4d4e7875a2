/**
 * Electron main: the composition root and the only module that imports Electron's runtime.
 * It wires the core (electron/core, pure Node) to Electron: the app:// protocol, the hardening
 * policy, the IPC bridge, the windows and the menu. Everything with logic lives in the modules
 * it imports, which depend on small interfaces and are unit-tested with fakes.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, powerSaveBlocker, protocol, screen, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../core/core';
import { electronPdfPrinter } from './pdf-printer';
import { DemoVideo, consoleCameras } from '../core/video/demo';
import { basemapFile, loadConfigFile } from '../core/config/config';
import { basemapOrigins, frameOrigins } from '../../shared/csp';
import { APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { ArgsError, parseMainArgs } from './args';
import { contentSecurityPolicy, hardenSession, hardenWebContents, secureWebPreferences, type AppPolicy } from './hardening';
import { createIpcBridge, originOf, type IpcBridge } from './ipc-bridge';
import { menuTemplate } from './menu';
import { wallDisplayStore } from './wall-displays';
import { WindowManager, type WindowSpec } from './windows';

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (line: string): void => console.log(line);

// Both must happen before 'ready': the scheme's privileges, and sandboxing every renderer
// (even one created by a path that forgot its webPreferences).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

function fatal(title: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${title}: ${message}`);
  if (app.isReady()) dialog.showErrorBox('源城区应急指挥中心无法启动', `${title}\n\n${message}`);
  app.exit(1);
}

let args: ReturnType<typeof parseMainArgs>;
try {
  // `electron .` and Playwright pass the app path first; a packaged app does not.
  args = parseMainArgs(process.argv.slice(process.defaultApp ? 2 : 1));
} catch (error) {
  if (!(error instanceof ArgsError)) throw error;
  console.error(`Invalid command line: ${error.message}`);
  process.exit(2);
}
// Before the single-instance lock, which lives in the profile: another --data is another hall.
if (args.data) app.setPath('userData', path.resolve(args.data));

let windows: WindowManager | null = null;

async function main(): Promise<void> {
  await app.whenReady();
  if (app.isPackaged) {
    // electron/core/resources.ts finds resources/ here (electron-builder extraResources).
    process.env['HALL_RESOURCES'] ??= path.join(process.resourcesPath, 'resources');
    process.env['HALL_VERSION'] ??= app.getVersion();
  }

  let core: Core;
  try {
    const config = args.config ? loadConfigFile(path.resolve(args.config)) : undefined;
    core = await createCore({
      dataDir: app.getPath('userData'),
      ...(args.demo ? { demo: true } : {}),
      ...(config ? { config } : {}),
      log,
      printPdf: electronPdfPrinter((options) => new BrowserWindow(options)),
    });
  } catch (error) {
    fatal('The console core could not start', error);
    return;
  }

  // In development electron-vite serves the renderer; in production app:// serves out/renderer.
  const devUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const appOrigin = (devUrl && originOf(devUrl)) || APP_ORIGIN;
  // The configured basemaps' tile/style origins, and only those, pass the CSP (as on the web host).
  const basemaps = core.config.map.basemaps;
  const mapOrigins = basemapOrigins(basemaps.map((b) => b.url));
  // A wall's web regions may frame the allowlisted pages, and nothing else.
  const webOrigins = frameOrigins(core.config.wall.webAllowlist);
  const policy: AppPolicy = {
    appOrigin,
    openExternal: (url) => shell.openExternal(url),
    log,
    basemapOrigins: mapOrigins,
    frameOrigins: webOrigins,
    // New orange/red alerts raise a desktop notification (the alert desk); every other permission stays denied.
    allowedPermissions: ['notifications'],
  };
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, policy));
  hardenSession(session.defaultSession, policy);
  if (!devUrl) {
    // The console's own video (demo cameras point at it); HLS over app://, as the web host serves it.
    const demoVideo = new DemoVideo({ knownCamera: consoleCameras(() => core.link.store.cameras.list()) });
    session.defaultSession.protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler({
        rootDir: path.join(here, '../renderer'),
        csp: contentSecurityPolicy({ basemapOrigins: mapOrigins, frameOrigins: webOrigins }),
        log,
        basemapFile: (id) => {
          const configured = basemaps.find((b) => b.id === id);
          return configured ? basemapFile(configured) : null;
        },
        video: (request) => demoVideo.response(request),
      }),
    );
  }

  const bridge: IpcBridge = createIpcBridge({ ipcMain, core, trustedOrigins: [appOrigin], log });
  const devTools = !app.isPackaged;
  const preload = path.join(here, '../preload/index.cjs');
  const createWindow = (spec: WindowSpec): BrowserWindow => {
    const win = new BrowserWindow({
      ...spec.bounds,
      title: spec.title,
      show: false,
      backgroundColor: '#0b1220',
      kiosk: spec.kiosk,
      frame: !spec.kiosk,
      autoHideMenuBar: spec.kiosk,
      webPreferences: {
        ...secureWebPreferences(preload, devTools),
        // A wall is watched, not focused: keep its clocks and video running.
        backgroundThrottling: spec.kind !== 'wall',
      },
    });
    if (spec.kiosk) win.removeMenu();
    win.once('ready-to-show', () => win.show());
    return win;
  };

  const base = devUrl ? devUrl.replace(/\/$/, '') : APP_ORIGIN;
  const manager = new WindowManager({
    screen,
    createWindow,
    powerSaveBlocker,
    store: wallDisplayStore(core.db),
    bridge,
    urlFor: (route) => `${base}${route}`,
    walls: args.walls,
    wallScreenIds: core.wall.screens.map((s) => s.id),
    onConsoleClosed: () => app.quit(),
    log,
  });
  windows = manager;

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate({ openDecisionRoom: () => manager.openDecisionRoom(), quit: () => app.quit() }, { devTools })),
  );

  let closed = false;
  // Before Electron closes the windows, so the manager does not reopen walls as they close.
  app.on('before-quit', () => manager.dispose());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event: { preventDefault(): void }) => {
    if (closed) return;
    closed = true;
    // Hold the quit until the link and the demo simulator have closed (the database closes at
    // once inside closeAsync), then leave for good.
    event.preventDefault();
    manager.dispose();
    bridge.dispose();
    void core.closeAsync().finally(() => app.exit(0));
  });

  manager.start();
  log(`[main] console ready: ${core.facts.demo ? 'demo mode, ' : ''}data in ${core.facts.dataDir}`);
}

if (!app.requestSingleInstanceLock()) {
  // Another console runs on this profile: it gets focused (below, in that process) and we leave.
  app.quit();
} else {
  app.on('second-instance', () => windows?.focusConsole());
  process.on('unhandledRejection', (reason) => console.error('[main] unhandled rejection:', reason));
  main().catch((error: unknown) => fatal('The console could not start', error));
}
