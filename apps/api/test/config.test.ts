import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { parseDuration } from '../src/duration.ts';

const pem = (curve: string) =>
  generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const publicPem = (curve: string) =>
  generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

function problemOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('when nothing is set, then the contract defaults apply', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.data',
      jwtIssuer: 'spa-auth',
      jwtAudience: 'spa-auth-api',
      accessTokenTtlMs: 300_000,
      refreshIdleTtlMs: 7 * 86_400_000,
      sessionMaxAgeMs: 30 * 86_400_000,
      refreshReuseGraceMs: 10_000,
      clockToleranceMs: 5_000,
      authRateLimit: 300,
      loginMaxFailures: 5,
      rateLimitWindowMs: 900_000,
      corsOrigins: ['http://localhost:5173', 'http://localhost:4173'],
      cookieSecure: true,
      cookieSameSite: 'strict',
      seedDemoUsers: true,
      jwtPrivateKey: undefined,
      jwtPreviousPublicKeys: [],
    });
  });

  it('when a real database is configured, then demo users default to off', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app' }).seedDemoUsers).toBe(false);
  });

  it('when durations are written ms-style or as seconds, then they parse to milliseconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('5 minutes')).toBeNull();
    expect(loadConfig({ ACCESS_TOKEN_TTL: '45' }).accessTokenTtlMs).toBe(45_000);
  });

  it('when several variables are bad, then one message names every one of them', () => {
    const message = problemOf({
      ACCESS_TOKEN_TTL: 'soon',
      PORT: 'http',
      CORS_ORIGINS: 'http://ok.example,*',
      COOKIE_SAMESITE: 'sometimes',
    });
    expect(message.split('\n')).toHaveLength(1);
    for (const name of ['ACCESS_TOKEN_TTL', 'PORT', 'CORS_ORIGINS', 'COOKIE_SAMESITE']) expect(message).toContain(name);
  });

  it('when a format error and a production rule are both broken, then both are in the one message', () => {
    const message = problemOf({ NODE_ENV: 'production', PORT: 'eighty', SEED_DEMO_USERS: 'true' });
    expect(message).toContain('PORT');
    expect(message).toContain('JWT_PRIVATE_KEY is required');
    expect(message).toContain('SEED_DEMO_USERS');
  });

  it('when an origin has a path or trailing slash, then CORS_ORIGINS is refused', () => {
    expect(problemOf({ CORS_ORIGINS: 'http://localhost:5173/' })).toContain('CORS_ORIGINS');
    expect(problemOf({ CORS_ORIGINS: 'http://localhost:5173/app' })).toContain('CORS_ORIGINS');
  });

  it('when NODE_ENV is production without JWT_PRIVATE_KEY, then it refuses, and it refuses demo users too', () => {
    expect(problemOf({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' })).toContain('JWT_PRIVATE_KEY is required');
    const message = problemOf({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), SEED_DEMO_USERS: 'true' });
    expect(message).toContain('SEED_DEMO_USERS');
    expect(loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256') }).seedDemoUsers).toBe(false);
  });

  it('when JWT_PRIVATE_KEY is not a P-256 key, then the message names it without printing it', () => {
    const wrongCurve = pem('P-384');
    const message = problemOf({ JWT_PRIVATE_KEY: wrongCurve });
    expect(message).toContain('JWT_PRIVATE_KEY');
    expect(message).not.toContain('PRIVATE KEY-----');
    const garbage = 'super-secret-value-1234567890';
    const second = problemOf({ JWT_PRIVATE_KEY: garbage });
    expect(second).toContain('JWT_PRIVATE_KEY');
    expect(second).not.toContain(garbage);
  });

  it('when the key comes on one line with literal \\n, as .env files carry it, then it is read', () => {
    const oneLine = pem('P-256').replace(/\n/g, '\\n');
    expect(loadConfig({ JWT_PRIVATE_KEY: oneLine }).jwtPrivateKey?.asymmetricKeyType).toBe('ec');
  });

  it('when JWT_PREVIOUS_PUBLIC_KEYS holds several public keys, multi-line or on one line with literal \\n, then each is read', () => {
    const [first, second] = [publicPem('P-256'), publicPem('P-256')];
    const multiLine = loadConfig({ JWT_PREVIOUS_PUBLIC_KEYS: `${first}\n${second}` }).jwtPreviousPublicKeys;
    expect(multiLine.map((key) => key.export({ type: 'spki', format: 'pem' }))).toEqual([first, second]);
    const oneLine = `${first}${second}`.trim().replace(/\n/g, '\\n');
    expect(oneLine).not.toContain('\n');
    const keys = loadConfig({ JWT_PREVIOUS_PUBLIC_KEYS: oneLine }).jwtPreviousPublicKeys;
    expect(keys.map((key) => [key.type, key.asymmetricKeyDetails?.namedCurve])).toEqual([
      ['public', 'prime256v1'],
      ['public', 'prime256v1'],
    ]);
  });

  it('when JWT_PREVIOUS_PUBLIC_KEYS is empty or blank, then no previous key is accepted', () => {
    expect(loadConfig({ JWT_PREVIOUS_PUBLIC_KEYS: '' }).jwtPreviousPublicKeys).toEqual([]);
    expect(loadConfig({ JWT_PREVIOUS_PUBLIC_KEYS: '  \n ' }).jwtPreviousPublicKeys).toEqual([]);
  });

  it.each([
    ['a damaged PEM', () => publicPem('P-256').replace(/^(-----BEGIN PUBLIC KEY-----\n)..../, '$1####'), 'unreadable'],
    ['text that is not PEM', () => 'previous-key-secret-1234567890', 'PEM public keys'],
    ['a key followed by stray text', () => `${publicPem('P-256')}stray-text-1234567890`, 'PEM public keys'],
    [
      'an RSA public key',
      () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      'P-256',
    ],
    ['a P-384 public key', () => publicPem('P-384'), 'P-256'],
    ['a private key', () => pem('P-256'), 'give its public key'],
    [
      'a SEC1 private key',
      () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
      'give its public key',
    ],
  ])('when JWT_PREVIOUS_PUBLIC_KEYS holds %s, then it is refused by name and its value is not printed', (_label, make, why) => {
    const value = make();
    const message = problemOf({ JWT_PREVIOUS_PUBLIC_KEYS: value });
    expect(message).toContain('JWT_PREVIOUS_PUBLIC_KEYS');
    expect(message).toContain(why);
    expect(message.split('\n')).toHaveLength(1);
    // No line of the value, PEM armour included, is echoed.
    for (const line of value.split('\n').filter((l) => l.length > 8)) expect(message).not.toContain(line);
  });

  it('when the second of two previous keys is bad, then the message says which one', () => {
    const message = problemOf({ JWT_PREVIOUS_PUBLIC_KEYS: `${publicPem('P-256')}${publicPem('P-384')}` });
    expect(message).toContain('JWT_PREVIOUS_PUBLIC_KEYS');
    expect(message).toContain('key 2 of 2');
  });

  it('when DATABASE_URL or REDIS_URL is malformed, then the variable is named and its value not printed', () => {
    const message = problemOf({ DATABASE_URL: 'mysql://root:hunter2@db/app', REDIS_URL: 'http://:pw@redis' });
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain('hunter2');
  });

  it('when lifetimes contradict each other, then the config is refused', () => {
    expect(problemOf({ REFRESH_IDLE_TTL: '40d' })).toContain('REFRESH_IDLE_TTL');
    expect(problemOf({ COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'false' })).toContain('COOKIE_SAMESITE=none');
    expect(problemOf({ AUTH_RATE_LIMIT: '0' })).toContain('AUTH_RATE_LIMIT');
    expect(problemOf({ COOKIE_SECURE: 'maybe' })).toContain('COOKIE_SECURE');
  });
});
