import { ConfigError } from '@spa-auth/server-support';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/src/config.ts';
import { loadNotesConfig } from '../src/config.ts';

const CLIENT = { SERVICE_CLIENT_ID: '0b6c2f3e-6d55-4a43-9a4c-3b9f0f1e2d7a', SERVICE_CLIENT_SECRET: 'spa_cs_not-a-real-secret-value' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadNotesConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n');
  }
  throw new Error('the configuration was accepted');
}

describe('the notes configuration', () => {
  it('when only the service client is given, then the documented defaults apply', () => {
    expect(loadNotesConfig(CLIENT)).toEqual({
      port: 3002,
      host: 'localhost',
      apiUrl: 'http://localhost:3000',
      jwtIssuer: 'spa-auth',
      audience: 'notes',
      accessTokenTtlMs: 300_000,
      clockToleranceMs: 5_000,
      introspection: { clientId: CLIENT.SERVICE_CLIENT_ID, clientSecret: CLIENT.SERVICE_CLIENT_SECRET },
      corsOrigins: ['http://localhost:5173', 'http://localhost:4173'],
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });

  it('when the service client is missing, then start-up is refused naming both variables, unless INTROSPECTION=off says so', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^Invalid configuration: SERVICE_CLIENT_ID is required/);
    expect(problems[1]).toMatch(/^Invalid configuration: SERVICE_CLIENT_SECRET is required/);
    expect(problemsOf({ SERVICE_CLIENT_ID: CLIENT.SERVICE_CLIENT_ID })).toEqual([
      expect.stringMatching(/SERVICE_CLIENT_SECRET is required/),
    ]);
    expect(loadNotesConfig({ INTROSPECTION: 'off' }).introspection).toBe(false);
  });

  it('when values are wrong, then every problem is reported at once, each naming its variable, and no secret is quoted', () => {
    const problems = problemsOf({
      ...CLIENT,
      PORT: 'http',
      API_URL: 'api:3000',
      ACCESS_TOKEN_TTL: '0',
      CLOCK_TOLERANCE: 'soon',
      CORS_ORIGINS: 'https://app.example.com/,*',
      DATABASE_URL: 'mysql://user:hunter2@db/notes',
      INTROSPECTION: 'maybe',
      NOTES_AUDIENCE: 'two words',
      LOG_LEVEL: 'loud',
    });
    expect(problems.map((line) => /^Invalid configuration: ([A-Z_]+) /.exec(line)?.[1]).sort()).toEqual(
      [
        'ACCESS_TOKEN_TTL',
        'API_URL',
        'CLOCK_TOLERANCE',
        'CORS_ORIGINS',
        'DATABASE_URL',
        'INTROSPECTION',
        'LOG_LEVEL',
        'NOTES_AUDIENCE',
        'PORT',
      ].sort(),
    );
    const text = problems.join('\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(CLIENT.SERVICE_CLIENT_SECRET);
  });

  it("when ACCESS_TOKEN_TTL and CLOCK_TOLERANCE are written as for the API, then they mean what they mean to the API's config", () => {
    for (const [ttl, tolerance] of [
      ['5m', '5s'],
      ['300', '0'],
      ['1h', '250ms'],
      ['90s', '1.5'],
      [' 2m ', '0s'],
    ] as const) {
      const api = loadConfig({ NODE_ENV: 'test', ACCESS_TOKEN_TTL: ttl, CLOCK_TOLERANCE: tolerance });
      const notes = loadNotesConfig({ ...CLIENT, ACCESS_TOKEN_TTL: ttl, CLOCK_TOLERANCE: tolerance });
      expect([notes.accessTokenTtlMs, notes.clockToleranceMs]).toEqual([api.accessTokenTtlMs, api.clockToleranceMs]);
    }
  });

  it('when CORS_ORIGINS is none, then no origin is allowed', () => {
    expect(loadNotesConfig({ ...CLIENT, CORS_ORIGINS: 'none' }).corsOrigins).toEqual([]);
  });
});
