/**
 * The renderer build: one Vue app for the console, the wall displays and the decision room.
 * Output goes to dist/renderer, served by the web host (and loaded by Electron). The dev server
 * proxies the API and the event socket to a web host on 127.0.0.1:7300.
 */
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../renderer', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/renderer', import.meta.url));
const host = 'http://127.0.0.1:7300';

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  define: {
    // vue-i18n: Composition API only, no legacy API, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // maplibre-gl alone is ~1 MB; the map room loads it lazily, on first opening.
    chunkSizeWarningLimit: 1200,
    sourcemap: true,
    // Small enough to inline nothing: the strict CSP of the hosts allows no data: scripts.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: host },
      '/healthz': { target: host },
      '/socket.io': { target: host, ws: true },
    },
  },
  preview: { host: '127.0.0.1' },
});
