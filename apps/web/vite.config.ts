import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  build: {
    target: 'es2022',
    // No source maps in the build: the web image serves dist as it is, and a public map hands out the
    // original sources. `vite build --sourcemap` makes them for a local look at a production bundle.
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The libraries every page needs, in chunks of their own: they change only with the lockfile,
          // so a deploy that changes the app's code leaves them in the browser's cache (nginx caches
          // /assets/ for a year). Only libraries the first page loads anyway go here; a group holding
          // code that only later pages use would pull it into the first load.
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'react-router', test: /node_modules[\\/]react-router[\\/]/ },
            { name: 'axios', test: /node_modules[\\/]axios[\\/]/ },
          ],
        },
      },
    },
  },
});
