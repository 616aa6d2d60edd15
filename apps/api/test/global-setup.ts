import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A throwaway database on the real PostgreSQL server, or null when explicitly opted out. */
    postgresUrl: string | null;
  }
}

const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates one throwaway database on the real PostgreSQL server for this run and drops it after.
 * PostgreSQL is part of `npm test`: an unreachable server fails the run with a message saying how
 * to start it, unless SPA_AUTH_SKIP_POSTGRES=1 says out loud that this machine has none.
 */
export default async function setup(project: TestProject) {
  if (process.env.SPA_AUTH_SKIP_POSTGRES === '1') {
    console.warn('SPA_AUTH_SKIP_POSTGRES=1: the PostgreSQL suites do not run. CI never sets this.');
    project.provide('postgresUrl', null);
    return;
  }
  const name = `spa_auth_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${SERVER_URL.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message}). ` +
        'Start it, point TEST_POSTGRES_URL at a server, or set SPA_AUTH_SKIP_POSTGRES=1 to leave those suites out.',
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  project.provide('postgresUrl', url.toString());

  return async () => {
    const cleanup = new pg.Client({ connectionString: SERVER_URL });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  };
}
