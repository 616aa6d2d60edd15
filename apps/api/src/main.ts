import { existsSync } from 'node:fs';
import { DEMO_USERS } from '@spa-auth/contract/demo';
import { bootstrap } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { answerUnparsableRequests } from './http/client-error.ts';
import { createLogger } from './logger.ts';

// The only module with side effects: environment, listening, signals. bootstrap.ts builds the rest.
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
const api = await bootstrap(config, { logger });
const demoUsers = Object.values(DEMO_USERS)
  .map((u) => `${u.email} / ${u.password}`)
  .join(', ');
if (config.seedDemoUsers) logger.info(`demo users ready: ${demoUsers}`);
const { keys } = api.deps;
// Kids are public (they are in the JWKS); logging them lets a rotation be checked instance by instance.
logger.info({ signingKid: keys.signing.kid, acceptedKids: [...keys.verifying.keys()] }, 'access token keys loaded');
api.retention.start();

const server = api.app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  const database = api.databaseKind;
  logger.info({ database, dataDir: database === 'embedded' ? config.dataDir : undefined }, `spa-auth API listening on ${url}`);
  // A person at a terminal gets the essentials in plain words; log collectors get JSON only.
  if (process.stdout.isTTY) {
    const demo = config.seedDemoUsers ? `\n  Demo users: ${demoUsers}` : '';
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
  await api.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
