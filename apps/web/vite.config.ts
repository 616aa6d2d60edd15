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
          // Libraries in chunks of their own: they change only with the lockfile, so a deploy that
          // changes the app's code leaves them in the browser's cache (nginx caches /assets/ for a
          // year). A group's chunk is fetched whenever any module in it is needed, so a group must not
          // mix what the first page loads with what only later pages use. React, React Router and axios
          // are the first page's; TanStack Query only the signed-in pages': no module of the first load
          // imports it, and its group makes it one file instead of seven (the dashboard: 19 files and
          // 162 kB over the wire, against 25 and 169).
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'react-router', test: /node_modules[\\/]react-router[\\/]/ },
            { name: 'axios', test: /node_modules[\\/]axios[\\/]/ },
            { name: 'tanstack-query', test: /node_modules[\\/]@tanstack[\\/]/ },
          ],
        },
      },
    },
  },
});
