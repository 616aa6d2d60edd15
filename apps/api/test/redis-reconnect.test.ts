import { connect, createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { connectRedis, type RedisDeps } from '../src/redis.ts';

const REDIS = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

/**
 * A TCP proxy to the test Redis that can drop every connection, refuse new ones, and hold back the
 * next one: how one of the API's two Redis connections comes back before the other.
 */
async function startProxy() {
  const sockets = new Set<Socket>();
  const held: Socket[] = [];
  let isOpen = true;
  let holdNext = false;
  const pipe = (socket: Socket) => {
    const upstream = connect(Number(REDIS.port || 6379), REDIS.hostname);
    sockets.add(upstream);
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  };
  const server: Server = createServer((socket) => {
    if (!isOpen) return void socket.destroy();
    sockets.add(socket);
    if (holdNext) {
      holdNext = false;
      held.push(socket);
    } else pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      isOpen = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    reopenHoldingNext() {
      holdNext = true;
      isOpen = true;
    },
    heldCount: () => held.length,
    release() {
      for (const socket of held.splice(0)) pipe(socket);
    },
    close() {
      for (const socket of [...sockets, ...held]) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

it('when Redis returns and only one of the two connections is ready, then "Redis is back" waits for the other', async () => {
  let log = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      log += chunk;
      done();
    },
  });
  const proxy = await startProxy();
  closers.push(() => proxy.close());
  const redis: RedisDeps = await connectRedis(proxy.url, createLogger('info', sink), `spa-auth-reconnect-${Date.now()}:`);
  closers.unshift(() => redis.close());

  proxy.cut();
  await expect.poll(() => log.includes('Redis unavailable'), { timeout: 5_000 }).toBe(true);
  proxy.reopenHoldingNext();
  // One connection is held at the proxy; give the other time to reconnect and be ready.
  await expect.poll(() => proxy.heldCount(), { timeout: 5_000 }).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(log).not.toContain('Redis is back');

  proxy.release();
  await expect.poll(() => log.includes('Redis is back'), { timeout: 5_000 }).toBe(true);
  expect(log.match(/Redis is back/g)).toHaveLength(1);
});
