import type { Express } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/adapters/postgres/database.ts';
import { bearer, createTestApi, realBackends, refresh, refreshCookieOf, registerUser, withCountedRefreshLookups, XHR } from './support.ts';

// A sibling subdomain of a shared parent domain can set refresh_token with Domain=.parent, or with a
// longer Path so the browser sends it first. These requests carry what such a browser sends.
const backends = await realBackends();

// Well-formed, so each one costs a lookup; no session has these selectors.
const garbage = (c: string) => `${c.repeat(22)}.${'b'.repeat(43)}`;
const GARBAGE = garbage('a');
const cookies = (...values: string[]) => values.map((v) => `refresh_token=${v}`).join('; ');
const refreshWith = (app: Express, header: string) => request(app).post('/auth/refresh').set(XHR).set('Cookie', header);
const logoutWith = (app: Express, header: string) => request(app).post('/auth/logout').set(XHR).set('Cookie', header).expect(204);

async function sessionOf(db: Database, userId: string) {
  const { rows } = await db.query<{ generation: number; revoked_reason: string | null }>(
    'SELECT generation, revoked_reason FROM sessions WHERE user_id = $1',
    [userId],
  );
  return rows;
}

describe.each(backends)('several refresh cookies on %s', (_name, open) => {
  const setup = async () => createTestApi({}, { db: await open() });

  it('when a garbage cookie is planted before or after the real one, then the real one refreshes and nothing is cleared', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const first = await refreshWith(api.app, cookies(GARBAGE, user.refresh)).expect(200);
    const rotated = refreshCookieOf(first) as string;
    expect(rotated).not.toBe(user.refresh);
    const second = await refreshWith(api.app, cookies(rotated, 'garbage')).expect(200);
    await request(api.app).get('/api/me').set(bearer(second.body.accessToken)).expect(200);
    expect(await sessionOf(api.db, user.user.id)).toEqual([{ generation: 2, revoked_reason: null }]);
  });

  it('when a planted cookie names a live session of another account, then refresh_conflict, nothing cleared and neither session touched', async () => {
    const api = await setup();
    const victim = await registerUser(api.app);
    const attacker = await registerUser(api.app);
    for (const header of [cookies(attacker.refresh, victim.refresh), cookies(victim.refresh, attacker.refresh)]) {
      const res = await refreshWith(api.app, header).expect(401);
      expect(res.body.code).toBe('refresh_conflict');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await sessionOf(api.db, victim.user.id)).toEqual([{ generation: 0, revoked_reason: null }]);
    expect(await sessionOf(api.db, attacker.user.id)).toEqual([{ generation: 0, revoked_reason: null }]);
    // The victim's own cookie was kept, and still works once the planted one is gone.
    const own = await refresh(api.app, victim.refresh).expect(200);
    expect(own.body.user.id).toBe(victim.user.id);
  });

  it('when the planted cookie names an ended session, then it is ignored and the real one refreshes', async () => {
    const api = await setup();
    const victim = await registerUser(api.app);
    const attacker = await registerUser(api.app);
    await logoutWith(api.app, cookies(attacker.refresh));
    const res = await refreshWith(api.app, cookies(attacker.refresh, victim.refresh)).expect(200);
    expect(res.body.user.id).toBe(victim.user.id);
  });

  it('when two cookies of one session arrive, then its newest token is used and the older one does not count as reuse', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const current = refreshCookieOf(await refresh(api.app, user.refresh).expect(200)) as string;
    api.clock.advance(60_000);
    const res = await refreshWith(api.app, cookies(user.refresh, current)).expect(200);
    expect(res.body.user.id).toBe(user.user.id);
    expect(await sessionOf(api.db, user.user.id)).toEqual([{ generation: 2, revoked_reason: null }]);
  });

  it('when no cookie names a session, then the answer is that of a single bad cookie', async () => {
    const api = await setup();
    const res = await refreshWith(api.app, cookies(GARBAGE, 'x')).expect(401);
    expect(res.body.code).toBe('refresh_invalid');
    expect(res.headers['set-cookie']?.[0]).toMatch(/^refresh_token=;/);
  });

  it('when more than four distinct refresh cookies arrive, then refresh_conflict without a single lookup', async () => {
    const api = await setup();
    const { app, lookups } = withCountedRefreshLookups(api);
    const user = await registerUser(app);
    const res = await refreshWith(app, cookies(garbage('c'), garbage('d'), garbage('e'), garbage('f'), user.refresh)).expect(401);
    expect(res.body.code).toBe('refresh_conflict');
    expect(lookups()).toBe(0);
    // Four are still read, and the real one among them wins.
    await refreshWith(app, cookies(garbage('c'), garbage('d'), garbage('e'), user.refresh)).expect(200);
    expect(lookups()).toBe(4);
  });

  it('when logout carries a planted cookie before the real one, then the real session ends all the same', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    await logoutWith(api.app, cookies(GARBAGE, user.refresh));
    expect(await sessionOf(api.db, user.user.id)).toEqual([{ generation: 0, revoked_reason: 'logout' }]);
    await request(api.app).get('/api/me').set(bearer(user.accessToken)).expect(401);
  });

  it("when logout carries the user's cookie and a planted live one, then both sessions end", async () => {
    const api = await setup();
    const victim = await registerUser(api.app);
    const attacker = await registerUser(api.app);
    await logoutWith(api.app, cookies(attacker.refresh, victim.refresh));
    expect(await sessionOf(api.db, victim.user.id)).toEqual([{ generation: 0, revoked_reason: 'logout' }]);
    expect(await sessionOf(api.db, attacker.user.id)).toEqual([{ generation: 0, revoked_reason: 'logout' }]);
  });
});
