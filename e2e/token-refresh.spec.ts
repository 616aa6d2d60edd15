import { answeredFor, expect, REFRESH_URL, test } from './fixtures.ts';

// An expired access token, refreshed once for any number of requests (requirement 9.3, 9.5, 9.8).

test('when the access token has expired, then "Call /api/me" succeeds with exactly one refresh on the network', async ({
  signedIn,
  dashboardPage,
  refreshes,
}) => {
  await dashboardPage.waitForExpiry();
  const before = refreshes.length;
  await dashboardPage.callMe.click();
  await expect(dashboardPage.result).toHaveText(answeredFor(signedIn));
  expect(refreshes.slice(before)).toHaveLength(1);
  expect((await refreshes[before]?.response())?.status()).toBe(200);
});

test('when 20 requests start at once on an expired token, then all 20 succeed after exactly one refresh, and the timeline shows it', async ({
  signedIn: _,
  dashboardPage,
  refreshes,
}) => {
  await dashboardPage.waitForExpiry();
  await dashboardPage.clearTimeline.click();
  await expect(dashboardPage.timeline.getByRole('listitem')).toHaveCount(0);
  const before = refreshes.length;
  await dashboardPage.sendBurst.click();
  await expect(dashboardPage.result).toHaveText('20 of 20 requests succeeded');
  expect(refreshes.slice(before)).toHaveLength(1);
  await expect(dashboardPage.timelineEntries('Refresh started')).toHaveCount(1);
  await expect(dashboardPage.timelineEntries('Refresh finished: new access token and refresh cookie')).toHaveCount(1);
  // Twenty identical sends in one burst read as one line, counted.
  await expect(dashboardPage.timelineEntries('GET /api/me sent with the access token')).toHaveCount(1);
  await expect(dashboardPage.timelineEntries('GET /api/me sent with the access token')).toContainText('×20');
});

test('when the refresh fails for the network, then the user stays signed in with a retryable error, and the next call works', async ({
  page,
  signedIn,
  dashboardPage,
  refreshes,
}) => {
  await dashboardPage.waitForExpiry();
  await page.route(REFRESH_URL, (route) => route.abort(), { times: 1 });
  const before = refreshes.length;
  await dashboardPage.callMe.click();
  await expect(dashboardPage.result).toHaveText('/api/me failed: network_error');
  await expect(page).toHaveURL('/');
  await expect(dashboardPage.heading).toBeVisible();
  await expect(dashboardPage.signOut).toBeVisible();

  await dashboardPage.callMe.click();
  await expect(dashboardPage.result).toHaveText(answeredFor(signedIn));
  // The aborted refresh, then the one that worked.
  expect(refreshes.slice(before)).toHaveLength(2);
});
