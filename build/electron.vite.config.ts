/**
 * electron-vite build of the Electron console: main (ESM, out/main/index.js = package.json
 * "main"), the sandboxed preload (CommonJS — sandboxed preloads cannot be ES modules) and the
 * renderer (the same Vue app the web host serves) into out/.
 */
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import webConfig from './vite.config';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p: string): string => path.join(root, p);

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      // The core and its pure-JS dependencies are bundled; better-sqlite3 is a native addon
      // that must be loaded from node_modules (rebuilt for Electron by electron-builder, or
      // pointed at by HALL_SQLITE_BINDING in development).
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: at('electron/main/index.ts') },
        external: ['better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: at('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // The same app the web host serves: the compile-time flags and asset rules come from the web
  // build (build/vite.config.ts) so the two cannot drift; only the output folder differs.
  renderer: {
    root: at('renderer'),
    define: webConfig.define,
    plugins: [
      vue(),
      {
        // electron-vite makes the production base './', which breaks history routes
        // (app://hall/wall/screen-1 would load ./assets from /wall/assets): assets are absolute.
        name: 'hall:absolute-base',
        config: () => ({ base: '/' }),
      },
    ],
    build: {
      outDir: at('out/renderer'),
      emptyOutDir: true,
      target: webConfig.build?.target,
      // Nothing inlined as data: URLs: the CSP allows data: for images only.
      assetsInlineLimit: webConfig.build?.assetsInlineLimit ?? 0,
      rolldownOptions: { input: { index: at('renderer/index.html') } },
    },
  },
});
