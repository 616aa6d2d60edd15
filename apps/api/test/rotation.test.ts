import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { bearer, claimsOf, createTestApi, realBackends, refresh, refreshCookieOf, registerUser } from './support.ts';

// Requirement 5.3 on both backends; on PostgreSQL the concurrent requests really run in parallel
// transactions on separate connections, so the row lock is what is being tested.
const backends = await realBackends();

const GRACE_MS = 10_000;

describe.each(backends)('refresh-token rotation on %s', (_name, open) => {
  const setup = async () => createTestApi({}, { db: await open() });

  it('when 25 refreshes with one token arrive at the same moment, then all succeed and every returned cookie keeps the session', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const responses = await Promise.all(Array.from({ length: 25 }, () => refresh(api.app, user.refresh)));
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(200));
    const cookies = responses.map((r) => refreshCookieOf(r) as string);
    expect(new Set(cookies).size).toBe(25);
    // One session, advanced exactly one generation: the race made siblings, not a fork of sessions.
    const { rows } = await api.db.query<{ generation: number; revoked_at: Date | null }>(
      'SELECT generation, revoked_at FROM sessions WHERE user_id = $1',
      [user.user.id],
    );
    expect(rows).toEqual([{ generation: 1, revoked_at: null }]);
    // Whichever cookie the browser ends up holding, the next refresh works.
    for (const cookie of cookies.slice(0, 5)) await refresh(api.app, cookie).expect(200);
    const last = await refresh(api.app, cookies[24]).expect(200);
    await request(api.app).get('/api/me').set(bearer(last.body.accessToken)).expect(200);
  });

  it('when 30 sessions refresh at the same moment, then each is answered with its own session and user', async () => {
    const api = await setup();
    const users: Awaited<ReturnType<typeof registerUser>>[] = [];
    for (let i = 0; i < 30; i++) users.push(await registerUser(api.app));
    const responses = await Promise.all(users.map((user) => refresh(api.app, user.refresh)));
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    responses.forEach((res, i) => {
      expect(res.body.user.id).toBe(users[i]?.user.id);
      expect(claimsOf(res.body.accessToken).sub).toBe(users[i]?.user.id);
    });
    // Each session moved one generation, and only its own.
    const { rows } = await api.db.query<{ generation: number }>('SELECT generation FROM sessions WHERE user_id = ANY($1::uuid[])', [
      users.map((u) => u.user.id),
    ]);
    expect(rows.map((r) => r.generation)).toEqual(Array(30).fill(1));
  });

  it('when the rotated cookie is lost and the old one retried within the grace, then the session stays usable', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await refresh(api.app, user.refresh).expect(200); // response "lost": its cookie never stored
    api.clock.advance(GRACE_MS - 1000);
    const retry = await refresh(api.app, user.refresh).expect(200);
    api.clock.advance(60_000);
    const next = await refresh(api.app, refreshCookieOf(retry)).expect(200);
    await request(api.app).get('/api/me').set(bearer(next.body.accessToken)).expect(200);
  });

  it('when a superseded token is replayed after the grace, then refresh_reused ends the whole session', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const rotated = await refresh(api.app, user.refresh).expect(200);
    api.clock.advance(GRACE_MS + 1000);
    const replay = await refresh(api.app, user.refresh).expect(401);
    expect(replay.body.code).toBe('refresh_reused');
    expect(replay.headers['set-cookie']?.[0]).toMatch(/^refresh_token=;/);
    // The legitimate holder is signed out too: refresh token and access tokens.
    const legit = await refresh(api.app, refreshCookieOf(rotated)).expect(401);
    expect(legit.body.code).toBe('session_revoked');
    const me = await request(api.app).get('/api/me').set(bearer(rotated.body.accessToken)).expect(401);
    expect(me.body.code).toBe('session_revoked');
    const { rows } = await api.db.query('SELECT revoked_reason FROM sessions WHERE user_id = $1', [user.user.id]);
    expect(rows).toEqual([{ revoked_reason: 'refresh_reused' }]);
  });

  it('when a superseded token is replayed after its successor was used, then it is theft even within the grace', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const first = await refresh(api.app, user.refresh).expect(200);
    await refresh(api.app, refreshCookieOf(first)).expect(200);
    const replay = await refresh(api.app, user.refresh).expect(401);
    expect(replay.body.code).toBe('refresh_reused');
  });

  it('when the grace has passed, then the previous generation is refused but the current one still rotates', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const first = await refresh(api.app, user.refresh).expect(200);
    api.clock.advance(GRACE_MS);
    // Exactly at the grace boundary the retry is still accepted...
    await refresh(api.app, user.refresh).expect(200);
    api.clock.advance(1);
    // ...one millisecond later it is a replay.
    expect((await refresh(api.app, user.refresh).expect(401)).body.code).toBe('refresh_reused');
    expect((await refresh(api.app, refreshCookieOf(first)).expect(401)).body.code).toBe('session_revoked');
  });

  it('when REFRESH_REUSE_GRACE is configured, then the configured grace is the one applied', async () => {
    const api = await createTestApi({ REFRESH_REUSE_GRACE: '2s' }, { db: await open() });
    const user = await registerUser(api.app);
    await refresh(api.app, user.refresh).expect(200);
    api.clock.advance(2500);
    expect((await refresh(api.app, user.refresh).expect(401)).body.code).toBe('refresh_reused');
  });
});
