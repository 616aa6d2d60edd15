import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createPasswords, type Passwords } from '../src/auth/passwords.ts';
import { bearer, createTestApi, expectProblem, PASSWORD, refresh, registerUser, XHR } from './support.ts';

const NEW_PASSWORD = 'a-brand-new-password-2';

const changePassword = (app: Parameters<typeof request>[0], accessToken: string, currentPassword: string) =>
  request(app).put('/api/me/password').set(bearer(accessToken)).send({ currentPassword, newPassword: NEW_PASSWORD });

async function storedHash(api: Awaited<ReturnType<typeof createTestApi>>, userId: string) {
  const { rows } = await api.db.query<{ hash: string }>('SELECT password_hash AS hash FROM users WHERE id = $1', [userId]);
  return rows[0]?.hash;
}

/** The real password hasher, counting the checks that reach it. */
function countingPasswords(real: Passwords = createPasswords()) {
  const counted = { verifications: 0 };
  const passwords: Passwords = {
    hashPassword: (password) => real.hashPassword(password),
    verifyPassword: (hash, password) => {
      counted.verifications += 1;
      return real.verifyPassword(hash, password);
    },
  };
  return { passwords, counted };
}

describe('wrong passwords after sign-in (PUT /api/me/password)', () => {
  it('when wrong current passwords reach LOGIN_MAX_FAILURES, then 429 with Retry-After, even for the right password, until the window ends', async () => {
    const api = await createTestApi({ LOGIN_MAX_FAILURES: '5', RATE_LIMIT_WINDOW: '15m' });
    const user = await registerUser(api.app);
    const before = await storedHash(api, user.user.id);
    for (let i = 0; i < 5; i++)
      expectProblem(await changePassword(api.app, user.accessToken, `wrong-guess-${i}`), 400, 'invalid_credentials');

    const limited = await changePassword(api.app, user.accessToken, PASSWORD);
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await storedHash(api, user.user.id)).toBe(before);

    api.clock.advance(15 * 60_000 + 1000);
    // The access token has expired by now; the session goes on with a refreshed one.
    const renewed = await refresh(api.app, user.refresh).expect(200);
    await changePassword(api.app, renewed.body.accessToken, PASSWORD).expect(204);
    expect(await storedHash(api, user.user.id)).not.toBe(before);
  });

  it('when a body is invalid or the password right, then nothing counts as a failure', async () => {
    const api = await createTestApi({ LOGIN_MAX_FAILURES: '2' });
    const user = await registerUser(api.app);
    for (let i = 0; i < 4; i++) {
      const res = await request(api.app).put('/api/me/password').set(bearer(user.accessToken)).send({ currentPassword: PASSWORD });
      expectProblem(res, 400, 'validation_failed');
    }
    expectProblem(await changePassword(api.app, user.accessToken, 'wrong-guess'), 400, 'invalid_credentials');
    await changePassword(api.app, user.accessToken, PASSWORD).expect(204);
  });

  it('when wrong passwords come from one IP across several accounts, then the IP is limited at four times LOGIN_MAX_FAILURES', async () => {
    const api = await createTestApi({ LOGIN_MAX_FAILURES: '2' });
    // Four accounts, two failures each: eight in all from this IP, none of the accounts at its own limit twice over.
    for (let account = 0; account < 4; account++) {
      const user = await registerUser(api.app);
      for (let i = 0; i < 2; i++) expectProblem(await changePassword(api.app, user.accessToken, `wrong-${i}`), 400, 'invalid_credentials');
    }
    const fresh = await registerUser(api.app);
    const res = await changePassword(api.app, fresh.accessToken, PASSWORD);
    expectProblem(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when one account sends 100 wrong passwords at once, then at most LOGIN_MAX_FAILURES are checked and the rest are refused at once with 429', async () => {
    const api = await createTestApi({ LOGIN_MAX_FAILURES: '5' });
    const { passwords, counted } = countingPasswords();
    const app = createApp({ ...api.deps, passwords });
    const user = await registerUser(app);
    const before = await storedHash(api, user.user.id);
    counted.verifications = 0;

    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => changePassword(app, user.accessToken, `wrong-${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 400 && s !== 429)).toEqual([]);
    const checked = statuses.filter((s) => s === 400).length;
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(5);
    expect(counted.verifications).toBe(checked);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expectProblem(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await storedHash(api, user.user.id)).toBe(before);
    // Another user's sign-in is untouched by the flood's limits.
    const other = await registerUser(app);
    await request(app).post('/auth/login').set(XHR).send({ email: other.email, password: PASSWORD }).expect(200);
  });
});

describe('the bounded password queue', () => {
  it('when more checks are started than may wait, then the extra ones are refused at once and the others complete', async () => {
    const passwords = createPasswords({ maxPending: 3 });
    // Started in one tick: nothing can finish in between, so exactly three are taken.
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => passwords.hashPassword(`password-${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(7);
    for (const r of refused) expect((r as PromiseRejectedResult).reason.name).toBe('PasswordChecksBusyError');
    // Once they are done, there is room again.
    await expect(passwords.hashPassword('later')).resolves.toMatch(/^\$argon2id\$/);
  });

  it('when the queue is full, then login and register answer 503 service_unavailable with Retry-After, and nothing is written', async () => {
    const api = await createTestApi();
    const user = await registerUser(api.app);
    const passwords = createPasswords({ maxPending: 1 });
    const app = createApp({ ...api.deps, passwords });
    // A check that holds the one place for half a second or more: a stored hash whose parameters ask for
    // 300 passes instead of ours (argon2 reads them from the hash), so the check is slow by design.
    const normal = await passwords.hashPassword('anything');
    const slowHash = normal.replace(/,t=\d+,/, ',t=300,');
    expect(slowHash).not.toBe(normal);
    const slow = passwords.verifyPassword(slowHash, 'anything');
    try {
      const login = await request(app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD });
      expectProblem(login, 503, 'service_unavailable');
      expect(login.headers['retry-after']).toBe('1');
      const email = `queued-${user.email}`;
      const register = await request(app).post('/auth/register').set(XHR).send({ email, password: PASSWORD, name: 'Queued' });
      expectProblem(register, 503, 'service_unavailable');
      const { rows } = await api.db.query('SELECT id FROM users WHERE email = $1', [email]);
      expect(rows).toEqual([]);
    } finally {
      await slow;
    }
    await request(app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
  });
});

describe('password normalisation', () => {
  it('when a password is typed in another Unicode form, then it is the same password (NFKC)', async () => {
    const api = await createTestApi();
    // "é" precomposed (U+00E9) at registration, "e" + combining acute (U+0301) at login; and the
    // full-width digit "１" (U+FF11) for "1".
    const user = await registerUser(api.app, { password: 'caf\u00e9-password-1' });
    await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: 'cafe\u0301-password-\uff11' }).expect(200);
    await request(api.app).post('/auth/login').set(XHR).send({ email: user.email, password: 'cafe-password-1' }).expect(401);
  });
});
