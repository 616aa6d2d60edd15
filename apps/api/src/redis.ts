import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { RevocationBus } from './auth/revocations.ts';

export type RedisDeps = {
  createRateLimitStore: (prefix: string) => RateLimitStore;
  revocationBus: RevocationBus;
  /** Another channel of ids between the instances, for a feature's own revocations. */
  createBus: (topic: string) => RevocationBus;
  close(): Promise<void>;
};

/**
 * Shared state for several API instances: rate-limit counters and revocation messages.
 *
 * Redis being down must not take the API down. Commands fail at once instead of queueing
 * (disableOfflineQueue), the rate limiters then let requests through (passOnStoreError), and
 * revocations still reach other instances within 2 s through the database. Both are logged.
 */
// One atomic step: count the hit, start the window on the first one, say how long it has left.
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;
const DECREMENT = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0`;

type RedisClient = Pick<ReturnType<typeof createClient>, 'eval' | 'del'>;

/**
 * Fixed-window counters in Redis, shared by every instance. Scripts are sent whole with EVAL
 * rather than cached by SHA, so nothing is left broken when Redis was down at start-up.
 */
function createRedisRateLimitStore(client: RedisClient, prefix: string): RateLimitStore {
  let windowMs = 60_000;
  return {
    prefix,
    localKeys: false,
    init(options) {
      windowMs = options.windowMs;
    },
    async increment(key) {
      const [hits, ttl] = (await client.eval(INCREMENT, { keys: [prefix + key], arguments: [String(windowMs)] })) as [number, number];
      return { totalHits: hits, resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
    },
    async decrement(key) {
      await client.eval(DECREMENT, { keys: [prefix + key] });
    },
    async resetKey(key) {
      await client.del(prefix + key);
    },
  };
}

export async function connectRedis(url: string, logger: Logger, namespace = 'spa-auth:'): Promise<RedisDeps> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
  });
  const subscriber = client.duplicate();
  // Tracked per connection: "back" is logged once every connection that failed is ready again. The
  // subscriber can be ready before the command connection that the rate limits use, and a "back"
  // logged then would announce shared limits that are not shared yet.
  const down = new Set<string>();
  for (const [name, c] of [
    ['commands', client],
    ['subscriber', subscriber],
  ] as const) {
    c.on('error', (err: Error) => {
      if (down.size === 0)
        logger.warn(
          { err, connection: name },
          'Redis unavailable: rate limits are per instance and revocations travel through the database until it returns',
        );
      down.add(name);
    });
    c.on('ready', () => {
      if (!down.delete(name) || down.size > 0) return;
      logger.info({ connection: name }, 'Redis is back: shared rate limits and revocation messages resume');
    });
  }
  // Start even when Redis is down: wait for it a moment at most; the clients keep reconnecting
  // in the background (connect() itself only settles once a connection succeeds).
  const connected = Promise.all([client.connect(), subscriber.connect()]).then(() => true);
  connected.catch(() => {});
  const timeout = new Promise<false>((resolve) => setTimeout(resolve, 2_000, false).unref());
  if (!(await Promise.race([connected, timeout]))) {
    logger.warn('Redis not reachable at start-up; continuing without it until it is');
  }

  /** Ids published on one instance reach the listeners of every instance, this one included. */
  const createBus = (topic: string): RevocationBus => {
    const channel = `${namespace}${topic}`;
    return {
      async publish(ids) {
        await client.publish(channel, JSON.stringify(ids)).catch((err: unknown) => {
          logger.warn({ err, channel }, 'could not publish a revocation; other instances will see it within 2 s');
        });
      },
      subscribe(listener) {
        void subscriber
          .subscribe(channel, (message) => {
            try {
              const ids: unknown = JSON.parse(message);
              if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) listener(ids);
            } catch {
              logger.warn({ channel }, 'ignored a malformed revocation message');
            }
          })
          .catch((err: unknown) => logger.warn({ err, channel }, 'could not subscribe to revocations'));
      },
    };
  };

  return {
    createRateLimitStore: (prefix) => createRedisRateLimitStore(client, `${namespace}rl:${prefix}`),
    revocationBus: createBus('revoked-sessions'),
    createBus,
    async close() {
      // close() waits for a connection that may never come back, and a close() cut short by
      // destroy() may never settle either: wait for whichever comes first, at most 2 s.
      for (const c of [client, subscriber]) {
        if (c.isReady) {
          let timer: NodeJS.Timeout | undefined;
          const cut = new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              c.destroy();
              resolve();
            }, 2_000);
          });
          await Promise.race([c.close().catch(() => c.destroy()), cut]);
          clearTimeout(timer);
        } else if (c.isOpen) c.destroy();
      }
    },
  };
}
