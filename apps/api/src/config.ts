import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import {
  commaList,
  corsOrigins,
  duration,
  isOrigin,
  logLevel,
  parseEnv,
  port,
  postgresUrl,
  refuseProblems,
} from '@spa-auth/server-support';
import { z } from 'zod';
import type { SameSite } from './auth/cookies.ts';
import { isP256 } from './auth/keys.ts';

export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  /** Undefined in development when no key is given: main.ts then keeps a generated one in dataDir. */
  jwtPrivateKey: KeyObject | undefined;
  /**
   * Public keys whose tokens are accepted in addition to the signing key's: the previous key while
   * its tokens live out their TTL, or the next key announced before it starts signing.
   */
  jwtPreviousPublicKeys: KeyObject[];
  jwtIssuer: string;
  jwtAudience: string;
  /**
   * The other services that accept this API's access tokens (resource servers built on
   * @spa-auth/resource-server): each is a value of the token's `aud` beside jwtAudience.
   */
  jwtExtraAudiences: string[];
  accessTokenTtlMs: number;
  /** Lifetime of a service client's token from POST /oauth/token (SERVICE_TOKEN_TTL). */
  serviceTokenTtlMs: number;
  refreshIdleTtlMs: number;
  sessionMaxAgeMs: number;
  refreshReuseGraceMs: number;
  /** How long an ended session (revoked, idle or absolute end) is kept before the retention job deletes it. */
  sessionRetentionMs: number;
  clockToleranceMs: number;
  authRateLimit: number;
  loginMaxFailures: number;
  /** Refreshes per session per window (requirement 7.5). */
  refreshRateLimit: number;
  rateLimitWindowMs: number;
  /** Empty when CORS_ORIGINS=none: only the API's own origin may use the cookie endpoints. */
  corsOrigins: string[];
  /** False only in development on a loopback host (or when set so outside production): see loadConfig. */
  cookieSecure: boolean;
  cookieSameSite: SameSite;
  seedDemoUsers: boolean;
  /** false, a hop count, or an address list; never true, which would trust any client's X-Forwarded-For. */
  trustProxy: false | number | string;
  logLevel: string;
  /** Undefined: no mail server, so no email flows (README, Email). May carry a password: never printed. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Where the web app is served; the links in emails point there. */
  appUrl: string;
  /** Mails of one kind per address (and four times that per IP) per RATE_LIMIT_WINDOW. */
  mailRateLimit: number;
  /** How long a security event stays in the activity log. */
  activityRetentionMs: number;
  /** How recent a password sign-in must be for a sensitive action (RFC 9470 max_age). */
  reauthMaxAgeMs: number;
  /** Requests per API token per RATE_LIMIT_WINDOW. */
  apiTokenRateLimit: number;
  /**
   * The AES-256-GCM key that encrypts second-factor secrets (32 bytes). Undefined in development
   * and test when not given: bootstrap then keeps a generated one in dataDir.
   */
  mfaEncryptionKey: Buffer | undefined;
  /** Every admin route asks an admin's browser sign-in for the second factor. */
  requireMfaForAdmin: boolean;
  /**
   * The WebAuthn relying party of passkeys: its id (a domain the web app's origins are on), the
   * name authenticators show, and the exact origins whose ceremonies are accepted.
   */
  webauthn: { rpId: string; rpName: string; origins: string[] };
};

const positiveInt = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const n = Number(text);
      if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
        ctx.addIssue({ code: 'custom', message: 'must be a whole number of at least 1' });
        return z.NEVER;
      }
      return n;
    });

/** true/false, 1/0, yes/no, on/off; null for anything else. */
function parseBoolean(text: string): boolean | null {
  const value = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  return null;
}

const boolean = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text === '') return undefined;
    const value = parseBoolean(text);
    if (value !== null) return value;
    ctx.addIssue({ code: 'custom', message: 'must be true or false' });
    return z.NEVER;
  });

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Concatenated SPKI PEM public keys. A private key is refused rather than reduced to its public
 * half: a retired signing key has no business being deployed anywhere.
 */
