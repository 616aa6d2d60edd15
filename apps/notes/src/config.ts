import { z } from 'zod';

export type NotesConfig = {
  port: number;
  host: string;
  /** The API as this service reaches it: its JWK Set and OAuth endpoints are beneath. */
  apiUrl: string;
  jwtIssuer: string;
  audience: string;
  /** The API's ACCESS_TOKEN_TTL: a token living longer was not minted by a sign-in. */
  accessTokenTtlMs: number;
  /** The API's CLOCK_TOLERANCE. */
  clockToleranceMs: number;
  /** The service client that introspects tokens, or false (INTROSPECTION=off): tokens live until exp. */
  introspection: { clientId: string; clientSecret: string } | false;
  /** Exact origins whose pages may call the service; empty when CORS_ORIGINS=none. */
  corsOrigins: string[];
  /** PostgreSQL; undefined keeps the notes in memory. May carry a password: never printed. */
  databaseUrl: string | undefined;
  logLevel: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The API's duration syntax: `30s`, `5m`, `7d`, `250ms`, or a bare number of seconds, into milliseconds. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? 's') as keyof typeof UNIT_MS;
  const ms = Number(match[1]) * UNIT_MS[unit];
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

const duration = (fallback: string, { positive }: { positive: boolean }) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null || (positive && ms <= 0)) {
        ctx.addIssue({
          code: 'custom',
          message: positive
            ? 'must be a positive duration such as 30s, 5m or a number of seconds'
            : 'must be a duration such as 5s or a number of seconds',
        });
        return z.NEVER;
      }
      return ms;
    });

const isOrigin = (text: string): boolean => {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
};

const EnvSchema = z.object({
  PORT: z
    .string()
    .default('3002')
    .transform((text, ctx) => {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n > 65535) {
        ctx.addIssue({ code: 'custom', message: 'must be a port number from 0 to 65535' });
        return z.NEVER;
      }
      return n;
    }),
  HOST: z.string().min(1, 'must not be empty').default('localhost'),
  API_URL: z
    .string()
    .default('http://localhost:3000')
    .refine(
      (text) => /^https?:\/\//.test(text) && URL.canParse(text) && !new URL(text).search && !new URL(text).hash,
      "must be the API's URL as this service reaches it, like http://api:3000",
    ),
  JWT_ISSUER: z.string().min(1, 'must not be empty').default('spa-auth'),
  NOTES_AUDIENCE: z
    .string()
    .default('notes')
    .refine((text) => /^\S+$/.test(text), "must be one audience without spaces: this service's entry in the API's JWT_EXTRA_AUDIENCES"),
  ACCESS_TOKEN_TTL: duration('5m', { positive: true }),
  CLOCK_TOLERANCE: duration('5s', { positive: false }),
  // Secrets: the messages never quote them.
  SERVICE_CLIENT_ID: z.string().optional(),
  SERVICE_CLIENT_SECRET: z.string().optional(),
  INTROSPECTION: z.enum(['on', 'off'], 'must be on or off').default('on'),
  CORS_ORIGINS: z
    .string()
    .default('http://localhost:5173,http://localhost:4173')
    .transform((text, ctx) => {
      if (text.trim().toLowerCase() === 'none') return [];
      const list = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = list.filter((origin) => !isOrigin(origin));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be none or a comma-separated list of origins like https://app.example.com (no path, no trailing slash, no *); bad: ${bad.join(', ')}`,
        });
        return z.NEVER;
      }
      return list;
    }),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((text) => !text || /^postgres(ql)?:\/\//.test(text), 'must start with postgres:// or postgresql://'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be one of fatal, error, warn, info, debug, trace, silent')
    .default('info'),
});

/**
 * Parses and validates the environment, as the API's config does: pure, one ConfigError with one
 * line per problem, each naming its variable and never quoting a value that could be secret.
 */
export function loadNotesConfig(env: Record<string, string | undefined>): NotesConfig {
  // An empty variable means "not set", as shells and .env files commonly write it.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  // Without introspection a token of an ended session passes until it expires: off only when asked for by name.
  if (cleaned.INTROSPECTION !== 'off') {
    for (const name of ['SERVICE_CLIENT_ID', 'SERVICE_CLIENT_SECRET']) {
      if (!cleaned[name]) {
        problems.push(
          `${name} is required: an admin of the API makes the service client (POST /api/admin/service-clients); INTROSPECTION=off instead accepts tokens of ended sessions until they expire`,
        );
      }
    }
  }
  const e = parsed.data;
  if (problems.length > 0 || !e) throw new ConfigError(problems.map((problem) => `Invalid configuration: ${problem}`).join('\n'));
  return {
    port: e.PORT,
    host: e.HOST,
    apiUrl: e.API_URL,
    jwtIssuer: e.JWT_ISSUER,
    audience: e.NOTES_AUDIENCE,
    accessTokenTtlMs: e.ACCESS_TOKEN_TTL,
    clockToleranceMs: e.CLOCK_TOLERANCE,
    introspection:
      e.INTROSPECTION === 'off' ? false : { clientId: e.SERVICE_CLIENT_ID as string, clientSecret: e.SERVICE_CLIENT_SECRET as string },
    corsOrigins: e.CORS_ORIGINS,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
  };
}
