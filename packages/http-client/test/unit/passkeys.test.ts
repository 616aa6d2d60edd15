import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiError, type PasskeyProof } from '../../src/index.ts';
import { API, CHALLENGE as BEARER_CHALLENGE, PASSWORD, problem, signIn, USER, useFakeApi } from './support.ts';

const t = useFakeApi();

const CEREMONY_ID = 'Vt4u7gH2xJ9qLk0pR3sW8yZ1aB5cD6eF7gH8iJ9kL0m';
const SIGN_IN_CHALLENGE = 'q2Xz8Yp0e3bQ1uT9r4LkWm7vN6sA5dF0gH2jK8lPz3c';

/**
 * What @simplewebauthn/browser's startAuthentication() resolves with: the client treats it as
 * opaque JSON, so a made-up assertion of the right shape is all these tests need (the API's own
 * tests verify real ones).
 */
const ASSERTION = {
  id: 'cred-1',
  rawId: 'cred-1',
  type: 'public-key',
  response: { clientDataJSON: 'Y2xpZW50', authenticatorData: 'YXV0aA', signature: 'c2ln', userHandle: 'dXNlcg' },
  authenticatorAttachment: 'platform',
  clientExtensionResults: {},
} as const;
const PROOF: PasskeyProof = { passkey: { ceremonyId: CEREMONY_ID, response: ASSERTION } };

type Seen = { body: unknown; requestedWith: string | null; authorization: string | null };
const seenOf = async (request: Request): Promise<Seen> => ({
  body: await request.json(),
  requestedWith: request.headers.get('x-requested-with'),
  authorization: request.headers.get('authorization'),
});

/** POST /auth/passkey as the API has it (requirement 18.10): the ceremony once, then the session as login's. */
function usePasskeySignIn() {
  const seen: Seen[] = [];
  let used = false;
  t.server.use(
    http.post(`${API}/auth/passkey`, async ({ request }) => {
      const entry = await seenOf(request);
      seen.push(entry);
      const body = entry.body as { ceremonyId?: string };
      if (body.ceremonyId !== CEREMONY_ID || used) return problem(401, 'passkey_challenge_invalid');
      used = true;
      return HttpResponse.json(t.api.session(), { headers: { 'Cache-Control': 'no-store' } });
    }),
  );
  return seen;
}

describe('signInWithPasskey(proof): a sign-in with no email typed (requirement 9.19)', () => {
  it('when the passkey is accepted, then it posted the ceremony and the assertion as login posts, and the session starts here and in the other tab', async () => {
    const seen = usePasskeySignIn();
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];

    const session = await a.client.signInWithPasskey(PROOF);
    await t.browser.bus.delivered();

    expect(seen).toEqual([
      { body: { ceremonyId: CEREMONY_ID, response: ASSERTION }, requestedWith: 'XMLHttpRequest', authorization: null },
    ]);
    expect(session).toEqual({ user: USER, accessTokenExpiresAt: t.browser.clock.now() + 300_000, accessTokenLifetime: 300_000 });
    expect(a.client.getSession()).toBe(session);
    expect(b.client.getSession()).toEqual(session);
    await b.client.http.get('/api/me');
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-1']);
    expect(t.api.refreshCalls).toBe(0);
  });

  it.each([
    [401, 'passkey_unknown'],
    [401, 'passkey_cloned'],
    [401, 'passkey_invalid'],
    [403, 'account_disabled'],
  ] as const)(
    'when the API answers %i %s, then it rejects with that code, no session starts, and nothing is refreshed or reported as ended',
    async (status, code) => {
      t.server.use(http.post(`${API}/auth/passkey`, () => problem(status, code)));
      const tab = t.browser.openTab();

      const error = await tab.client.signInWithPasskey(PROOF).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code, status });
      expect(tab.client.getSession()).toBeNull();
      expect(t.api.refreshCalls).toBe(0);
      expect(tab.expired).toEqual([]);
      expect(tab.count('session-changed')).toBe(0);
    },
  );

  it('when the ceremony was used already, then it rejects with passkey_challenge_invalid and the session in place stays', async () => {
    usePasskeySignIn();
    const tab = t.browser.openTab();
    await tab.client.signInWithPasskey(PROOF);
    const session = tab.client.getSession();

    await expect(tab.client.signInWithPasskey(PROOF)).rejects.toMatchObject({ code: 'passkey_challenge_invalid', status: 401 });
    expect(tab.client.getSession()).toBe(session);
  });

  it('when failed passkey sign-ins are limited, then the ApiError carries retryAfter', async () => {
    t.server.use(http.post(`${API}/auth/passkey`, () => problem(429, 'rate_limited', { 'Retry-After': '90' })));
    const tab = t.browser.openTab();

    await expect(tab.client.signInWithPasskey(PROOF)).rejects.toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 90 });
  });
});

