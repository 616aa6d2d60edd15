import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp } from './app.ts';
import { loadOrCreateDevKey } from './auth/dev-key.ts';
import { createKeySet } from './auth/keys.ts';
import { createPasswords } from './auth/passwords.ts';
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { answerUnparsableRequests } from './http/client-error.ts';
import { createLogger } from './logger.ts';
import { connectRedis } from './redis.ts';
import { seedDemoUsers } from './seed.ts';
import { openEmbeddedDatabase, openPostgresDatabase } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { createRetentionJob } from './store/retention.ts';
import { createSqlStore } from './store/store.ts';

// The only module with side effects: environment, database, listening, signals.
if (existsSync('.env')) process.loadEnvFile('.env');

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const clock = systemClock;
const db = config.databaseUrl
  ? openPostgresDatabase(config.databaseUrl, { onError: (err) => logger.warn({ err }, 'idle database connection lost') })
  : await openEmbeddedDatabase(config.dataDir.startsWith('memory://') ? 'memory://' : path.join(config.dataDir, 'pglite'));
const applied = await migrate(db);
if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

const store = createSqlStore(db);
const passwords = createPasswords();
if (config.seedDemoUsers) {
  await seedDemoUsers(store, passwords, clock);
  logger.info('demo users ready: demo@example.com / demo-password-1, admin@example.com / admin-password-1');
}
const keys = createKeySet(config.jwtPrivateKey ?? (await loadOrCreateDevKey(config.dataDir)), config.jwtPreviousPublicKeys);
// Kids are public (they are in the JWKS); logging them lets a rotation be checked instance by instance.
logger.info({ signingKid: keys.signing.kid, acceptedKids: [...keys.verifying.keys()] }, 'access token keys loaded');
const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
const app = createApp({
  config,
  store,
  clock,
  logger,
  keys,
  passwords,
  ...(redis ? { createRateLimitStore: redis.createRateLimitStore, revocationBus: redis.revocationBus } : {}),
});

const retention = createRetentionJob({ store, clock, logger, retentionMs: config.sessionRetentionMs });
retention.start();

const server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info({ database: db.kind, dataDir: db.kind === 'embedded' ? config.dataDir : undefined }, `spa-auth API listening on ${url}`);
  // A person at a terminal gets the essentials in plain words; log collectors get JSON only.
  if (process.stdout.isTTY) {
    const demo = config.seedDemoUsers ? '\n  Demo users: demo@example.com / demo-password-1, admin@example.com / admin-password-1' : '';
    console.log(`\n  spa-auth API ready at ${url}  (try ${url}/healthz; README.md has a curl walkthrough)${demo}\n`);
  }
});
answerUnparsableRequests(server);
server.on('error', (error) => {
  logger.fatal({ err: error }, 'cannot listen');
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  // Past 10 s, in-flight requests are cut so the process still exits in time.
  const force = setTimeout(() => server.closeAllConnections(), 8_000);
  force.unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await retention.stop();
  await redis?.close();
  await db.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