const publicKeyList = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (!text?.trim()) return [];
    // Same one-line .env form as JWT_PRIVATE_KEY. Messages never quote the value.
    const pem = text.replace(/\\n/g, '\n');
    const blocks = [...pem.matchAll(PEM_BLOCK)];
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (blocks.length === 0 || pem.replace(PEM_BLOCK, '').trim() !== '') {
      return fail('must be one or more PEM public keys (BEGIN PUBLIC KEY blocks) and nothing else');
    }
    const keys: KeyObject[] = [];
    for (const [index, [block, label]] of blocks.entries()) {
      const which = blocks.length > 1 ? ` (key ${index + 1} of ${blocks.length})` : '';
      if (label?.includes('PRIVATE')) {
        return fail(
          `must hold public keys only but holds a private key${which}: give its public key (npm run keygen -- --public prints it)`,
        );
      }
      if (label !== 'PUBLIC KEY') return fail(`must hold PEM public keys (BEGIN PUBLIC KEY blocks)${which}`);
      let key: KeyObject;
      try {
        key = createPublicKey(block);
      } catch {
        return fail(`holds an unreadable PEM public key${which}`);
      }
      if (!isP256(key)) return fail(`must hold EC P-256 (ES256) public keys${which}`);
      keys.push(key);
    }
    return keys;
  });

/** Whether a page on `host` may use the relying party id `rpId`: its host is it, or a subdomain of it. */
const onRpId = (host: string, rpId: string): boolean => host === rpId || host.endsWith(`.${rpId}`);

/** http://localhost:8080 and the like: a link that only works on this machine anyway. */
const isLoopbackUrl = (text: string): boolean => URL.canParse(text) && isLoopbackHost(new URL(text).hostname.replace(/^\[|\]$/g, ''));

const TRUST_PROXY_INSTEAD =
  'write the hop count of the proxies in front of the API (1 for one reverse proxy) or their addresses (loopback, 10.0.0.0/8, a comma-separated list)';

/**
 * One entry of an Express `trust proxy` address list (proxy-addr syntax): a range name, an IP, or an
 * IP with a prefix length or an IPv4 netmask. 'all' when the entry covers every address.
 */
