import { DEMO_USERS } from '@spa-auth/contract/demo';
import { configFromEnvironment, serve } from '@spa-auth/server-support';
import { bootstrap } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';
import { createLogger } from './logger.ts';

// The only module with side effects: environment, listening, signals. bootstrap.ts builds the rest.
const config = configFromEnvironment(loadConfig);

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

serve(api.app, {
  port: config.port,
  host: config.host,
  logger,
  Problem: AppError,
  onListening(port) {
    const url = `http://${config.host}:${port}`;
    const database = api.databaseKind;
    logger.info({ database, dataDir: database === 'embedded' ? config.dataDir : undefined }, `spa-auth API listening on ${url}`);
    // A person at a terminal gets the essentials in plain words; log collectors get JSON only.
    if (process.stdout.isTTY) {
      const demo = config.seedDemoUsers ? `\n  Demo users: ${demoUsers}` : '';
      console.log(`\n  spa-auth API ready at ${url}  (try ${url}/healthz; README.md has a curl walkthrough)${demo}\n`);
    }
  },
  close: () => api.close(),
});
