import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { MAX_TOKENS_PER_GENERATION } from '../src/auth/session-store.ts';
import { bearer, createTestApi, realBackends, refresh, refreshCookieOf, registerUser } from './support.ts';

// A session's refresh-token rows stay bounded however often it refreshes, and theft detection
// still recognises tokens whose rows were pruned.
const backends = await realBackends();

const FIVE_MINUTES = 300_000;
const selectorOf = (cookie: string) => cookie.split('.')[0] as string;

describe.each(backends)('bounded refresh-token storage on %s', (_name, open) => {
  const setup = async () => createTestApi({}, { db: await open() });
  const tokenRows = async (api: Awaited<ReturnType<typeof setup>>, userId: string) =>
    (
      await api.db.query<{ selector: string; generation: number }>(
        'SELECT t.selector, t.generation FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE s.user_id = $1 ORDER BY t.generation',
        [userId],
      )
    ).rows;

  it('when one session refreshes 200 times, then it keeps two token rows: the current and the previous generation', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    let cookie = user.refresh;
    for (let i = 0; i < 200; i++) {
      api.clock.advance(FIVE_MINUTES);
      cookie = refreshCookieOf(await refresh(api.app, cookie).expect(200)) as string;
    }
    const rows = await tokenRows(api, user.user.id);
    expect(rows.map((r) => r.generation)).toEqual([199, 200]);
    expect(rows[1]?.selector).toBe(selectorOf(cookie));
  });

  it('when a session rotates, then no index of sessions covers a column the rotation writes, so its row is updated in place', async () => {
    const api = await setup();
    // The columns ROTATE sets; an index over any of them (even inside an expression) rules out a
    // heap-only update and makes every refresh write into each index of the table.
    const rotated = ['generation', 'generation_tokens', 'rotated_at', 'last_used_at', 'idle_expires_at', 'user_agent'];
    const { rows } = await api.db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'sessions'");
    expect(rows.length).toBeGreaterThan(0);
    const covering = rows.filter((r) => rotated.some((c) => new RegExp(`\\b${c}\\b`).test(r.indexdef.split(' USING ')[1] ?? '')));
    expect(covering).toEqual([]);
  });

  it('when a token many generations old comes back after its row was pruned, then refresh_reused ends the session', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    let cookie = user.refresh;
    const issued = [cookie];
    for (let i = 0; i < 5; i++) {
      api.clock.advance(FIVE_MINUTES);
      const res = await refresh(api.app, cookie).expect(200);
      cookie = refreshCookieOf(res) as string;
      issued.push(cookie);
    }
    const kept = (await tokenRows(api, user.user.id)).map((r) => r.selector);
    expect(kept).not.toContain(selectorOf(issued[0] as string));
    expect(kept).not.toContain(selectorOf(issued[3] as string));

    const replay = await refresh(api.app, issued[0]).expect(401);
    expect(replay.body.code).toBe('refresh_reused');
    expect(replay.headers['set-cookie']?.[0]).toMatch(/^refresh_token=;/);
    expect((await refresh(api.app, cookie).expect(401)).body.code).toBe('session_revoked');
    const { rows } = await api.db.query('SELECT revoked_reason FROM sessions WHERE user_id = $1', [user.user.id]);
    expect(rows).toEqual([{ revoked_reason: 'refresh_reused' }]);
  });

  it('when a made-up token copies a live session family but not its proof, then it is refused and changes nothing', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const family = selectorOf(user.refresh).slice(0, 16);
    const forged = `${family}${randomBytes(4).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    expect((await refresh(api.app, forged).expect(401)).body.code).toBe('refresh_invalid');
    const { rows } = await api.db.query('SELECT revoked_at FROM sessions WHERE user_id = $1', [user.user.id]);
    expect(rows).toEqual([{ revoked_at: null }]);
    await refresh(api.app, user.refresh).expect(200);
  });

  it('when grace retries pass the per-generation cap, then the one beyond it is reuse and the rows stay bounded', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const rotated = await refresh(api.app, user.refresh).expect(200);
    for (let i = 1; i < MAX_TOKENS_PER_GENERATION; i++) await refresh(api.app, user.refresh).expect(200);
    const beyond = await refresh(api.app, user.refresh).expect(401);
    expect(beyond.body.code).toBe('refresh_reused');
    await request(api.app).get('/api/me').set(bearer(rotated.body.accessToken)).expect(401);
    const generations = (await tokenRows(api, user.user.id)).map((r) => r.generation);
    expect(generations.filter((g) => g === 1)).toHaveLength(MAX_TOKENS_PER_GENERATION);
    expect(generations).toHaveLength(MAX_TOKENS_PER_GENERATION + 1);
  });

  it('when a concurrent rotation prunes the presented row between the read and the lock, then the replay still ends the session', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    const old = user.refresh;
    api.clock.advance(FIVE_MINUTES);
    let cookie = refreshCookieOf(await refresh(api.app, old).expect(200)) as string;
    api.clock.advance(FIVE_MINUTES);
    // The old token's row is read, then two rotations prune it before this request takes the lock.
    let interleaved = false;
    const app = createApp({
      ...api.deps,
      storage: {
        ...api.storage,
        sessions: {
          ...api.storage.sessions,
          findRefreshTokens: async (selectors) => {
            const states = await api.storage.sessions.findRefreshTokens(selectors);
            if (selectors.includes(selectorOf(old)) && !interleaved) {
              interleaved = true;
              for (let i = 0; i < 2; i++) cookie = refreshCookieOf(await refresh(api.app, cookie).expect(200)) as string;
            }
            return states;
          },
        },
      },
    });
    const replay = await refresh(app, old).expect(401);
    expect(interleaved).toBe(true);
    expect(replay.body.code).toBe('refresh_reused');
    expect((await refresh(api.app, cookie).expect(401)).body.code).toBe('session_revoked');
  });

  it('when a session from before token families refreshes, then its old rows stay, its new ones are pruned, and a replay of the old token is reuse', async () => {
    const api = await setup();
    const user = await registerUser(api.app);
    // The shape every cookie had before families: 16 random bytes of selector, 32 of verifier.
    const selector = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const now = new Date(api.clock.now());
    const { passwordHash } = (await api.storage.users.findUserById(user.user.id)) as { passwordHash: string };
    const session = await api.storage.sessions.createSession({
      id: crypto.randomUUID(),
      userId: user.user.id,
      now,
      idleExpiresAt: new Date(now.getTime() + 86_400_000),
      absoluteExpiresAt: new Date(now.getTime() + 86_400_000),
      userAgent: null,
      token: { selector, verifierHash: createHash('sha256').update(verifier).digest('hex') },
      verifiedPasswordHash: passwordHash,
      amr: ['pwd'],
    });
    if (!session) throw new Error('no session');
    const legacy = `${selector}.${verifier}`;
    const first = refreshCookieOf(await refresh(api.app, legacy).expect(200)) as string;
    // A retry within the grace joins the same family, so it is pruned with it.
    const sibling = refreshCookieOf(await refresh(api.app, legacy).expect(200)) as string;
    expect(selectorOf(sibling).slice(0, 16)).toBe(selectorOf(first).slice(0, 16));
    let cookie = first;
    for (let i = 0; i < 4; i++) {
      api.clock.advance(FIVE_MINUTES);
      cookie = refreshCookieOf(await refresh(api.app, cookie).expect(200)) as string;
    }
    const { rows } = await api.db.query<{ selector: string; generation: number }>(
      'SELECT selector, generation FROM refresh_tokens WHERE session_id = $1 ORDER BY generation',
      [session.id],
    );
    expect(rows).toEqual([
      { selector, generation: 0 },
      { selector: expect.any(String), generation: 4 },
      { selector: selectorOf(cookie), generation: 5 },
    ]);
    expect((await refresh(api.app, legacy).expect(401)).body.code).toBe('refresh_reused');
    expect((await refresh(api.app, sibling).expect(401)).body.code).toBe('session_revoked');
  });
});
