import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'api',
          root: 'apps/api',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // Database-backed suites: a hung query should fail the test, not the run.
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'contract',
          root: 'packages/contract',
          include: ['test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'http-client',
          root: 'packages/http-client',
          include: ['test/unit/**/*.test.ts', 'test/size.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: 'apps/web/vite.config.ts',
        test: {
          name: 'web',
          root: 'apps/web',
          include: ['test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['test/setup.ts'],
        },
      },
      {
        test: {
          // The root scripts (npm start, npm test): the commands they start on Windows, Linux and macOS.
          name: 'scripts',
          root: 'scripts',
          include: ['test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // The production topology as local processes: static checks of the compose file, nginx
          // and the Dockerfiles, nginx in front of the API, and two API instances on one database.
          // Runs after the other projects (groupOrder), one file at a time: each starts processes.
          name: 'deploy',
          root: 'deploy',
          include: ['test/**/*.test.ts'],
          exclude: ['test/load.test.ts', 'test/faults.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
          fileParallelism: false,
        },
      },
      {
        test: {
          // `npm run test:deploy`: the long runs (60 s of load through nginx, PostgreSQL and Redis
          // stopped under load, an instance killed). Kept out of `npm test`, which stays short;
          // CI runs both.
          name: 'deploy-load',
          root: 'deploy',
          include: ['test/load.test.ts', 'test/faults.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 2 },
          // One file at a time: the load figures need the cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