function proxyEntry(entry: string): 'ok' | 'all' | 'bad' {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return 'ok';
  const [address = '', suffix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return 'bad';
  if (suffix === undefined) return 'ok';
  if (family === 4 && isIP(suffix) === 4) return suffix === '0.0.0.0' ? 'all' : 'ok';
  if (!/^\d+$/.test(suffix) || Number(suffix) > (family === 4 ? 32 : 128)) return 'bad';
  return Number(suffix) === 0 ? 'all' : 'ok';
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** HOST values only this machine can reach, where browsers count plain http as a secure context. */
function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = isIP(name);
  return family !== 0 && loopback.check(name, family === 4 ? 'ipv4' : 'ipv6');
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], 'must be development, production or test').default('development'),
  PORT: port('3000'),
  HOST: z.string().min(1, 'must not be empty').default('localhost'),
  DATABASE_URL: postgresUrl,
  DATA_DIR: z.string().min(1, 'must not be empty').default('.data'),
  REDIS_URL: z
    .string()
    .optional()
    .refine((text) => !text || /^rediss?:\/\//.test(text), 'must start with redis:// or rediss://'),
  SMTP_URL: z
    .string()
    .optional()
    .refine(
      (text) => !text || (/^smtps?:\/\//.test(text) && URL.canParse(text)),
      'must be a URL like smtp://user:password@mail.example.com:587 or smtps://...',
    ),
  MAIL_FROM: z.string().default('spa-auth <no-reply@localhost>'),
  APP_URL: z
    .string()
    .default('http://localhost:5173')
    .refine(
      (text) => /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(text) && URL.canParse(text),
      "must be the web app's URL, like https://app.example.com",
    )
    .transform((text) => text.replace(/\/+$/, '')),
  MAIL_RATE_LIMIT: positiveInt('3'),
  REAUTH_MAX_AGE: duration('10m'),
  ACTIVITY_RETENTION: duration('90d'),
  MFA_ENCRYPTION_KEY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return undefined;
      const value = text.trim();
      const key = Buffer.from(value, 'base64');
      // Never echo the value: it is a secret. Strict base64 only, so a typo is not quietly decoded.
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be 32 random bytes in base64 (44 characters): node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"',
        });
        return z.NEVER;
      }
      return key;
    }),
  REQUIRE_MFA_FOR_ADMIN: boolean,
  WEBAUTHN_RP_ID: z
    .string()
    .default('localhost')
    .transform((text) => text.trim())
    .refine(
      (text) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(text),
      'must be a domain name in lower case, without scheme, port or path, like example.com or localhost',
    ),
  WEBAUTHN_RP_NAME: z
    .string()
    .default('spa-auth')
    .transform((text) => text.trim())
    .refine((text) => text.length > 0 && text.length <= 100, 'must be 1 to 100 characters'),
  WEBAUTHN_ORIGINS: z
    .string()
    .default('http://localhost:5173,http://localhost:4173')
    .transform((text, ctx) => {
      const list = commaList(text);
      const bad = list.filter((o) => !isOrigin(o));
      if (list.length === 0 || bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma-separated list of the web app's origins, like https://app.example.com (no path, no trailing slash, no *)${bad.length > 0 ? `; bad: ${bad.join(', ')}` : ''}`,
        });
        return z.NEVER;
      }
      return [...new Set(list)];
    }),
  JWT_PRIVATE_KEY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return undefined;
      try {
        // .env files often carry a PEM on one line with literal \n.
        const key = createPrivateKey(text.replace(/\\n/g, '\n'));
        if (!isP256(key)) {
          ctx.addIssue({ code: 'custom', message: 'must be an EC P-256 (ES256) private key' });
          return z.NEVER;
        }
        return key;
      } catch {
        // Never echo the value: it is a secret.
        ctx.addIssue({ code: 'custom', message: 'is not a readable PEM private key' });
        return z.NEVER;
      }
    }),
  JWT_PREVIOUS_PUBLIC_KEYS: publicKeyList,
  JWT_ISSUER: z.string().min(1, 'must not be empty').default('spa-auth'),
  JWT_AUDIENCE: z.string().min(1, 'must not be empty').default('spa-auth-api'),
  JWT_EXTRA_AUDIENCES: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const list = commaList(text);
      if (list.some((audience) => /\s/.test(audience))) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of audiences without spaces, like notes,billing' });
        return z.NEVER;
      }
      return [...new Set(list)];
    }),
  ACCESS_TOKEN_TTL: duration('5m'),
  SERVICE_TOKEN_TTL: duration('5m'),
  REFRESH_IDLE_TTL: duration('7d'),
  SESSION_MAX_AGE: duration('30d'),
  REFRESH_REUSE_GRACE: duration('10s'),
  SESSION_RETENTION: duration('30d'),
  CLOCK_TOLERANCE: duration('5s', { orZero: true }),
  AUTH_RATE_LIMIT: positiveInt('300'),
  LOGIN_MAX_FAILURES: positiveInt('5'),
  REFRESH_RATE_LIMIT: positiveInt('60'),
  API_TOKEN_RATE_LIMIT: positiveInt('1000'),
  RATE_LIMIT_WINDOW: duration('15m'),
  CORS_ORIGINS: corsOrigins('http://localhost:5173,http://localhost:4173'),
  COOKIE_SECURE: boolean,
  COOKIE_SAMESITE: z
    .string()
    .default('strict')
    .transform((text, ctx): SameSite => {
      const value = text.trim().toLowerCase();
      if (value === 'strict' || value === 'lax') return value;
      ctx.addIssue({
        code: 'custom',
        message:
          value === 'none'
            ? '=none is not supported, as browsers are phasing out third-party cookies and a cross-site refresh cookie is one: serve the web app and the API on the same site (app.example.com and api.example.com, or one origin behind nginx) and use strict or lax'
            : 'must be strict or lax',
      });
      return z.NEVER;
    }),
  SEED_DEMO_USERS: boolean,
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((text, ctx): false | number | string => {
      const value = text?.trim() ?? '';
      if (!value || parseBoolean(value) === false) return false;
      if (/^\d+$/.test(value)) return Number(value);
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      // Trusting every hop makes Express take the client's own left-most X-Forwarded-For entry as
      // its address, so a client could pick a new address per request and no per-IP limit would hold.
      if (parseBoolean(value) === true)
        return fail(
          `=${value} is refused, as it trusts any client's X-Forwarded-For and turns every per-IP limit off: ${TRUST_PROXY_INSTEAD}`,
        );
      const entries = value.split(',').map((entry) => entry.trim());
      const kinds = entries.map(proxyEntry);
      if (kinds.includes('all'))
        return fail(`must not trust every address, as a /0 range turns every per-IP limit off: ${TRUST_PROXY_INSTEAD}`);
      if (kinds.includes('bad')) return fail(`is neither a hop count nor an address list: ${TRUST_PROXY_INSTEAD}`);
      return entries.join(', ');
    }),
  LOG_LEVEL: logLevel,
});

