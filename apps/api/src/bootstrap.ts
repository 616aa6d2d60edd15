import type { Express } from 'express';
import type { Logger } from 'pino';
import { openPostgresStorage } from './adapters/postgres/index.ts';
import { createSmtpTransport } from './adapters/smtp/index.ts';
import { type AppDeps, createApp, type Storage } from './app.ts';
import { loadOrCreateDevKey, loadOrCreateDevMfaKey } from './auth/dev-key.ts';
import { createKeySet, type KeySet } from './auth/keys.ts';
import { createPasswords, type Passwords } from './auth/passwords.ts';
import { createBackgroundWork } from './background.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { createOutbox, type MailTransport } from './mail/outbox.ts';
import { connectRedis } from './redis.ts';
import { createRetentionJob, type RetentionJob, type RetentionTask } from './retention.ts';
import { seedDemoUsers } from './seed.ts';

/** How long an expired or used email link is kept after its end. */
export const EMAIL_LINK_RETENTION_MS = 7 * 86_400_000;

export type BootstrapOptions = {
  /**
   * Storage that is already open (the tests share one migrated PGlite, since a fresh one costs
   * seconds); it is left open by `close`. Otherwise the database the config names is opened and
   * migrated, and closed by `close`.
   */
  storage?: Storage;
  clock?: Clock;
  logger?: Logger;
  /** Otherwise JWT_PRIVATE_KEY, or in development a key kept in DATA_DIR. */
  keys?: KeySet;
  passwords?: Passwords;
  /** Otherwise SMTP_URL's server, or no mail at all without it. */
  mailTransport?: MailTransport;
  extend?: AppDeps['extend'];
};

export type Bootstrapped = {
  app: Express;
  /** What the app was built from, to build a variant of it (tests) or to reach its parts. */
  deps: AppDeps;
  /** `embedded` (PGlite) or `postgres`; undefined when the storage was passed in. */
  databaseKind: 'embedded' | 'postgres' | undefined;
  /** Migrations this start applied. */
  migrations: string[];
  /** The ended-session clean-up; not started here (main.ts starts it). */
  retention: RetentionJob;
  /** Waits for the work requests started and the mail being sent, then stops the retention job and closes what bootstrap opened (Redis, the database, the mail connection). */
  close(): Promise<void>;
};

/**
 * The one way the API is built from a parsed config: main.ts, the benchmark server, the tests and
 * the deployment scripts all come through here. Opens what the config names (database, Redis,
 * keys), seeds the demo users when SEED_DEMO_USERS is on, and builds the app. It does not listen
 * and installs no signal handler: main.ts does.
 */
export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<Bootstrapped> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const opened = options.storage
    ? undefined
    : await openPostgresStorage({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        onError: (err) => logger.warn({ err }, 'idle database connection lost'),
      });
  const storage: Storage = options.storage ?? (opened as Storage);
  if (opened && opened.migrations.length > 0) logger.info({ migrations: opened.migrations }, 'database migrated');

  const passwords = options.passwords ?? createPasswords();
  if (config.seedDemoUsers) await seedDemoUsers(storage.users, passwords, clock);
  const keys =
    options.keys ?? createKeySet(config.jwtPrivateKey ?? (await loadOrCreateDevKey(config.dataDir)), config.jwtPreviousPublicKeys);
  const mfaEncryptionKey = config.mfaEncryptionKey ?? (await loadOrCreateDevMfaKey(config.dataDir));
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const smtp = !options.mailTransport && config.smtpUrl ? createSmtpTransport(config.smtpUrl, config.mailFrom) : undefined;
  const outbox = createOutbox({ transport: options.mailTransport ?? smtp, logger });
  const background = createBackgroundWork(logger);
  // The features' own clean-up (expired API tokens), added while the app is built.
  const featureTasks: RetentionTask[] = [];

  const deps: AppDeps = {
    config,
    storage,
    clock,
    logger,
    keys,
    mfaEncryptionKey,
    passwords,
    outbox,
    background,
    ...(redis ? { createRateLimitStore: redis.createRateLimitStore, revocationBus: redis.revocationBus, createBus: redis.createBus } : {}),
    addRetentionTask: (task) => featureTasks.push(task),
    ...(options.extend ? { extend: options.extend } : {}),
  };
  const app = createApp(deps);
  const retention = createRetentionJob({
    tasks: [
      {
        name: 'ended sessions',
        retentionMs: config.sessionRetentionMs,
        deleteBefore: (cutoff, limit) => storage.sessions.deleteEndedSessions(cutoff, limit),
      },
      {
        name: 'security events',
        retentionMs: config.activityRetentionMs,
        deleteBefore: (cutoff, limit) => storage.activity.deleteActivityBefore(cutoff, limit),
      },
      // A week past its end a link answers link_invalid rather than link_expired or link_used.
      {
        name: 'expired email links',
        retentionMs: EMAIL_LINK_RETENTION_MS,
        deleteBefore: (cutoff, limit) => storage.emailLinks.deleteExpiredEmailLinks(cutoff, limit),
      },
      ...featureTasks,
    ],
    clock,
    logger,
  });
  return {
    app,
    deps,
    databaseKind: opened?.kind,
    migrations: opened?.migrations ?? [],
    retention,
    async close() {
      await background.settled();
      await outbox.stop();
      smtp?.close();
      await retention.stop();
      await redis?.close();
      await opened?.close();
    },
  };
}
