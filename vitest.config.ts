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
          // The production topology (issue 7): several API processes, PostgreSQL, Redis and nginx as
          // local processes. Runs after the other projects (groupOrder) so that its load figures are
          // not measured on a machine busy with other suites.
          name: 'deploy',
          root: 'deploy',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
          // One file at a time: each starts its own processes and the load test needs the cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
