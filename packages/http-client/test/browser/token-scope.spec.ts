import { API_URL, expect, test } from './fixtures.ts';

// Requirement 9.1. Each of these is another origin than the API's, including the near misses.
const FOREIGN_ORIGINS = ['http://other.localhost:5199', 'http://localhost:5199', 'http://127.0.0.1:3101', 'https://localhost:3101'];

test('when the client calls another origin, then the request carries no Authorization, while API requests do', async ({
  app,
  email,
  page,
}) => {
  const foreignHeaders: Record<string, string>[] = [];
  await page.route(
    (url) => FOREIGN_ORIGINS.includes(url.origin),
    async (route) => {
      if (route.request().method() === 'GET') foreignHeaders.push(await route.request().allHeaders());
      await route.fulfill({ json: { ok: true }, headers: { 'Access-Control-Allow-Origin': new URL(page.url()).origin } });
    },
  );
  const apiRequest = page.waitForRequest((request) => request.method() === 'GET' && request.url() === `${API_URL}/api/me`);

  await app.call('register', email);
  expect(await app.call('get', '/api/me')).toEqual({ ok: true, status: 200 });
  expect((await (await apiRequest).allHeaders()).authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);

  for (const origin of FOREIGN_ORIGINS) {
    expect(await app.call('get', `${origin}/api/me`), origin).toEqual({ ok: true, status: 200 });
  }
  expect(foreignHeaders).toHaveLength(FOREIGN_ORIGINS.length);
  for (const headers of foreignHeaders) expect(headers).not.toHaveProperty('authorization');
});
