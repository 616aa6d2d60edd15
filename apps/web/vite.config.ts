import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  // No source maps in the build: the web image serves dist as it is, and a public map hands out the
  // original sources. `vite build --sourcemap` makes them for a local look at a production bundle.
  build: { target: 'es2022', sourcemap: false },
});
