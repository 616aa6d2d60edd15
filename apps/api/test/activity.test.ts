import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApi,
  expectProblem,
  mailSettled,
  PASSWORD,
  realBackends,
  refresh,
  registerUser,
  type TestApi,
  XHR,
} from './support.ts';

// Every security event of an account is recorded with when and from where; the user reads their
// own, an admin anyone's, a page at a time.
const backends = await realBackends();

type Activity = { id: string; type: string; occurredAt: string; ip: string | null; userAgent: string | null; detail: string | null };

async function activityOf(
  api: TestApi,
  accessToken: string,
  path = '/api/me/activity',
): Promise<{ events: Activity[]; nextCursor: string | null }> {
  // Events are recorded after the answers that caused them: wait for that work first.
  await mailSettled(api);
  return (await request(api.app).get(path).set(bearer(accessToken)).expect(200)).body;
}

describe.each(backends)('security activity on %s', (_name, open) => {
  const setup = async (env: Record<string, string> = {}) => createTestApi(env, { db: await open() });
  const login = (api: TestApi, email: string, password: string, userAgent: string) =>
    request(api.app).post('/auth/login').set(XHR).set('User-Agent', userAgent).send({ email, password });

  it('when an account signs in, fails, changes its password and ends sessions, then each is listed newest first with its device', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    api.clock.advance(1000);
    await login(api, user.email, 'wrong-password', 'Failing Browser/1.0').expect(401);
    api.clock.advance(1000);
    const other = await login(api, user.email, PASSWORD, 'Other Browser/2.0').expect(200);
    api.clock.advance(1000);
    const newPassword = 'another-long-password';
    await request(api.app)
      .put('/api/me/password')
      .set(bearer(other.body.accessToken))
      .send({ currentPassword: PASSWORD, newPassword })
      .expect(204);
    api.clock.advance(1000);
    const third = await login(api, user.email, newPassword, 'Third Browser/3.0').expect(200);
    api.clock.advance(1000);
    await request(api.app).post('/api/sessions/revoke-others').set(bearer(third.body.accessToken)).expect(204);

    const { events, nextCursor } = await activityOf(api, third.body.accessToken);
    expect(events.map((e) => e.type)).toEqual([
      'sessions_revoked',
      'signed_in',
      'password_changed',
      'signed_in',
      'sign_in_failed',
      'registered',
    ]);
    expect(nextCursor).toBeNull();
    expect(events[4]).toMatchObject({ userAgent: 'Failing Browser/1.0', ip: expect.stringMatching(/127\.0\.0\.1|::1/) });
    expect(events[3]?.userAgent).toBe('Other Browser/2.0');
    expect(events[0]?.detail).toBe('1 by the user');
    // No secret is kept: no password, no token.
    expect(JSON.stringify(events)).not.toMatch(new RegExp(`${PASSWORD}|${newPassword}|${third.body.accessToken}`));
  });

  it("when a replaced refresh token comes back, then the reuse is in the owner's log", async () => {
    const api = await setup({ REFRESH_REUSE_GRACE: '1s' });
    const user = await registerUser(api.app);
    await refresh(api.app, user.refresh).expect(200);
    api.clock.advance(5_000);
    await refresh(api.app, user.refresh).expect(401);
    const fresh = await login(api, user.email, PASSWORD, 'After/1.0').expect(200);
    const { events } = await activityOf(api, fresh.body.accessToken);
    expect(events.map((e) => e.type)).toContain('refresh_token_reused');
  });

  it('when there are more events than a page, then pages follow each other by cursor with nothing twice, and a bad cursor is 400', async () => {
    const api = await setup({ LOGIN_MAX_FAILURES: '1000', AUTH_RATE_LIMIT: '100000' });
    const user = await registerUser(api.app);
    // The failures share one instant: the page order then rests on the id, the cursor's tie-breaker.
    api.clock.advance(1000);
    for (let i = 0; i < 55; i++) await login(api, user.email, 'wrong-password', 'Guesser/1.0').expect(401);
    const first = await activityOf(api, user.accessToken);
    expect(first.events).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await activityOf(api, user.accessToken, `/api/me/activity?after=${first.nextCursor}`);
    expect(second.events).toHaveLength(6);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.events, ...second.events].map((e) => e.id);
    expect(new Set(ids).size).toBe(56);
    expect(second.events.at(-1)?.type).toBe('registered');
    expectProblem(
      await request(api.app).get('/api/me/activity?after=not-a-cursor').set(bearer(user.accessToken)),
      400,
      'validation_failed',
    );
  });

  it("when an admin asks for a user's log, then it is theirs; when a user asks for another's, then 403", async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const admin = await registerUser(api.app);
    await api.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [admin.user.id]);
    const adminSession = await login(api, admin.email, PASSWORD, 'Admin/1.0').expect(200);
    const { events } = await activityOf(api, adminSession.body.accessToken, `/api/admin/users/${user.user.id}/activity`);
    expect(events.map((e) => e.type)).toEqual(['registered']);
    expectProblem(
      await request(api.app).get(`/api/admin/users/${admin.user.id}/activity`).set(bearer(user.accessToken)),
      403,
      'insufficient_scope',
    );
  });

  it('when events are older than ACTIVITY_RETENTION, then the retention job deletes them', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await mailSettled(api);
    const cutoff = new Date(api.clock.now() + 1000);
    // Deleted by the port the retention job calls, with the job's cut-off rule checked in retention.test.ts.
    let deleted = 0;
    for (;;) {
      const batch = await api.storage.activity.deleteActivityBefore(cutoff, 500);
      deleted += batch;
      if (batch < 500) break;
    }
    expect(deleted).toBeGreaterThan(0);
    expect((await activityOf(api, user.accessToken)).events).toEqual([]);
  });
});
