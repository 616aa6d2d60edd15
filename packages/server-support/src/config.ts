import { z } from 'zod';

/** A configuration the service cannot start with; its message has one line per problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `30s`, `5m`, `7d`, `250ms`, or a bare number of seconds, into milliseconds. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? 's') as keyof typeof UNIT_MS;
  const ms = Number(match[1]) * UNIT_MS[unit];
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/**
 * A duration variable in milliseconds: more than zero (a lifetime, a window), or with `orZero` zero
 * too (a clock tolerance).
 */
export const duration = (fallback: string, { orZero = false } = {}) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null || (!orZero && ms <= 0)) {
        ctx.addIssue({
          code: 'custom',
          message: orZero
            ? 'must be a duration such as 5s or a number of seconds'
            : 'must be a positive duration such as 30s, 5m, 7d or a number of seconds',
        });
        return z.NEVER;
      }
      return ms;
    });

/** PORT: 0 (any free port) to 65535. */
export const port = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n > 65535) {
        ctx.addIssue({ code: 'custom', message: 'must be a port number from 0 to 65535' });
        return z.NEVER;
      }
      return n;
    });

/** DATABASE_URL: a PostgreSQL server, or unset. May carry a password, so no message quotes it. */
export const postgresUrl = z
  .string()
  .optional()
  .refine((text) => !text || /^postgres(ql)?:\/\//.test(text), 'must start with postgres:// or postgresql://');

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be one of fatal, error, warn, info, debug, trace, silent')
  .default('info');

/** An origin as browsers send it: http(s), host, port if any, and nothing after. */
export const isOrigin = (text: string): boolean => {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
};

/** Splits a comma-separated variable, dropping blanks. */
export const commaList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** CORS_ORIGINS: exact origins whose pages may call the service, or the word none. */
export const corsOrigins = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      // A word, not an empty value: empty counts as unset, and unset must not mean "none" in
      // development (the demo needs its two origins) nor pass unnoticed in production.
      if (text.trim().toLowerCase() === 'none') return [];
      const list = commaList(text);
      const bad = list.filter((origin) => !isOrigin(origin));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be none or a comma-separated list of origins like https://app.example.com (no path, no trailing slash, no *); bad: ${bad.join(', ')}`,
        });
        return z.NEVER;
      }
      return list;
    });

/**
 * Parses the environment with a schema of its variables. Pure: no I/O, no process.env. An empty
 * variable means "not set", as shells and .env files commonly write it. `problems` has one line
 * per issue naming its variable; the caller adds its rules across variables, checked on `env`
 * (the raw values) too so that one run reports everything, then calls `refuseProblems`.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>) {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const parsed = schema.safeParse(cleaned);
  // A message that starts with '=' continues the variable's name: "COOKIE_SAMESITE=none is ...".
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0])}${issue.message.startsWith('=') ? '' : ' '}${issue.message}`);
  return { env: cleaned, values: parsed.data, problems };
}

/** Throws one ConfigError naming every problem, one line each so that each reads on its own in a log. */
export function refuseProblems<T>(problems: readonly string[], values: T | undefined): asserts values is T {
  if (problems.length > 0 || values === undefined) {
    throw new ConfigError(problems.map((problem) => `Invalid configuration: ${problem}`).join('\n'));
  }
}
