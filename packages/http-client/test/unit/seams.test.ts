import { describe, expect, it } from 'vitest';
import { createBroadcastChannel, createLockManager } from '../../src/index.ts';
import { deferred } from './support.ts';

type Lock = { name: string; grant: () => void };

/** The Web Locks of one browser, as each tab sees them: exclusive locks granted first come, first served. */
function createWebLocksBrowser() {
  const held: Lock[] = [];
  const pending: Lock[] = [];
  const grantNext = (name: string) => {
    if (held.some((lock) => lock.name === name)) return;
    const next = pending.find((lock) => lock.name === name);
    if (!next) return;
    pending.splice(pending.indexOf(next), 1);
    held.push(next);
    next.grant();
  };
  return {
    held,
    pending,
    request<T>(name: string, fn: (lock: unknown) => Promise<T>): Promise<T> {
      const granted = deferred();
      const lock: Lock = { name, grant: granted.resolve };
      pending.push(lock);
      grantNext(name);
      return (async () => {
        await granted.promise;
        try {
          return await fn({ name });
        } finally {
          held.splice(held.indexOf(lock), 1);
          grantNext(name);
        }
      })();
    },
  };
}

// Who held the lock last is read from IndexedDB, which Node lacks: these tests cover the lock without
// it. The record itself is tested in Chromium (test/browser/tabs.spec.ts), with real Web Locks.
describe('seams', () => {
  it('when three tabs queue for the Web Lock and IndexedDB is missing, then they hold it one at a time, first come first served, each told null', async () => {
    const browser = createWebLocksBrowser();
    const [a, b, c] = [1, 2, 3].map(() => createLockManager(browser, undefined));
    const order: string[] = [];
    const release = deferred();

    const first = a?.run('spa-auth:refresh', 'attempt-a', async (previous) => {
      order.push(`a after ${previous}`);
      await release.promise;
    });
    const second = b?.run('spa-auth:refresh', 'attempt-b', async (previous) => {
      order.push(`b after ${previous}`);
    });
    const third = c?.run('spa-auth:refresh', 'attempt-c', async (previous) => {
      order.push(`c after ${previous}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(order).toEqual(['a after null']);
    release.resolve();
    await Promise.all([first, second, third]);

    expect(order).toEqual(['a after null', 'b after null', 'c after null']);
    // A page that holds a Web Lock is kept out of the back/forward cache: nothing may stay held.
    expect({ held: browser.held, pending: browser.pending }).toEqual({ held: [], pending: [] });
  });

  it('when IndexedDB cannot be opened (storage blocked), then the lock still works and tells null', async () => {
    const browser = createWebLocksBrowser();
    const blocked = {
      open() {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const locks = createLockManager(browser, blocked);
    await locks.run('spa-auth:refresh', 'attempt-1', async () => {});

    await expect(locks.run('spa-auth:refresh', 'attempt-2', async (previous) => previous)).resolves.toBeNull();
  });

  it('when Web Locks are missing (no secure context), then the fallback runs the function at once with no attempt before it', async () => {
    const locks = createLockManager(undefined);

    await expect(locks.run('spa-auth:refresh', 'attempt-1', async (previous) => previous)).resolves.toBeNull();
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