/**
 * Parses and validates the environment. Pure: no I/O, no process.env. Throws one ConfigError
 * whose message has one line per problem, names every bad variable and what to write instead, and
 * never contains a value that could be secret.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const { env: cleaned, values: e, problems } = parseEnv(EnvSchema, env);
  // Rules across variables, checked on the raw values too so that one run reports everything.
  const isProduction = cleaned.NODE_ENV === 'production';
  // WebKit neither stores nor sends Secure cookies over http://localhost (Chromium and Firefox do),
  // so the local demo leaves Secure off; anything reachable beyond this machine, and every
  // environment but development, keeps it.
  const cookieSecure = e?.COOKIE_SECURE ?? !(e?.NODE_ENV === 'development' && isLoopbackHost(e.HOST));
  // Read from the raw value too, so that a production rule is reported even when another variable failed.
  const seedDemoUsers = cleaned.SEED_DEMO_USERS ? parseBoolean(cleaned.SEED_DEMO_USERS) === true : !cleaned.DATABASE_URL && !isProduction;
  if (isProduction && !cleaned.JWT_PRIVATE_KEY) problems.push('JWT_PRIVATE_KEY is required when NODE_ENV=production');

  if (isProduction && seedDemoUsers) problems.push('SEED_DEMO_USERS must be false when NODE_ENV=production');
  // The default lists the local development origins; production would trust them without a word.
  if (isProduction && !cleaned.CORS_ORIGINS) {
    problems.push(
      "CORS_ORIGINS is required when NODE_ENV=production: list the origins the web app is served from (https://app.example.com), or write none when it is served from the API's own origin",
    );
  }
  if (isProduction && cleaned.COOKIE_SECURE && parseBoolean(cleaned.COOKIE_SECURE) === false) {
    problems.push(
      'COOKIE_SECURE=false is refused when NODE_ENV=production, as the refresh cookie would travel over plain HTTP: serve the app over HTTPS and leave COOKIE_SECURE unset',
    );
  }
  // Links in emails must not point a user at the development server.
  if (
    isProduction &&
    cleaned.SMTP_URL &&
    !(cleaned.APP_URL?.startsWith('https://') || (cleaned.APP_URL && isLoopbackUrl(cleaned.APP_URL)))
  ) {
    problems.push(
      'APP_URL is required when NODE_ENV=production and SMTP_URL is set: the https:// URL of the web app, which the links in emails point to (http:// only for localhost)',
    );
  }
  // The default lists the local development origins, where no production page is served.
  // A key of one instance's own (generated in DATA_DIR) would be shared by no other instance, and
  // lost with the container: every enrolled authenticator app would stop working.
  if (isProduction && !cleaned.MFA_ENCRYPTION_KEY) {
    problems.push(
      'MFA_ENCRYPTION_KEY is required when NODE_ENV=production: 32 random bytes in base64, the same on every instance (npm run keygen -- --mfa prints one)',
    );
  }
  if (isProduction && !cleaned.WEBAUTHN_ORIGINS) {
    problems.push(
      'WEBAUTHN_ORIGINS is required when NODE_ENV=production: list the origins the web app is served from (https://app.example.com), where passkeys are used',
    );
  }
  // A browser only lets a page use an RP ID its own host is, or ends with: anything else could never sign in.
  const offRpId = e ? e.WEBAUTHN_ORIGINS.filter((o) => !onRpId(new URL(o).hostname, e.WEBAUTHN_RP_ID)) : [];
  if (e && offRpId.length > 0) {
    problems.push(
      `WEBAUTHN_ORIGINS has origins not on WEBAUTHN_RP_ID ${e.WEBAUTHN_RP_ID} (their host must be it or end with .${e.WEBAUTHN_RP_ID}): ${offRpId.join(', ')}`,
    );
  }
  // WebAuthn needs a secure context: https, or http on the local machine only.
  const insecure = e ? e.WEBAUTHN_ORIGINS.filter((o) => o.startsWith('http://') && !isLoopbackUrl(o)) : [];
  if (e && insecure.length > 0) {
    problems.push(
      `WEBAUTHN_ORIGINS must be https:// (http:// only for localhost), as browsers offer passkeys only there: ${insecure.join(', ')}`,
    );
  }
  if (e && e.REFRESH_IDLE_TTL > e.SESSION_MAX_AGE) problems.push('REFRESH_IDLE_TTL must not be longer than SESSION_MAX_AGE');
  if (e && e.ACCESS_TOKEN_TTL > e.REFRESH_IDLE_TTL) problems.push('ACCESS_TOKEN_TTL must not be longer than REFRESH_IDLE_TTL');
  refuseProblems(problems, e);

  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    jwtPrivateKey: e.JWT_PRIVATE_KEY,
    jwtPreviousPublicKeys: e.JWT_PREVIOUS_PUBLIC_KEYS,
    jwtIssuer: e.JWT_ISSUER,
    jwtAudience: e.JWT_AUDIENCE,
    jwtExtraAudiences: e.JWT_EXTRA_AUDIENCES.filter((audience) => audience !== e.JWT_AUDIENCE),
    accessTokenTtlMs: e.ACCESS_TOKEN_TTL,
    serviceTokenTtlMs: e.SERVICE_TOKEN_TTL,
    refreshIdleTtlMs: e.REFRESH_IDLE_TTL,
    sessionMaxAgeMs: e.SESSION_MAX_AGE,
    refreshReuseGraceMs: e.REFRESH_REUSE_GRACE,
    sessionRetentionMs: e.SESSION_RETENTION,
    clockToleranceMs: e.CLOCK_TOLERANCE,
    authRateLimit: e.AUTH_RATE_LIMIT,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    refreshRateLimit: e.REFRESH_RATE_LIMIT,
    rateLimitWindowMs: e.RATE_LIMIT_WINDOW,
    corsOrigins: e.CORS_ORIGINS,
    cookieSecure,
    cookieSameSite: e.COOKIE_SAMESITE,
    seedDemoUsers,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    appUrl: e.APP_URL,
    mailRateLimit: e.MAIL_RATE_LIMIT,
    reauthMaxAgeMs: e.REAUTH_MAX_AGE,
    activityRetentionMs: e.ACTIVITY_RETENTION,
    apiTokenRateLimit: e.API_TOKEN_RATE_LIMIT,
    mfaEncryptionKey: e.MFA_ENCRYPTION_KEY,
    requireMfaForAdmin: e.REQUIRE_MFA_FOR_ADMIN ?? false,
    webauthn: { rpId: e.WEBAUTHN_RP_ID, rpName: e.WEBAUTHN_RP_NAME, origins: e.WEBAUTHN_ORIGINS },
  };
}
