import { expect, test } from './fixtures.ts';

// The tab hand-off under load, run by `npm run test:deploy` (Playwright project http-client-load)
// with the other long runs: the same flows as tabs.spec.ts and startup.spec.ts, repeated while busy
// loops occupy every core.
// Whether a tab that waited for another's refresh takes its token or refreshes again must not depend
// on how fast the machine is. These run while a busy loop occupies every core, and repeat, because a
// race shows only now and then; each round counts its extra refreshes, and every count must be 0.
const ROUNDS = 6;

test.describe('with every core busy', () => {
  // One test at a time, so that two sets of busy loops never stack up; page loads are slow on a busy machine.
  test.describe.configure({ mode: 'default', timeout: 180_000 });

  test('when three tabs open at once on a signed-in browser while every core is busy, then every time they restore with one refresh in total', async ({
    app,
    email,
    openPage,
    refreshes,
    busyCores,
  }) => {
    expect(busyCores).toBeGreaterThan(0);
    const tabs = [app, await openPage(), await openPage()];
    await app.call('register', email);
    const extraRefreshes: number[] = [];

    for (let round = 0; round < ROUNDS; round += 1) {
      // Each round opens the three tabs afresh: a reload leaves the cookie and drops the token in memory.
      await Promise.all(tabs.map((tab) => tab.reload()));
      const before = refreshes.length;
      const at = Date.now() + 500;
      const sessions = await Promise.all(tabs.map((tab) => tab.call('restoreAt', at)));
      expect(sessions).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ user: expect.objectContaining({ email }) })));
      extraRefreshes.push(refreshes.length - before - 1);
    }

    expect(extraRefreshes).toEqual(Array.from({ length: ROUNDS }, () => 0));
  });

  test('when three tabs each send a burst at once on an expiring token while every core is busy, then every time one refresh serves all of them', async ({
    app: first,
    email,
    openPage,
    refreshes,
    busyCores,
  }) => {
    expect(busyCores).toBeGreaterThan(0);
    const tabs = [first, await openPage(), await openPage()];
    await first.call('register', email);
    for (const tab of tabs) await expect.poll(() => tab.call('getSession')).toMatchObject({ user: { email } });
    const extraRefreshes: number[] = [];

    for (let round = 1; round <= ROUNDS; round += 1) {
      // Every client's clock moves a minute on, past its token's expiry, while the API still accepts
      // the token: what is tested is the tabs agreeing on one refresh, not the API.
      await Promise.all(tabs.map((tab) => tab.call('setClockOffset', round * 60_000)));
      const before = refreshes.length;
      const at = Date.now() + 500;
      const outcomes = await Promise.all(tabs.map((tab) => tab.call('burst', 5, at)));
      expect(outcomes.flat()).toEqual(Array.from({ length: 15 }, () => ({ ok: true, status: 200 })));
      extraRefreshes.push(refreshes.length - before - 1);
    }

    expect(extraRefreshes).toEqual(Array.from({ length: ROUNDS }, () => 0));
  });
});
