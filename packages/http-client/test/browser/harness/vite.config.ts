import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Builds the harness page from the TypeScript sources of @spa-auth/http-client and serves it on its
// own origin (the API is on another port). Built, not served by the dev server: a page is then one
// script instead of dozens of modules, and the tests open many pages on a two-core machine.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../../../../../node_modules/.vite/http-client-harness', import.meta.url)),
  clearScreen: false,
  logLevel: 'warn',
  // Bundled up front so that the first page load is never interrupted by a dependency re-optimisation reload.
  optimizeDeps: { include: ['axios', 'zod'] },
  build: { outDir: fileURLToPath(new URL('../../../../../node_modules/.cache/http-client-harness', import.meta.url)), emptyOutDir: true },
  server: { host: 'localhost', port: 5179, strictPort: true },
  preview: { host: 'localhost', port: 5179, strictPort: true },
});
