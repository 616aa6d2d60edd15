import type { CaughtMail } from '@spa-auth/mail-catcher';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createMailingTestApi,
  createTestApi,
  expectProblem,
  linkTokenIn,
  mailSettled,
  PASSWORD,
  realBackends,
  registerUser,
  uniqueEmail,
  useMailCatcher,
  XHR,
} from './support.ts';

// A new address replaces the old one only once a link sent to it is opened; the current password
// proves the request, and the old address is told.
const backends = await realBackends();
const mail = useMailCatcher();

const tokenOf = (message: CaughtMail) => linkTokenIn(message, '/confirm-email-change');

describe.each(backends)('change of email on %s', (_name, open) => {
  const setup = async () => createMailingTestApi(mail.current(), {}, { db: await open() });
  const ask = (api: Awaited<ReturnType<typeof setup>>, accessToken: string, newEmail: string, currentPassword = PASSWORD) =>
    request(api.app).post('/api/me/email').set(bearer(accessToken)).send({ currentPassword, newEmail });
  const confirm = (api: Awaited<ReturnType<typeof setup>>, token: string) =>
    request(api.app).post('/auth/confirm-email-change').set(XHR).send({ token });
  const linkFor = (email: string) => mail.current().nextMessage((m) => m.to.includes(email) && /Confirm your new email/.test(m.subject));

  it("when the link sent to the new address is opened, then it becomes the account's verified address and the old one is told", async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const newEmail = uniqueEmail('moved');
    await ask(api, user.accessToken, newEmail).expect(202);
    // Nothing changes before the new address is proven.
    expect((await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200)).body.user.email).toBe(user.email);

    await confirm(api, tokenOf(await linkFor(newEmail))).expect(204);
    const me = await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body.user).toMatchObject({ email: newEmail, emailVerified: true });
    await request(api.app).post('/auth/login').set(XHR).send({ email: newEmail, password: PASSWORD }).expect(200);
    expectProblem(
      await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }),
      401,
      'invalid_credentials',
    );
    const notice = await mail.current().nextMessage((m) => m.to.includes(user.email) && /email address was changed/.test(m.subject));
    expect(notice.text).toContain(newEmail);
  });

  it('when the current password is wrong, then 400 invalid_credentials and no mail', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const newEmail = uniqueEmail('never');
    expectProblem(await ask(api, user.accessToken, newEmail, 'not-the-password'), 400, 'invalid_credentials');
    await mailSettled(api);
    expect(
      mail
        .current()
        .messages()
        .some((m) => m.to.includes(newEmail)),
    ).toBe(false);
  });

  it('when another account has the new address, then the same 202 and no mail to it', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const other = await registerUser(api.app);
    await mailSettled(api);
    const before = mail
      .current()
      .messages()
      .filter((m) => m.to.includes(other.email)).length;
    await ask(api, user.accessToken, other.email).expect(202);
    await mailSettled(api);
    expect(
      mail
        .current()
        .messages()
        .filter((m) => m.to.includes(other.email)),
    ).toHaveLength(before);
  });

  it('when the link is used twice, or another account took the address meanwhile, then link_used or 409 email_taken', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const first = uniqueEmail('first');
    await ask(api, user.accessToken, first).expect(202);
    const token = tokenOf(await linkFor(first));
    await confirm(api, token).expect(204);
    expectProblem(await confirm(api, token), 400, 'link_used');

    const second = uniqueEmail('second');
    await ask(api, user.accessToken, second).expect(202);
    const secondToken = tokenOf(await linkFor(second));
    await registerUser(api.app, { email: second });
    expectProblem(await confirm(api, secondToken), 409, 'email_taken');
    expect((await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(200)).body.user.email).toBe(first);
  });

  it('when one new address is asked for more than MAIL_RATE_LIMIT times, then 429: an account cannot mail an address at will', async () => {
    const api = await createMailingTestApi(mail.current(), { MAIL_RATE_LIMIT: '2' }, { db: await open() });
    const user = await registerUser(api.app);
    const target = uniqueEmail('target');
    await ask(api, user.accessToken, target).expect(202);
    await ask(api, user.accessToken, target).expect(202);
    expectProblem(await ask(api, user.accessToken, target), 429, 'rate_limited');
  });

  it('when the link is older than 24 hours, then 400 link_expired', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const newEmail = uniqueEmail('late');
    await ask(api, user.accessToken, newEmail).expect(202);
    const token = tokenOf(await linkFor(newEmail));
    api.clock.advance(24 * 3_600_000);
    expectProblem(await confirm(api, token), 400, 'link_expired');
  });
});

describe('change of email without a mail server', () => {
  it('when SMTP_URL is unset, then 503 service_unavailable: the new address could not be confirmed', async () => {
    const api = await createTestApi();
    const user = await registerUser(api.app);
    const res = await request(api.app)
      .post('/api/me/email')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newEmail: uniqueEmail() });
    expectProblem(res, 503, 'service_unavailable');
  });
});
