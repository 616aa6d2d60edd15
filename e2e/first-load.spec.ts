import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

// What the sign-in page loads (docs/performance.md, "The web app's first JavaScript"): it queries
// nothing, so TanStack Query comes with the first page past it, not with it. Told apart by a message
// its provider's module keeps in the production build.
const TANSTACK_QUERY_PROVIDER = 'No QueryClient set, use QueryClientProvider to set one';

/** The scripts `page` loads from now on: each one's path, and whether it holds TanStack Query. */
function scriptsOf(page: Page): Promise<{ path: string; hasQuery: boolean }>[] {
  const scripts: Promise<{ path: string; hasQuery: boolean }>[] = [];
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    // Module preloads included: Chromium types some of them "other".
    if (path.endsWith('.js')) scripts.push(response.text().then((body) => ({ path, hasQuery: body.includes(TANSTACK_QUERY_PROVIDER) })));
  });
  return scripts;
}

test('when the sign-in page loads signed out, then its scripts hold no TanStack Query, which the dashboard brings after the sign-in', async ({
  page,
  registered,
  loginPage,
  dashboardPage,
}) => {
  const scripts = scriptsOf(page);
  await loginPage.goto();
  await expect(loginPage.heading).toBeVisible();
  // The chunks the page fetches on its own after the first paint (the passkey button) count too.
  await page.waitForLoadState('networkidle');
  const atSignIn = await Promise.all(scripts);
  expect(atSignIn.length).toBeGreaterThan(0);
  expect(atSignIn.filter((script) => script.hasQuery).map((script) => script.path)).toEqual([]);

  expect(await loginPage.signIn(registered)).toBe(200);
  await expect(dashboardPage.heading).toBeVisible();
  expect((await Promise.all(scripts)).some((script) => script.hasQuery)).toBe(true);
});
