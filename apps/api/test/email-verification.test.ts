import { createHash } from 'node:crypto';
import type { CaughtMail } from '@spa-auth/mail-catcher';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  claimsOf,
  createMailingTestApi,
  createTestApi,
  expectProblem,
  linkTokenIn,
  mailSettled,
  PASSWORD,
  realBackends,
  refresh,
  registerUser,
  uniqueEmail,
  useMailCatcher,
  XHR,
} from './support.ts';

// Registration sends a verification link over real SMTP; the link's token is single-use, lasts
// 24 hours, is stored hashed, and travels in the URL fragment.
const backends = await realBackends();
const mail = useMailCatcher();
const DAY = 86_400_000;

const tokenOf = (message: CaughtMail) => linkTokenIn(message, '/verify-email');

describe.each(backends)('email verification on %s', (_name, open) => {
  const setup = async (env: Record<string, string> = {}) => createMailingTestApi(mail.current(), env, { db: await open() });
  const verificationFor = (email: string) =>
    mail.current().nextMessage((m) => m.to.includes(email) && /Confirm your email/.test(m.subject));

  it('when a user registers, then a link arrives, the token says email_verified false until the link is used, and true after a refresh', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    expect(claimsOf(user.accessToken).email_verified).toBe(false);
    const me = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body.user.emailVerified).toBe(false);

    const message = await verificationFor(user.email);
    expect(message.to).toEqual([user.email]);
    expect(message.html).toContain('Confirm my email address');
    const token = tokenOf(message);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    await request(api.app).post('/auth/verify-email').set(XHR).send({ token }).expect(204);
    expect((await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200)).body.user.emailVerified).toBe(true);
    const refreshed = await refresh(api.app, user.refresh).expect(200);
    expect(claimsOf(refreshed.body.accessToken).email_verified).toBe(true);
  });

  it('when a link is used twice, then the second time is 400 link_used', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const token = tokenOf(await verificationFor(user.email));
    await request(api.app).post('/auth/verify-email').set(XHR).send({ token }).expect(204);
    expectProblem(await request(api.app).post('/auth/verify-email').set(XHR).send({ token }), 400, 'link_used');
  });

  it('when 24 hours have passed, then the link is 400 link_expired and the address stays unverified', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const token = tokenOf(await verificationFor(user.email));
    api.clock.advance(DAY);
    expectProblem(await request(api.app).post('/auth/verify-email').set(XHR).send({ token }), 400, 'link_expired');
    const { rows } = await api.db.query('SELECT email_verified_at FROM users WHERE id = $1', [user.user.id]);
    expect(rows).toEqual([{ email_verified_at: null }]);
  });

  it('when the token is unknown, altered or missing, then 400 link_invalid or validation_failed, never a 500', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const token = tokenOf(await verificationFor(user.email));
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expectProblem(await request(api.app).post('/auth/verify-email').set(XHR).send({ token: altered }), 400, 'link_invalid');
    expectProblem(await request(api.app).post('/auth/verify-email').set(XHR).send({}), 400, 'validation_failed');
    expectProblem(
      await request(api.app)
        .post('/auth/verify-email')
        .set(XHR)
        .send({ token: 'x'.repeat(500) }),
      400,
      'validation_failed',
    );
    // The right token still works: the failed attempts used nothing up.
    await request(api.app).post('/auth/verify-email').set(XHR).send({ token }).expect(204);
  });

  it('when the link is stored, then only the SHA-256 of its token is in the database', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const token = tokenOf(await verificationFor(user.email));
    const { rows } = await api.db.query<{ token_hash: string; email: string }>(
      'SELECT token_hash, email FROM email_links WHERE user_id = $1',
      [user.user.id],
    );
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex'), email: user.email }]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('when the address changed after the link was sent, then the link does not verify the new one', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const token = tokenOf(await verificationFor(user.email));
    await api.db.query('UPDATE users SET email = $2 WHERE id = $1', [user.user.id, uniqueEmail('moved')]);
    expectProblem(await request(api.app).post('/auth/verify-email').set(XHR).send({ token }), 400, 'link_invalid');
  });

  it('when the user asks for the link again, then a new one arrives, up to MAIL_RATE_LIMIT per window, then 429', async () => {
    const api = await setup({ MAIL_RATE_LIMIT: '2' });
    const user = await registerUser(api.app);
    await verificationFor(user.email);
    for (let i = 0; i < 2; i++) {
      await request(api.app).post('/api/me/verification-email').set(bearer(user.accessToken)).expect(202);
    }
    await mailSettled(api);
    expect(
      mail
        .current()
        .messages()
        .filter((m) => m.to.includes(user.email)),
    ).toHaveLength(3);
    const limited = expectProblem(
      await request(api.app).post('/api/me/verification-email').set(bearer(user.accessToken)),
      429,
      'rate_limited',
    );
    expect(limited.detail).toMatch(/try again/);
    // Every link that was sent works until one of them is used.
    const links = mail
      .current()
      .messages()
      .filter((m) => m.to.includes(user.email))
      .map(tokenOf);
    await request(api.app).post('/auth/verify-email').set(XHR).send({ token: links[2] }).expect(204);
  });

  it('when the address is verified already, then asking again sends nothing', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await request(api.app)
      .post('/auth/verify-email')
      .set(XHR)
      .send({ token: tokenOf(await verificationFor(user.email)) })
      .expect(204);
    await request(api.app).post('/api/me/verification-email').set(bearer(user.accessToken)).expect(202);
    await mailSettled(api);
    expect(
      mail
        .current()
        .messages()
        .filter((m) => m.to.includes(user.email)),
    ).toHaveLength(1);
  });

  it('when an admin has not verified the address, then the admin routes answer 403 email_unverified, and 200 once verified', async () => {
    const api = await setup();
    const admin = await registerUser(api.app);
    await api.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [admin.user.id]);
    const unverified = await request(api.app).post('/auth/login').set(XHR).send({ email: admin.email, password: PASSWORD }).expect(200);
    expectProblem(await request(api.app).get('/api/admin/users').set(bearer(unverified.body.accessToken)), 403, 'email_unverified');
    await request(api.app)
      .post('/auth/verify-email')
      .set(XHR)
      .send({ token: tokenOf(await verificationFor(admin.email)) })
      .expect(204);
    const verified = await request(api.app).post('/auth/login').set(XHR).send({ email: admin.email, password: PASSWORD }).expect(200);
    await request(api.app).get('/api/admin/users').set(bearer(verified.body.accessToken)).expect(200);
  });
});

describe('without a mail server', () => {
  it('when SMTP_URL is unset, then a new account counts as verified (nothing could verify it) and no link is made', async () => {
    const api = await createTestApi();
    const user = await registerUser(api.app);
    expect(claimsOf(user.accessToken).email_verified).toBe(true);
    expect((await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200)).body.user.emailVerified).toBe(true);
    await mailSettled(api);
    const { rows } = await api.db.query('SELECT 1 FROM email_links WHERE user_id = $1', [user.user.id]);
    expect(rows).toEqual([]);
  });
});
