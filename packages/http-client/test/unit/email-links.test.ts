import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/index.ts';
import { API, deferred, PASSWORD, problem, signIn, USER, useFakeApi } from './support.ts';

const t = useFakeApi();

const TOKEN = 'A'.repeat(43);
const NEW_PASSWORD = 'a-brand-new-passphrase';

/** POST /auth/password-reset/confirm as the API answers it: a session for a good link, link_used otherwise. */
function answerReset(seen: Array<{ body: unknown; requestedWith: string | null }> = []) {
  t.server.use(
    http.post(`${API}/auth/password-reset/confirm`, async ({ request }) => {
      const body = (await request.json()) as { token: string };
      seen.push({ body, requestedWith: request.headers.get('x-requested-with') });
      if (body.token !== TOKEN) return problem(400, 'link_used');
      return HttpResponse.json(t.api.session(), { headers: { 'Cache-Control': 'no-store' } });
    }),
  );
}

describe('resetPassword', () => {
  it('when the link is good, then the client holds the new session, sends its token, and the other tabs take it', async () => {
    const seen: Array<{ body: unknown; requestedWith: string | null }> = [];
    answerReset(seen);
    const tab = t.browser.openTab();
    const other = t.browser.openTab();

    const session = await tab.client.resetPassword({ token: TOKEN, newPassword: NEW_PASSWORD });
    await tab.client.http.get('/api/me');

    // An /auth/* call: the CSRF header goes with it, as with login.
    expect(seen).toEqual([{ body: { token: TOKEN, newPassword: NEW_PASSWORD }, requestedWith: 'XMLHttpRequest' }]);
    expect(session).toEqual({ user: USER, accessTokenExpiresAt: t.browser.clock.now() + 300_000, accessTokenLifetime: 300_000 });
    expect(tab.client.getSession()).toBe(session);
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-1']);
    await other.waitFor('token-from-other-tab');
    expect(other.client.getSession()?.user).toEqual(USER);
  });

  it('when the link was used already, then an ApiError says link_used and there is no session', async () => {
    answerReset();
    const tab = t.browser.openTab();

    const error = await tab.client.resetPassword({ token: 'B'.repeat(43), newPassword: NEW_PASSWORD }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'link_used', status: 400 });
    expect(tab.client.getSession()).toBeNull();
    expect(t.api.refreshCalls).toBe(0);
    expect(tab.expired).toEqual([]);
  });
});

describe('refreshSession', () => {
  it('when signed in with a token far from expiry, then it refreshes at once and the new token is sent from then on', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);

    const session = await tab.client.refreshSession();
    await tab.client.http.get('/api/me');

    expect(t.api.refreshCalls).toBe(1);
    expect(session).toBe(tab.client.getSession());
    expect(tab.events).toContainEqual(expect.objectContaining({ type: 'refresh-started', reason: 'requested' }));
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-2']);
  });

  it('when signed out, then it sends nothing and resolves null', async () => {
    const tab = t.browser.openTab();

    await expect(tab.client.refreshSession()).resolves.toBeNull();
    expect(t.api.refreshCalls).toBe(0);
  });

  it('when a refresh is already running, then it waits for it and refreshes once more after it', async () => {
    const tab = t.browser.openTab();
    await tab.client.login({ email: USER.email, password: PASSWORD });
    const held = deferred();
    t.api.onRefresh = async () => {
      if (t.api.refreshCalls === 1) await held.promise;
      return undefined;
    };
    t.browser.clock.advance(300_000);
    const running = tab.client.restore();
    await tab.waitFor('refresh-started');

    const asked = tab.client.refreshSession();
    held.resolve();
    await running;
    await asked;

    expect(t.api.refreshCalls).toBe(2);
    expect(tab.events.filter((e) => e.type === 'refresh-started').map((e) => (e.type === 'refresh-started' ? e.reason : ''))).toEqual([
      'startup',
      'requested',
    ]);
  });

  it('when the refresh is refused, then it rejects and the session ends as after any refused refresh', async () => {
    const tab = t.browser.openTab();
    await signIn(tab);
    t.api.onRefresh = () => problem(401, 'session_revoked');

    await expect(tab.client.refreshSession()).rejects.toMatchObject({ code: 'session_revoked' });
    expect(tab.client.getSession()).toBeNull();
    expect(tab.expired).toEqual([{ code: 'session_revoked' }]);
  });
});
