import { expect, test } from './fixtures.ts';

// Requirement 9.9: start-up is single-flight per browser, not per page or per effect.

test('when three tabs open at once on a signed-in browser, then they restore with one refresh in total', async ({
  app,
  email,
  openPage,
  refreshes,
}) => {
  await app.call('register', email);
  await app.page.close();
  const tabs = await Promise.all([openPage(), openPage(), openPage()]);

  // Page loads take different times; a shared start time makes "opened at once" mean at once.
  const at = Date.now() + 300;
  const sessions = await Promise.all(tabs.map((tab) => tab.call('restoreAt', at)));

  expect(sessions).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ user: expect.objectContaining({ email }) })));
  expect(refreshes.length).toBe(1);
  for (const tab of tabs) expect(await tab.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect(refreshes.length).toBe(1);
});

test('when restore() is called twice at once in one page (React StrictMode), then one refresh serves both', async ({
  app,
  email,
  refreshes,
}) => {
  await app.call('register', email);
  await app.reload();

  const sessions = await app.call('restoreTimes', 2);

  expect(sessions).toEqual([expect.objectContaining({ user: expect.objectContaining({ email }) }), expect.anything()]);
  expect(sessions[1]).toEqual(sessions[0]);
  expect(refreshes.length).toBe(1);
});
