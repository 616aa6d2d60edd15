import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { bearer, createMailingTestApi, PASSWORD, refresh, refreshCookieOf, registerUser, useMailCatcher } from './support.ts';

// The owner of an account hears, by email, of what changed it: the notices sent from account events.
const mail = useMailCatcher();

describe('security notices by email', () => {
  it('when a replaced refresh token is used again, then the owner is told that the session was ended', async () => {
    const api = await createMailingTestApi(mail.current(), { REFRESH_REUSE_GRACE: '1s' });
    const user = await registerUser(api.app);
    const rotated = await refresh(api.app, user.refresh).expect(200);
    api.clock.advance(5_000);
    expect((await refresh(api.app, user.refresh)).body.code).toBe('refresh_reused');
    const notice = await mail.current().nextMessage((m) => m.to.includes(user.email) && /signed out one of your sessions/.test(m.subject));
    expect(notice.text).toMatch(/used again/);
    // The notice is about the session that ended: the rotated cookie is part of it.
    expect((await refresh(api.app, refreshCookieOf(rotated))).body.code).toBe('session_revoked');
  });

  it('when the password is changed, then the owner is told, and the mail carries no password', async () => {
    const api = await createMailingTestApi(mail.current(), {});
    const user = await registerUser(api.app);
    const newPassword = 'the-new-password-is-long';
    await request(api.app)
      .put('/api/me/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword })
      .expect(204);
    const notice = await mail.current().nextMessage((m) => m.to.includes(user.email) && /password was changed/.test(m.subject));
    expect(notice.text).toMatch(/every other session was signed out/);
    expect(`${notice.text}${notice.html}`).not.toContain(newPassword);
    expect(`${notice.text}${notice.html}`).not.toContain(PASSWORD);
  });
});
