import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { describe, expect, inject, it } from 'vitest';
import { openPostgresDatabase } from '../src/adapters/postgres/database.ts';
import { migrate, migrationNames } from '../src/adapters/postgres/migrate.ts';
import { createApp } from '../src/app.ts';
import { createKeySet, jwkThumbprint } from '../src/auth/keys.ts';
import { bearer, createTestApi, registerUser } from './support.ts';

// Tests written for the deliberate breakages that the rest of the suite let through
// (docs/contract-coverage.md, "Mutation checks").

type Json = Record<string, unknown>;
const b64 = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('algorithm pinning (requirement 4: ES256 only)', () => {
  // createKeySet refuses any key that is not P-256, but the pin must not rest on that alone: it must
  // come from the verifier, not from the library guessing the algorithm from whatever key the kid
  // names. So this key set is built by hand with another kind of key among the accepted ones.
  it.each<[string, string, () => { privateKey: KeyObject; publicKey: KeyObject }]>([
    ['ES384', 'sha384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
    ['RS256', 'sha256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ])('when a token is %s-signed by another key the server accepts, then 401 token_invalid', async (alg, digest, makeKey) => {
    const other = makeKey();
    const own = createKeySet(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    expect(() => createKeySet(own.signing.privateKey, [other.publicKey])).toThrow(/P-256/);
    const keys = { ...own, verifying: new Map([...own.verifying, [jwkThumbprint(other.publicKey), other.publicKey]]) };
    const app = createApp({ ...(await createTestApi()).deps, keys });
    const user = await registerUser(app);
    await request(app).get('/api/me').set(bearer(user.accessToken)).expect(200);

    // The claims of the live token, unchanged; only the algorithm and the key differ.
    const payload = JSON.parse(Buffer.from(user.accessToken.split('.')[1] as string, 'base64url').toString('utf8')) as Json;
    const input = `${b64({ alg, typ: 'at+jwt', kid: jwkThumbprint(other.publicKey) })}.${b64(payload)}`;
    const signature = sign(digest, Buffer.from(input), { key: other.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');

    const res = await request(app)
      .get('/api/me')
      .set(bearer(`${input}.${signature}`));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_invalid');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="spa-auth", error="invalid_token"/);
  });
});

describe('concurrent migrations on PostgreSQL', () => {
  it('when two migrations reach an empty database at the same moment, then one applies it, the other waits and finds it applied', async () => {
    const serverUrl = inject('postgresUrl');
    expect(serverUrl, 'this test needs PostgreSQL').toBeTruthy();
    const name = `spa_auth_migrate_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl as string });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl as string);
    url.pathname = `/${name}`;
    const holder = new pg.Client({ connectionString: url.toString() });
    const first = openPostgresDatabase(url.toString(), { max: 2 });
    const second = openPostgresDatabase(url.toString(), { max: 2 });
    try {
      // Hold both instances at the same point instead of hoping their start-ups overlap: an empty
      // schema_migrations (as migrate itself creates it) that nobody can read until this transaction ends.
      await holder.connect();
      await holder.query('CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE');
      const results = Promise.allSettled([migrate(first), migrate(second)]);
      const waiting = async () =>
        (
          await admin.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
            [name],
          )
        ).rows[0]?.n;
      await expect.poll(waiting, { timeout: 10_000, interval: 20 }).toBe(2);
      await holder.query('COMMIT');

      const settled = await results;
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      const applied = settled.map((r) => (r.status === 'fulfilled' ? r.value : null));
      const all = await migrationNames();
      expect(applied).toContainEqual(all);
      expect(applied).toContainEqual([]);
      const { rows } = await holder.query('SELECT name FROM schema_migrations');
      expect(rows).toEqual(all.map((name) => ({ name })));
    } finally {
      await holder.end().catch(() => {});
      await Promise.all([first.close(), second.close()]);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