describe('a passkey as the second step (requirement 9.18)', () => {
  it('when completeSignIn() is given a passkey proof, then it posts the challenge and the passkey, nothing else, and adopts the session', async () => {
    const seen: Seen[] = [];
    t.server.use(
      http.post(`${API}/auth/login/second-factor`, async ({ request }) => {
        seen.push(await seenOf(request));
        return HttpResponse.json(t.api.session(), { headers: { 'Cache-Control': 'no-store' } });
      }),
    );
    const [a, b] = [t.browser.openTab(), t.browser.openTab()];

    await a.client.completeSignIn(SIGN_IN_CHALLENGE, PROOF);
    await t.browser.bus.delivered();

    expect(seen).toEqual([
      {
        body: { challenge: SIGN_IN_CHALLENGE, passkey: { ceremonyId: CEREMONY_ID, response: ASSERTION } },
        requestedWith: 'XMLHttpRequest',
        authorization: null,
      },
    ]);
    expect(b.client.getSession()?.user).toEqual(USER);
  });
});

describe('reauthenticate(passkey proof) (requirement 9.16)', () => {
  function useReauthentication() {
    const seen: Seen[] = [];
    t.server.use(
      http.post(`${API}/auth/reauthenticate`, async ({ request }) => {
        const entry = await seenOf(request);
        seen.push(entry);
        if (entry.authorization !== `Bearer ${t.api.current}`) {
          return problem(401, 'token_expired', { 'WWW-Authenticate': BEARER_CHALLENGE.invalidToken });
        }
        const body = entry.body as { passkey?: { ceremonyId: string } };
        if (body.passkey?.ceremonyId !== CEREMONY_ID) return problem(400, 'passkey_challenge_invalid');
        return HttpResponse.json(t.api.session(), { headers: { 'Cache-Control': 'no-store' } });
      }),
    );
    return seen;
  }

  it('when given a passkey proof, then it posts the passkey alone (no password) with the token, and the other tabs take the new token', async () => {
    const seen = useReauthentication();
    const [tab, other] = [t.browser.openTab(), t.browser.openTab()];
    await signIn(tab);
    await t.browser.bus.delivered();

    const session = await tab.client.reauthenticate(PROOF);
    await t.browser.bus.delivered();

    expect(seen).toEqual([{ body: PROOF, requestedWith: 'XMLHttpRequest', authorization: 'Bearer at-1' }]);
    expect(session).toBe(tab.client.getSession());
    await other.client.http.get('/api/me');
    expect(t.api.authorizations('/api/me')).toEqual(['Bearer at-2']);
  });

  it('when the passkey is refused, then it rejects with the passkey code and the session is kept', async () => {
    useReauthentication();
    const tab = t.browser.openTab();
    const session = await signIn(tab);

    const error = await tab.client.reauthenticate({ passkey: { ceremonyId: 'another', response: ASSERTION } }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'passkey_challenge_invalid', status: 400 });
    expect(tab.client.getSession()).toBe(session);
    expect(tab.expired).toEqual([]);
  });

  it('when given a password, then the body is still the password alone, as before passkeys', async () => {
    const seen = useReauthentication();
    const tab = t.browser.openTab();
    await signIn(tab);

    await tab.client.reauthenticate(PASSWORD).catch(() => {});

    expect(seen.map((entry) => entry.body)).toEqual([{ password: PASSWORD }]);
  });
});
