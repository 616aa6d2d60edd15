// The compose topology as local processes, for the Playwright project `one-origin`: the web app
// built for a same-origin API (VITE_API_URL=/), two API instances on a throwaway PostgreSQL
// database and their own Redis, and nginx in front with the project's config, on one origin.
// Runs until SIGTERM/SIGINT, then stops everything and drops the database.
//
//   node deploy/serve-one-origin.ts [port]      (default 4180)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { startNginx } from './test/support/nginx.ts';
import { createThrowawayDatabase, generateSigningKeyPem, REPO_ROOT, startApi, startRedis } from './test/support/processes.ts';

const port = Number(process.argv[2] ?? 4180);
const webRoot = mkdtempSync(path.join(tmpdir(), 'spa-auth-one-origin-web-'));
const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(webRoot, { recursive: true, force: true })];

async function shutdown(code: number): Promise<never> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

try {
  const webDir = path.join(REPO_ROOT, 'apps/web');
  // The same build as the web image's: the API on the app's own origin.
  process.env.VITE_API_URL = '/';
  await build({
    root: webDir,
    configFile: path.join(webDir, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: webRoot, emptyOutDir: true },
  });

  const database = await createThrowawayDatabase();
  cleanups.push(() => database.drop());
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    JWT_PRIVATE_KEY: generateSigningKeyPem(),
    // nginx is the one hop in front (TRUST_PROXY=1 in the compose file too).
    TRUST_PROXY: '1',
    // Same settings as the e2e project's API (playwright.config.ts), so the same flows hold.
    ACCESS_TOKEN_TTL: '5s',
    CLOCK_TOLERANCE: '0',
    REFRESH_REUSE_GRACE: '2s',
    AUTH_RATE_LIMIT: '100000',
    LOGIN_MAX_FAILURES: '5',
    REFRESH_RATE_LIMIT: '100000',
    LOG_LEVEL: 'warn',
  };
  const apis = await Promise.all([startApi({ name: 'api-1', env }), startApi({ name: 'api-2', env })]);
  cleanups.push(() => Promise.all(apis.map((api) => api.stop())));
  const nginx = await startNginx({ apiOrigins: apis.map((api) => api.url), webRoot, port });
  cleanups.push(() => nginx.stop());
  console.log(`one origin at ${nginx.url}: nginx -> ${apis.map((api) => api.url).join(', ')}`);
} catch (error) {
  console.error(error);
  await shutdown(1);
}
