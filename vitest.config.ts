import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Vitest's default is one worker fewer than the cores, one on two cores; the suites wait on password
// threads and databases as much as they compute, so two keep two cores busy. Every project names it,
// so that the projects of npm test run side by side as one group.
const WORKERS = Math.max(2, availableParallelism() - 1);

/**
 * A project whose tests run the real API listening on a port. The API stores in this run's
 * throwaway PostgreSQL database (the API's global set-up): ready in well under a second, where a
 * fresh PGlite per file costs seconds of initdb. One import of the API per worker rather than per
 * file; every test makes its own account.
 */
function againstTheApi(name: string, root: string) {
  return {
    test: {
      name,
      maxWorkers: WORKERS,
      root,
      include: ['test/**/*.test.ts'],
      environment: 'node' as const,
      globalSetup: [fileURLToPath(new URL('apps/api/test/global-setup.ts', import.meta.url))],
      isolate: false,
      testTimeout: 20_000,
      hookTimeout: 60_000,
    },
  };
}

export default defineConfig({
  test: {
    maxWorkers: WORKERS,
    projects: [
      {
        test: {
          name: 'api',
          maxWorkers: WORKERS,
          root: 'apps/api',
          include: ['test/**/*.test.ts'],
          // Starting `node src/main.ts` as a process, five times over, is the production entry point's
          // test; two instances sharing Redis (or losing it) is the deployment's; the password change
          // raced by bursts of logins, round after round on both databases, is a load run. They run
          // with `npm run test:deploy` (project api-processes) and keep npm test within three minutes.
          exclude: ['test/startup.test.ts', 'test/redis.test.ts', 'test/password-change-race.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // Fails a file whose test apps answered anything the OpenAPI document does not say.
          setupFiles: ['test/openapi-setup.ts'],
          // The files share one worker's modules, so one migrated PGlite (seconds of initdb) serves
          // them all instead of one per file; every test makes its own user, so none sees another's rows.
          isolate: false,
          // Database-backed suites: a hung query should fail the test, not the run.
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'api-processes',
          root: 'apps/api',
          include: ['test/startup.test.ts', 'test/redis.test.ts', 'test/password-change-race.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'contract',
          maxWorkers: WORKERS,
          root: 'packages/contract',
          include: ['test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'http-client',
          maxWorkers: WORKERS,
          root: 'packages/http-client',
          include: ['test/unit/**/*.test.ts', 'test/size.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: 'apps/web/vite.config.ts',
        test: {
          name: 'web',
          maxWorkers: WORKERS,
          root: 'apps/web',
          include: ['test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          // One jsdom and one import of React and the app per worker rather than per file: the files
          // share nothing else (each test renders its own app, client and query cache).
          isolate: false,
          setupFiles: ['test/setup.ts'],
        },
      },
      // The command-line client, run as a process against the real API listening on a port.
      againstTheApi('cli', 'apps/cli'),
      // The resource-server kit against the real API listening on a port (JWK Set, client
      // credentials, introspection).
      againstTheApi('resource-server', 'packages/resource-server'),
      // The notes example service on the real API listening on a port (the resource-server kit,
      // a real service client, introspection), and its store's contract in memory and on this
      // run's PostgreSQL database.
      againstTheApi('notes', 'apps/notes'),
      {
        test: {
          // The root scripts (npm start, npm test): the commands they start on Windows, Linux and macOS.
          name: 'scripts',
          maxWorkers: WORKERS,
          root: 'scripts',
          include: ['test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // `npm run test:deploy`: the production topology as local processes. Static checks of the
          // compose file, nginx and the Dockerfiles; nginx in front of the API; two API instances on
          // one database; 60 s of load; PostgreSQL and Redis stopped under load; an instance killed.
          name: 'deploy',
          root: 'deploy',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // One file at a time: each starts its own processes and the load figures need the cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
