import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.ts';
import { type AccessTokens, createAccessTokens } from '../src/auth/access-tokens.ts';
import { createVerifiedTokenCache } from '../src/auth/token-cache.ts';
import { createManualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { bearer, createTestApi, registerUser, type TestApi, testKeys, XHR } from './support.ts';

type Json = Record<string, unknown>;

const b64 = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Json;

/** The token with one base64url character of the given part (0 header, 1 payload, 2 signature) replaced. */
function withOneCharChanged(token: string, part: 1 | 2): string {
  const parts = token.split('.');
  const text = parts[part] as string;
  // A middle character: the last one of a part may only carry padding bits that decode to the same bytes.
  const at = Math.floor(text.length / 2);
  parts[part] = `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
  return parts.join('.');
}

/** The real verifier with a manual clock, behind a cache of `max` entries, counting the real verifications. */
function cachedTokens(max = 100) {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: 'memory://', LOG_LEVEL: 'silent' });
  const clock = createManualClock(Math.floor(Date.now() / 1000) * 1000);
  const real = createAccessTokens({
    keys: testKeys(),
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    ttlMs: config.accessTokenTtlMs,
    clockToleranceMs: config.clockToleranceMs,
    clock,
  });
  const verified: string[] = [];
  const counting: AccessTokens = {
    signAccessToken: (subject) => real.signAccessToken(subject),
    verifyAccessToken(token) {
      verified.push(token);
      return real.verifyAccessToken(token);
    },
  };
  const cache = createVerifiedTokenCache(counting, { clock, max });
  const sign = () => cache.signAccessToken({ userId: crypto.randomUUID(), sessionId: crypto.randomUUID(), role: 'user' }).token;
  return { cache, clock, config, verified, sign };
}

describe('the verified-token cache', () => {
  it('when a verified token is presented again, then its claims come from the cache without verifying it again', () => {
    const { cache, verified, sign } = cachedTokens();
    const token = sign();
    const first = cache.verifyAccessToken(token);
    expect(first.ok).toBe(true);
    for (let i = 0; i < 5; i += 1) expect(cache.verifyAccessToken(token)).toEqual(first);
    expect(verified).toEqual([token]);
    expect(cache.size).toBe(1);
  });

  it('when one character of the signature or payload of a cached token is changed, then it misses the cache and is token_invalid', () => {
    const { cache, verified, sign } = cachedTokens();
    const token = sign();
    expect(cache.verifyAccessToken(token).ok).toBe(true);
    const [header, , signature] = token.split('.');
    const tampered = [
      withOneCharChanged(token, 2),
      withOneCharChanged(token, 1),
      `${header}.${b64({ ...payloadOf(token), role: 'admin' })}.${signature}`,
    ];
    for (const forged of tampered) {
      expect(forged).not.toBe(token);
      expect(cache.verifyAccessToken(forged)).toMatchObject({ ok: false, code: 'token_invalid' });
      // Asked twice: a failure is never remembered, so the real verifier refuses it every time.
      expect(cache.verifyAccessToken(forged)).toMatchObject({ ok: false, code: 'token_invalid' });
    }
    expect(verified).toEqual([token, ...tampered.flatMap((t) => [t, t])]);
    expect(cache.size).toBe(1);
    expect(cache.verifyAccessToken(token).ok).toBe(true);
    expect(verified).toHaveLength(7);
  });

  it('when the clock passes exp of a cached token, then the real verifier decides: accepted within CLOCK_TOLERANCE, token_expired beyond', () => {
    const { cache, clock, config, verified, sign } = cachedTokens();
    const token = sign();
    expect(cache.verifyAccessToken(token).ok).toBe(true);
    const exp = (payloadOf(token).exp as number) * 1000;

    clock.set(exp - 1);
    expect(cache.verifyAccessToken(token).ok).toBe(true);
    expect(verified).toHaveLength(1);

    clock.set(exp);
    expect(cache.verifyAccessToken(token).ok).toBe(true);
    expect(verified).toHaveLength(2);

    clock.set(exp + config.clockToleranceMs);
    expect(cache.verifyAccessToken(token)).toMatchObject({ ok: false, code: 'token_expired' });
    expect(cache.verifyAccessToken(token)).toMatchObject({ ok: false, code: 'token_expired' });
    expect(verified).toHaveLength(4);
    expect(cache.size).toBe(0);
  });

  it('when the clock is set back before iat of a cached token, then the real verifier refuses it as issued in the future', () => {
    const { cache, clock, config, sign } = cachedTokens();
    const token = sign();
    expect(cache.verifyAccessToken(token).ok).toBe(true);
    clock.set((payloadOf(token).iat as number) * 1000 - config.clockToleranceMs - 1000);
    expect(cache.verifyAccessToken(token)).toMatchObject({ ok: false, code: 'token_invalid' });
  });

  it('when more distinct valid tokens than max are verified, then the cache holds max and drops the least recently used', () => {
    const max = 50;
    const { cache, verified, sign } = cachedTokens(max);
    const tokens = Array.from({ length: max + 30 }, sign);
    for (const token of tokens) {
      expect(cache.verifyAccessToken(token).ok).toBe(true);
      expect(cache.size).toBeLessThanOrEqual(max);
    }
    expect(cache.size).toBe(max);
    const newest = tokens.at(-1) as string;
    const oldest = tokens[0] as string;
    expect(cache.verifyAccessToken(newest).ok).toBe(true);
    expect(cache.verifyAccessToken(oldest).ok).toBe(true);
    expect(verified.filter((t) => t === newest)).toHaveLength(1);
    expect(verified.filter((t) => t === oldest)).toHaveLength(2);
    expect(cache.size).toBe(max);
  });
});

describe('the cache behind requireAuth', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const me = (token: string, app = api.app) => request(app).get('/api/me').set(bearer(token));
  const expectRefused = (res: request.Response, code: string) => {
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(code);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="spa-auth", error="invalid_token", error_description="[^"]+"$/);
  };

  it('when GET /api/me is called again with the same token, then the ES256 verification runs only the first time', async () => {
    const user = await registerUser(api.app);
    const verify = vi.spyOn(jwt, 'verify');
    for (let i = 0; i < 4; i += 1) expect((await me(user.accessToken).expect(200)).body.user.id).toBe(user.user.id);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('when a token is tampered with right after the genuine one was cached, then 401 token_invalid', async () => {
    const user = await registerUser(api.app);
    await me(user.accessToken).expect(200);
    await me(user.accessToken).expect(200);
    expectRefused(await me(withOneCharChanged(user.accessToken, 2)), 'token_invalid');
    expectRefused(await me(withOneCharChanged(user.accessToken, 1)), 'token_invalid');
    const [header, , signature] = user.accessToken.split('.');
    const admin = `${header}.${b64({ ...payloadOf(user.accessToken), role: 'admin' })}.${signature}`;
    expectRefused(await request(api.app).get('/api/admin/users').set(bearer(admin)), 'token_invalid');
    await me(user.accessToken).expect(200);
  });

  it('when the clock passes exp plus CLOCK_TOLERANCE of a cached token, then 401 token_expired', async () => {
    const user = await registerUser(api.app);
    await me(user.accessToken).expect(200);
    await me(user.accessToken).expect(200);
    api.clock.set((payloadOf(user.accessToken).exp as number) * 1000 + api.config.clockToleranceMs + 1000);
    expectRefused(await me(user.accessToken), 'token_expired');
  });

  it('when the user logs out, then the cached token of that session gets 401 session_revoked at once', async () => {
    const user = await registerUser(api.app);
    const verify = vi.spyOn(jwt, 'verify');
    await me(user.accessToken).expect(200);
    await me(user.accessToken).expect(200);
    await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    expectRefused(await me(user.accessToken), 'session_revoked');
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('when another instance revoked the session, then this instance refuses its cached token within the 5 s bound', async () => {
    const other = createApp(api.deps);
    const user = await registerUser(api.app);
    await me(user.accessToken, other).expect(200);
    await me(user.accessToken, other).expect(200);
    await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    api.clock.advance(5_000);
    expectRefused(await me(user.accessToken, other), 'session_revoked');
  });
});
