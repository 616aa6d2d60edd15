import { describe, expect, it } from 'vitest';
import { createBroadcastChannel, createLockManager } from '../../src/index.ts';
import { deferred } from './support.ts';

type Lock = { name: string; clientId: string; grant: () => void; released: Promise<void>; release: () => void };

/**
 * The Web Locks of one browser, as each tab (client) sees them: exclusive locks granted first come,
 * first served, and query() listing the held and queued ones with their tab, in queue order.
 */
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
    tab(clientId: string) {
      return {
        request<T>(name: string, fn: (lock: unknown) => Promise<T>): Promise<T> {
          const granted = deferred();
          const released = deferred();
          const lock: Lock = { name, clientId, grant: granted.resolve, released: released.promise, release: released.resolve };
          pending.push(lock);
          grantNext(name);
          return (async () => {
            await granted.promise;
            try {
              return await fn({ name });
            } finally {
              held.splice(held.indexOf(lock), 1);
              lock.release();
              grantNext(name);
            }
          })();
        },
        async query() {
          const info = ({ name, clientId }: Lock) => ({ name, clientId, mode: 'exclusive' });
          return { held: held.map(info), pending: pending.map(info) };
        },
      };
    },
  };
}

describe('seams', () => {
  it('when three tabs queue for the Web Lock, then each gets the attempt queued right before its own, and the first gets null', async () => {
    const browser = createWebLocksBrowser();
    const [a, b, c] = ['tab-a', 'tab-b', 'tab-c'].map((id) => createLockManager(browser.tab(id)));
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

    expect(order).toEqual(['a after null', 'b after attempt-a', 'c after attempt-b']);
  });

  it('when a tab takes the Web Lock after the others released it, then it gets null and no lock of the attempts is left held', async () => {
    const browser = createWebLocksBrowser();
    const tab = browser.tab('tab-a');
    const locks = createLockManager(tab);
    await locks.run('spa-auth:refresh', 'attempt-1', async () => {});

    await expect(locks.run('spa-auth:refresh', 'attempt-2', async (previous) => previous)).resolves.toBeNull();
    // A page that holds a Web Lock is kept out of the back/forward cache: nothing may stay held.
    await expect(tab.query()).resolves.toEqual({ held: [], pending: [] });
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
