import type { CaughtMail } from '@spa-auth/mail-catcher';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createPasswords } from '../src/auth/passwords.ts';
import {
  bearer,
  createApiToken,
  createMailingTestApi,
  createTestApi,
  expectProblem,
  linkTokenIn,
  mailSettled,
  PASSWORD,
  realBackends,
  refresh,
  refreshCookieOf,
  registerUser,
  setCookieLine,
  uniqueEmail,
  useMailCatcher,
  XHR,
} from './support.ts';

// Forgot password over real SMTP: the same answer for every address, a single-use 30-minute link
// voided by any password change, and a reset that ends every session and signs this browser in.
const backends = await realBackends();
const mail = useMailCatcher();
const NEW_PASSWORD = 'a-brand-new-password-9';

const tokenOf = (message: CaughtMail) => linkTokenIn(message, '/reset-password');

describe.each(backends)('password reset on %s', (_name, open) => {
  const setup = async (env: Record<string, string> = {}) => createMailingTestApi(mail.current(), env, { db: await open() });
  const resetMailFor = (email: string) => mail.current().nextMessage((m) => m.to.includes(email) && /Reset your password/.test(m.subject));
  const askReset = (api: Awaited<ReturnType<typeof setup>>, email: string) =>
    request(api.app).post('/auth/password-reset').set(XHR).send({ email });
  const confirm = (api: Awaited<ReturnType<typeof setup>>, token: string, newPassword = NEW_PASSWORD) =>
    request(api.app).post('/auth/password-reset/confirm').set(XHR).set('User-Agent', 'Reset Browser/1.0').send({ token, newPassword });

  it('when the address has an account or not, then the answer is the same 202, and only the account gets mail', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const nobody = uniqueEmail('nobody');
    const known = await askReset(api, user.email).expect(202);
    const unknown = await askReset(api, nobody).expect(202);
    expect(unknown.text).toBe(known.text);
    const headerNames = (res: request.Response) => Object.keys(res.headers).filter((h) => h !== 'date' && !h.startsWith('ratelimit'));
    expect(headerNames(unknown).sort()).toEqual(headerNames(known).sort());
    await mailSettled(api);
    expect(
      mail
        .current()
        .messages()
        .some((m) => m.to.includes(nobody)),
    ).toBe(false);
    expect(tokenOf(await resetMailFor(user.email))).toHaveLength(43);
  });

  it('when the link is used, then the password changes, every session ends, this browser is signed in, and a notice is mailed', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const elsewhere = await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
    const script = await createApiToken(api.app, user.accessToken);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));

    const res = await confirm(api, token).expect(200);
    // A reset takes the account back: API tokens made before it end too.
    await mailSettled(api);
    expectProblem(await request(api.app).get('/api/me').set(bearer(script.secret)), 401, 'token_revoked');
    expect(res.body.user.email).toBe(user.email);
    expect(setCookieLine(res)).toMatch(/HttpOnly/);
    expect(res.headers['cache-control']).toBe('no-store');
    // Every earlier session is over: refresh cookies and access tokens alike.
    expectProblem(await refresh(api.app, user.refresh), 401, 'session_revoked');
    expectProblem(await refresh(api.app, refreshCookieOf(elsewhere)), 401, 'session_revoked');
    expectProblem(await request(api.app).get('/api/me').set(bearer(elsewhere.body.accessToken)), 401, 'session_revoked');
    // The new session works, the new password works, the old one does not.
    await request(api.app).get('/api/me').set(bearer(res.body.accessToken)).expect(200);
    await refresh(api.app, refreshCookieOf(res)).expect(200);
    await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: NEW_PASSWORD }).expect(200);
    expectProblem(
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }),
      401,
      'invalid_credentials',
    );
    const notice = await mail.current().nextMessage((m) => m.to.includes(user.email) && /password was changed/.test(m.subject));
    expect(notice.text).toMatch(/reset with a link/);
  });

  it('when the link is used twice, then the second time is 400 link_used and the password stays the first one', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));
    await confirm(api, token).expect(200);
    expectProblem(await confirm(api, token, 'yet-another-password-7'), 400, 'link_used');
    await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: NEW_PASSWORD }).expect(200);
  });

  it('when 30 minutes have passed, then the link is 400 link_expired', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));
    api.clock.advance(30 * 60_000);
    expectProblem(await confirm(api, token), 400, 'link_expired');
  });

  it('when the password changed after the link was sent, then the link is 400 link_invalid', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));
    await request(api.app)
      .put('/api/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'changed-meanwhile-password' })
      .expect(204);
    expectProblem(await confirm(api, token), 400, 'link_invalid');
  });

  it('when the account changed its address after the link was sent, then the link is 400 link_invalid', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));
    await api.db.query('UPDATE users SET email = $2 WHERE id = $1', [user.user.id, uniqueEmail('moved')]);
    expectProblem(await confirm(api, token), 400, 'link_invalid');
  });

  it('when the account is disabled, then no link is sent, and a link sent before does not change the password', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));
    await api.db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.user.id]);
    expectProblem(await confirm(api, token), 400, 'link_invalid');
    const { rows } = await api.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.user.id]);
    await askReset(api, user.email).expect(202);
    await mailSettled(api);
    expect(
      mail
        .current()
        .messages()
        .filter((m) => m.to.includes(user.email) && /Reset your password/.test(m.subject)),
    ).toHaveLength(1);
    await api.db.query('UPDATE users SET disabled_at = NULL WHERE id = $1', [user.user.id]);
    await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
    expect((await api.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.user.id])).rows).toEqual(
      rows,
    );
  });

  it('when the password threads are full, then 503 and the link is not used up', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));
    // The same app and database, with a password queue that refuses everything at once.
    const busy = createApp({ ...api.deps, passwords: createPasswords({ maxPending: 0 }) });
    const refused = await request(busy).post('/auth/password-reset/confirm').set(XHR).send({ token, newPassword: NEW_PASSWORD });
    expectProblem(refused, 503, 'service_unavailable');
    await confirm(api, token).expect(200);
  });

  it('when the new password is too short, then 400 validation_failed and the link still works', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await askReset(api, user.email).expect(202);
    const token = tokenOf(await resetMailFor(user.email));
    expectProblem(await confirm(api, token, 'short'), 400, 'validation_failed');
    await confirm(api, token).expect(200);
  });

  it('when an address asks more than MAIL_RATE_LIMIT times, then 429, for an address without an account too', async () => {
    const api = await setup({ MAIL_RATE_LIMIT: '2' });
    const user = await registerUser(api.app);
    for (const email of [user.email, uniqueEmail('nobody')]) {
      await askReset(api, email).expect(202);
      await askReset(api, email.toUpperCase()).expect(202);
      expectProblem(await askReset(api, email), 429, 'rate_limited');
    }
  });

  it('when the body is not an email, then 400 validation_failed and nothing is sent', async () => {
    const api = await setup();
    expectProblem(await request(api.app).post('/auth/password-reset').set(XHR).send({ email: 'not-an-email' }), 400, 'validation_failed');
    expectProblem(
      await request(api.app).post('/auth/password-reset').set(XHR).send({ email: 'a@b.test', extra: 1 }),
      400,
      'validation_failed',
    );
  });
});

describe('password reset without a mail server', () => {
  it('when SMTP_URL is unset, then the answer is still 202 and no link is made', async () => {
    const api = await createTestApi();
    const user = await registerUser(api.app);
    await request(api.app).post('/auth/password-reset').set(XHR).send({ email: user.email }).expect(202);
    await mailSettled(api);
    expect((await api.db.query('SELECT 1 FROM email_links WHERE user_id = $1', [user.user.id])).rows).toEqual([]);
  });
});
