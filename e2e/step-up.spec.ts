import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Request } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { ReauthenticationDialog } from './pages/reauthentication-dialog.ts';

// Step-up re-authentication (RFC 9470): a sensitive action after the sign-in is older than the e2e
// API's REAUTH_MAX_AGE (30 s, playwright.config.ts) asks for the password, then goes ahead.
const REAUTH_MAX_AGE_MS = 30_000;

/**
 * Says when a sign-in made now has become too old for a sensitive action: an account of its own,
 * signed in after the browser's, whose harmless sensitive request (ending the other sessions of an
 * account that has none) is refused with insufficient_user_authentication from that moment on. The
 * browser signed in earlier, so its sign-in is at least as old.
 */
async function signInAgeProbe(request: APIRequestContext) {
  const id = randomUUID();
  const registered = await request.post('/auth/register', {
    data: { name: `Probe ${id.slice(0, 8)}`, email: `e2e-probe-${id}@example.com`, password: `password-${id}` },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  return async () => {
    // Access tokens live 5 s here; a refresh keeps the session's sign-in time.
    const refreshed = await request.post('/auth/refresh');
    expect(refreshed.status(), await refreshed.text()).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    const answer = await request.post('/api/sessions/revoke-others', { headers: { Authorization: `Bearer ${accessToken}` } });
    return answer.status() === 204 ? 'recent' : ((await answer.json()) as { code: string }).code;
  };
}

test('when the sign-in is older than REAUTH_MAX_AGE, then "Sign out other sessions" asks for the password and completes without being pressed again', async ({
  page,
  signedIn,
  api,
  playwright,
  apiURL,
  sessionsPage,
}) => {
  test.setTimeout(REAUTH_MAX_AGE_MS + 30_000);
  const script = await api.signIn(signedIn, 'curl/8.5.0');
  const probeContext = await playwright.request.newContext({
    baseURL: apiURL,
    extraHTTPHeaders: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const signInAge = await signInAgeProbe(probeContext);
  const dialog = new ReauthenticationDialog(page);
  const revokeOthers: Request[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/sessions/revoke-others') revokeOthers.push(request);
  });

  await sessionsPage.openFromNav('Sessions');
  await expect(sessionsPage.sessions).toHaveCount(2);
  await expect.poll(signInAge, { timeout: REAUTH_MAX_AGE_MS + 10_000, intervals: [1_000] }).toBe('insufficient_user_authentication');
  await probeContext.dispose();

  await sessionsPage.signOutOthers.click();
  await expect(dialog.dialog).toBeVisible();
  await expect(dialog.password).toBeFocused();
  expect(revokeOthers).toHaveLength(1);

  // A wrong password: said in the dialog, which stays for another try.
  await dialog.confirmWith(`${signedIn.password}-wrong`);
  await expect(dialog.alert).toHaveText('The password is wrong. Try again.');
  await expect(dialog.dialog).toBeVisible();

  await dialog.confirmWith(signedIn.password);
  await expect(dialog.dialog).toBeHidden();
  await expect(sessionsPage.notice('All other sessions were signed out.')).toBeVisible();
  await expect(sessionsPage.sessions).toHaveCount(1);
  // The action was sent again by the client, not pressed again by the user.
  expect(revokeOthers).toHaveLength(2);
  expect(await script.refresh()).toBe(401);
});
