import { describe, expect, it } from 'vitest';
import { createBroadcastChannel, createLockManager } from '../../src/index.ts';
import { deferred } from './support.ts';

/** The Web Locks API's shape, with the ifAvailable semantics: null when another holder has it. */
function createWebLocks() {
  const held = new Set<string>();
  const queue: Array<() => void> = [];
  async function acquire(name: string) {
    while (held.has(name)) await new Promise<void>((resolve) => queue.push(resolve));
    held.add(name);
  }
  function release(name: string) {
    held.delete(name);
    queue.shift()?.();
  }
  function request<T>(name: string, ...args: unknown[]): Promise<T> {
    const [options, fn] = (args.length === 2 ? args : [{}, args[0]]) as [{ ifAvailable?: boolean }, (lock: unknown) => Promise<T>];
    if (options.ifAvailable && held.has(name)) return fn(null);
    return (async () => {
      await acquire(name);
      try {
        return await fn({ name });
      } finally {
        release(name);
      }
    })();
  }
  return { request } as Parameters<typeof createLockManager>[0];
}

describe('seams', () => {
  it('when Web Locks exist, then the first holder runs with waited=false and a second caller runs after it with waited=true', async () => {
    const locks = createLockManager(createWebLocks());
    const order: string[] = [];
    const release = deferred();

    const first = locks.run('spa-auth:refresh', async (waited) => {
      order.push(`first waited=${waited}`);
      await release.promise;
      order.push('first done');
    });
    const second = locks.run('spa-auth:refresh', async (waited) => {
      order.push(`second waited=${waited}`);
    });
    await Promise.resolve();
    expect(order).toEqual(['first waited=false']);
    release.resolve();
    await Promise.all([first, second]);

    expect(order).toEqual(['first waited=false', 'first done', 'second waited=true']);
  });

  it('when Web Locks are missing (no secure context), then the fallback runs the function at once with waited=false', async () => {
    const locks = createLockManager(undefined);

    await expect(locks.run('spa-auth:refresh', async (waited) => waited)).resolves.toBe(false);
  });

  it('when BroadcastChannel exists, then a post reaches the other channel of that name and not the sender', async () => {
    const name = `spa-auth-test-${Math.random()}`;
    const a = createBroadcastChannel(name);
    const b = createBroadcastChannel(name);
    if (!a || !b) throw new Error('BroadcastChannel is missing in this Node');
    const heardByA: unknown[] = [];
    const heardByB = deferred<unknown>();
    a.subscribe((message) => heardByA.push(message));
    const stop = b.subscribe((message) => heardByB.resolve(message));

    a.post({ type: 'ended', code: 'signed_out' });

    await expect(heardByB.promise).resolves.toEqual({ type: 'ended', code: 'signed_out' });
    expect(heardByA).toEqual([]);
    stop();
    a.close();
    b.close();
  });
});
