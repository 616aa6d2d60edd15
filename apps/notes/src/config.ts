import { corsOrigins, duration, logLevel, parseEnv, port, postgresUrl, refuseProblems } from '@spa-auth/server-support';
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

const EnvSchema = z.object({
  PORT: port('3002'),
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
  ACCESS_TOKEN_TTL: duration('5m'),
  CLOCK_TOLERANCE: duration('5s', { orZero: true }),
  // Secrets: the messages never quote them.
  SERVICE_CLIENT_ID: z.string().optional(),
  SERVICE_CLIENT_SECRET: z.string().optional(),
  INTROSPECTION: z.enum(['on', 'off'], 'must be on or off').default('on'),
  CORS_ORIGINS: corsOrigins('http://localhost:5173,http://localhost:4173'),
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
});

/**
 * Parses and validates the environment with the API's variable syntax: pure, one ConfigError with
 * one line per problem, each naming its variable and never quoting a value that could be secret.
 */
export function loadNotesConfig(env: Record<string, string | undefined>): NotesConfig {
  const { env: cleaned, values: e, problems } = parseEnv(EnvSchema, env);
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
  refuseProblems(problems, e);
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
