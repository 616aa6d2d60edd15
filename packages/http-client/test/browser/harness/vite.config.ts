import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Serves the harness page on its own origin (the API is on another port), straight from the
// TypeScript sources of @spa-auth/http-client.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../../../../../node_modules/.vite/http-client-harness', import.meta.url)),
  clearScreen: false,
  logLevel: 'warn',
  // Bundled up front so that the first page load is never interrupted by a dependency re-optimisation reload.
  optimizeDeps: { include: ['axios', 'zod'] },
  server: { host: 'localhost', port: 5179, strictPort: true },
});
