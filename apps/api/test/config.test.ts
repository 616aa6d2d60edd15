import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, parseDuration } from '@spa-auth/server-support';
import { describe, expect, it } from 'vitest';
import { DEV_MFA_KEY_FILE, loadOrCreateDevMfaKey } from '../src/auth/dev-key.ts';
import { loadConfig } from '../src/config.ts';

const pem = (curve: string) =>
  generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const publicPem = (curve: string) =>
  generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** What production needs for passkeys besides the rest (requirement 2.39): the web app's origin on its RP ID. */
/** What production requires besides the signing key and CORS_ORIGINS: the passkeys' origins and the sealing key. */
const PRODUCTION_NEEDS = {
  WEBAUTHN_RP_ID: 'example.com',
  WEBAUTHN_ORIGINS: 'https://app.example.com',
  MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

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
      jwtExtraAudiences: [],
      accessTokenTtlMs: 300_000,
      refreshIdleTtlMs: 7 * 86_400_000,
      sessionMaxAgeMs: 30 * 86_400_000,
      refreshReuseGraceMs: 10_000,
      clockToleranceMs: 5_000,
      authRateLimit: 300,
      loginMaxFailures: 5,
      rateLimitWindowMs: 900_000,
      corsOrigins: ['http://localhost:5173', 'http://localhost:4173'],
      // Development on localhost over plain HTTP: no Secure, or Safari drops the cookie (rule tested below).
      cookieSecure: false,
      cookieSameSite: 'strict',
      seedDemoUsers: true,
      jwtPrivateKey: undefined,
      jwtPreviousPublicKeys: [],
    });
  });

  it('when other services accept the tokens, then JWT_EXTRA_AUDIENCES lists them once each, and a spaced value is refused by name', () => {
    expect(loadConfig({ JWT_EXTRA_AUDIENCES: ' notes, billing,notes,spa-auth-api' }).jwtExtraAudiences).toEqual(['notes', 'billing']);
    expect(() => loadConfig({ JWT_EXTRA_AUDIENCES: 'notes,two words' })).toThrow(/JWT_EXTRA_AUDIENCES/);
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

  it('when several variables are bad, then one message names every one of them, one line each', () => {
    const message = problemOf({
      ACCESS_TOKEN_TTL: 'soon',
      PORT: 'http',
      CORS_ORIGINS: 'http://ok.example,*',
      COOKIE_SAMESITE: 'sometimes',
    });
    const lines = message.split('\n');
    expect(lines).toHaveLength(4);
    for (const [index, name] of ['PORT', 'ACCESS_TOKEN_TTL', 'CORS_ORIGINS', 'COOKIE_SAMESITE'].entries()) {
      expect(lines.filter((line) => line.startsWith(`Invalid configuration: ${name} `))).toHaveLength(1);
      expect(lines[index]).toMatch(/^Invalid configuration: [A-Z_]+ /);
    }
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
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), ...PRODUCTION_NEEDS, CORS_ORIGINS: 'none' }).seedDemoUsers,
    ).toBe(false);
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
    expect(problemOf({ AUTH_RATE_LIMIT: '0' })).toContain('AUTH_RATE_LIMIT');
    expect(problemOf({ COOKIE_SECURE: 'maybe' })).toContain('COOKIE_SECURE');
  });

  it.each(['true', 'TRUE', 'yes', '0.0.0.0/0', 'loopback, ::/0'])(
    'when TRUST_PROXY is %s, which trusts any X-Forwarded-For, then it is refused on one line that says what to write instead',
    (value) => {
      const message = problemOf({ TRUST_PROXY: value });
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain('TRUST_PROXY');
      expect(message).toContain('hop count');
      expect(message).toContain('addresses');
    },
  );

  it('when TRUST_PROXY is a hop count, an address list or off, then Express gets exactly that', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.7' }).trustProxy).toBe(
      'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.7',
    );
  });

  it('when TRUST_PROXY holds something that is neither a hop count nor an address, then it is refused by name', () => {
    expect(problemOf({ TRUST_PROXY: 'nginx' })).toContain('TRUST_PROXY');
    expect(problemOf({ TRUST_PROXY: '10.0.0.0/33' })).toContain('TRUST_PROXY');
  });

  it('when NODE_ENV is production and CORS_ORIGINS is not set, then it is refused, saying to list the origins or write none', () => {
    const message = problemOf({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), ...PRODUCTION_NEEDS });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('CORS_ORIGINS is required when NODE_ENV=production');
    expect(message).toContain('none');
    // Empty counts as unset, so it cannot silently mean "none" either.
    expect(problemOf({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), ...PRODUCTION_NEEDS, CORS_ORIGINS: '' })).toContain(
      'CORS_ORIGINS is required',
    );
  });

  it('when CORS_ORIGINS is none, then no origin is trusted, in production and in development', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), ...PRODUCTION_NEEDS, CORS_ORIGINS: 'none' }).corsOrigins,
    ).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: ' None ' }).corsOrigins).toEqual([]);
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), ...PRODUCTION_NEEDS, CORS_ORIGINS: 'https://app.example' })
        .corsOrigins,
    ).toEqual(['https://app.example']);
    expect(problemOf({ CORS_ORIGINS: 'none,https://app.example' })).toContain('CORS_ORIGINS');
  });

  it('when COOKIE_SAMESITE is none, then it is refused with the reason and the same-site alternative; strict and lax stay', () => {
    for (const secure of ['true', 'false']) {
      const message = problemOf({ COOKIE_SAMESITE: 'none', COOKIE_SECURE: secure });
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain('COOKIE_SAMESITE=none');
      expect(message).toContain('third-party cookies');
      expect(message).toContain('same site');
    }
    expect(loadConfig({ COOKIE_SAMESITE: 'Lax' }).cookieSameSite).toBe('lax');
    expect(loadConfig({ COOKIE_SAMESITE: 'strict' }).cookieSameSite).toBe('strict');
    expect(problemOf({ COOKIE_SAMESITE: 'sometimes' })).toContain('must be strict or lax');
  });

  it.each(['localhost', '127.0.0.1', '127.0.0.2', '::1', '[::1]', 'app.localhost'])(
    'when NODE_ENV is development and HOST is the loopback host %s, then the cookie is not Secure by default, so Safari keeps it over http',
    (host) => {
      expect(loadConfig({ HOST: host }).cookieSecure).toBe(false);
      expect(loadConfig({ NODE_ENV: 'development', HOST: host }).cookieSecure).toBe(false);
    },
  );

  it('when the API may be reached other than over loopback, or is not in development, then the cookie is Secure by default', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).cookieSecure).toBe(true);
    expect(loadConfig({ HOST: '::' }).cookieSecure).toBe(true);
    expect(loadConfig({ HOST: 'dev.example.com' }).cookieSecure).toBe(true);
    expect(loadConfig({ HOST: '127.0.0.1.example.com' }).cookieSecure).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).cookieSecure).toBe(true);
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), ...PRODUCTION_NEEDS, CORS_ORIGINS: 'none' }).cookieSecure,
    ).toBe(true);
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), ...PRODUCTION_NEEDS, CORS_ORIGINS: 'none', HOST: '127.0.0.1' })
        .cookieSecure,
    ).toBe(true);
  });

  it('when COOKIE_SECURE is set, then it wins outside production, and false is refused in production', () => {
    expect(loadConfig({ COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0', COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    const message = problemOf({
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: pem('P-256'),
      ...PRODUCTION_NEEDS,
      CORS_ORIGINS: 'none',
      COOKIE_SECURE: 'false',
    });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('COOKIE_SECURE=false is refused when NODE_ENV=production');
    expect(message).toContain('HTTPS');
  });

  it('when SMTP_URL is not an smtp:// or smtps:// URL, then it is named and its value, which may hold a password, is not printed', () => {
    const message = problemOf({ SMTP_URL: 'http://user:hunter2-secret@mail.example.com' });
    expect(message).toContain('SMTP_URL');
    expect(message).not.toContain('hunter2-secret');
    expect(loadConfig({ SMTP_URL: 'smtps://user:pw@mail.example.com:465' }).smtpUrl).toBe('smtps://user:pw@mail.example.com:465');
  });

  it('when production sends mail, then APP_URL must be set, over https unless it is localhost', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: pem('P-256'),
      CORS_ORIGINS: 'none',
      ...PRODUCTION_NEEDS,
      SMTP_URL: 'smtp://mail.example.com:587',
    };
    expect(problemOf(production)).toContain('APP_URL is required');
    expect(problemOf({ ...production, APP_URL: 'http://app.example.com' })).toContain('APP_URL is required');
    expect(loadConfig({ ...production, APP_URL: 'https://app.example.com/' }).appUrl).toBe('https://app.example.com');
    expect(loadConfig({ ...production, APP_URL: 'http://localhost:8080' }).appUrl).toBe('http://localhost:8080');
    expect(problemOf({ APP_URL: 'app.example.com' })).toContain('APP_URL');
    expect(problemOf({ MAIL_RATE_LIMIT: '0' })).toContain('MAIL_RATE_LIMIT');
  });

  it('when WEBAUTHN_* are set, then passkeys use that relying party; production needs the origins, each on the RP ID and secure', () => {
    expect(loadConfig({}).webauthn).toEqual({
      rpId: 'localhost',
      rpName: 'spa-auth',
      origins: ['http://localhost:5173', 'http://localhost:4173'],
    });
    const custom = loadConfig({
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_RP_NAME: ' Example ',
      WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com,https://example.com',
    });
    expect(custom.webauthn).toEqual({
      rpId: 'example.com',
      rpName: 'Example',
      origins: ['https://example.com', 'https://app.example.com'],
    });

    const missing = problemOf({
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: pem('P-256'),
      CORS_ORIGINS: 'none',
      MFA_ENCRYPTION_KEY: PRODUCTION_NEEDS.MFA_ENCRYPTION_KEY,
    });
    expect(missing.split('\n')).toHaveLength(1);
    expect(missing).toContain('WEBAUTHN_ORIGINS is required when NODE_ENV=production');
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), CORS_ORIGINS: 'none', ...PRODUCTION_NEEDS }).webauthn.origins,
    ).toEqual(['https://app.example.com']);
    // A browser lets a page use only its own host or a parent of it as the RP ID.
    expect(problemOf({ WEBAUTHN_ORIGINS: 'https://app.example.com' })).toContain(
      'WEBAUTHN_ORIGINS has origins not on WEBAUTHN_RP_ID localhost (their host must be it or end with .localhost): https://app.example.com',
    );
    expect(problemOf({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://notexample.com' })).toContain('not on WEBAUTHN_RP_ID');
    expect(problemOf({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://app.example.com' })).toContain(
      'WEBAUTHN_ORIGINS must be https:// (http:// only for localhost)',
    );
    for (const origins of ['http://localhost:5173/', 'localhost', 'ftp://localhost']) {
      expect(problemOf({ WEBAUTHN_ORIGINS: origins })).toContain(`WEBAUTHN_ORIGINS must be a comma-separated list`);
    }
    for (const rpId of ['https://example.com', 'Example.com', 'example.com:443', 'example.com/']) {
      expect(problemOf({ WEBAUTHN_RP_ID: rpId })).toContain('WEBAUTHN_RP_ID must be a domain name');
    }
    expect(problemOf({ WEBAUTHN_RP_NAME: 'x'.repeat(101) })).toContain('WEBAUTHN_RP_NAME');
  });

  it('when NODE_ENV is production without MFA_ENCRYPTION_KEY, then it refuses, naming the variable and how to make one', () => {
    const { MFA_ENCRYPTION_KEY: _key, ...withoutKey } = PRODUCTION_NEEDS;
    const message = problemOf({ NODE_ENV: 'production', JWT_PRIVATE_KEY: pem('P-256'), CORS_ORIGINS: 'none', ...withoutKey });
    expect(message).toContain('MFA_ENCRYPTION_KEY is required when NODE_ENV=production');
    expect(message).toContain('npm run keygen -- --mfa');
  });

  it('when MFA_ENCRYPTION_KEY is 32 bytes of base64, then it is the key; anything else is refused by name, never echoed', () => {
    const key = randomBytes(32);
    expect(loadConfig({ MFA_ENCRYPTION_KEY: key.toString('base64') }).mfaEncryptionKey?.equals(key)).toBe(true);
    expect(loadConfig({}).mfaEncryptionKey).toBeUndefined();
    for (const bad of [randomBytes(16).toString('base64'), `${key.toString('base64')}!`, 'not a key at all']) {
      const message = problemOf({ MFA_ENCRYPTION_KEY: bad });
      expect(message).toContain('MFA_ENCRYPTION_KEY must be 32 random bytes in base64');
      expect(message).not.toContain(bad);
    }
  });

  it('when REQUIRE_MFA_FOR_ADMIN is set, then it is a boolean, off by default', () => {
    expect(loadConfig({}).requireMfaForAdmin).toBe(false);
    expect(loadConfig({ REQUIRE_MFA_FOR_ADMIN: 'yes' }).requireMfaForAdmin).toBe(true);
    expect(problemOf({ REQUIRE_MFA_FOR_ADMIN: 'sometimes' })).toContain('REQUIRE_MFA_FOR_ADMIN must be true or false');
  });

  it('when no MFA_ENCRYPTION_KEY is given in development, then one is made once and kept in DATA_DIR, readable by its owner only', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'spa-auth-mfa-key-'));
    try {
      const first = await loadOrCreateDevMfaKey(dir);
      expect(first).toHaveLength(32);
      expect((await loadOrCreateDevMfaKey(dir)).equals(first)).toBe(true);
      const file = path.join(dir, DEV_MFA_KEY_FILE);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').equals(first)).toBe(true);
      // memory:// keeps nothing: a new key each time.
      expect((await loadOrCreateDevMfaKey('memory://')).equals(await loadOrCreateDevMfaKey('memory://'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
