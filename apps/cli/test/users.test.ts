import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiTokenOf, cliEnv, runInProcess, signUp, useRunningApi } from './support.ts';

// `users list` (admins) against the real API listening on a port, with real API tokens made the way
// the web app makes them (POST /api/tokens after a sign-in). In-process: the same code as the
// executable, whose process, exit status and streams the other files' process runs prove.

const running = useRunningApi();
const envOf = (secret: string) => cliEnv(running().url, secret);

describe('users list', () => {
  it('lists accounts for an admin token, one page or with --all every page, and --search narrows it', async () => {
    const { api } = running();
    const admin = await signUp(api, { admin: true });
    const token = await apiTokenOf(api, admin, ['admin:read']);
    // More accounts than one page (50) match the tag: rows written straight to the database, as
    // registering 55 people through the password hasher would take most of this suite's time.
    const tag = `cli-${randomUUID().slice(0, 8)}`;
    await api.db.query(
      `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at)
       SELECT gen_random_uuid(), '${tag}-' || n || '@example.test', 'Listed ' || n, 'not a hash', 'user', at, at
       -- Millisecond times, as the API writes them (a JavaScript Date): its page cursor holds milliseconds.
       FROM (SELECT n, date_trunc('milliseconds', now()) + n * interval '1 millisecond' AS at FROM generate_series(1, 55) AS n) AS numbered`,
    );

    const firstPage = await runInProcess(['users', 'list', '--search', tag], envOf(token.secret));
    expect(firstPage.code).toBe(0);
    const lines = firstPage.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +EMAIL +NAME +ROLE +VERIFIED +DISABLED +CREATED$/);
    expect(lines).toHaveLength(51);
    expect(firstPage.stderr).toBe('spa-auth: showing the first 50 users; add --all for every page\n');

    const all = await runInProcess(['users', 'list', '--search', tag, '--all', '--json'], envOf(token.secret));
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const body = JSON.parse(all.stdout) as { users: { email: string }[]; nextCursor: null };
    expect(body.nextCursor).toBeNull();
    expect(new Set(body.users.map((user) => user.email)).size).toBe(55);
    expect(body.users.every((user) => user.email.startsWith(`${tag}-`))).toBe(true);

    const none = await runInProcess(['users', 'list', '--search', `${tag}-nobody`], envOf(token.secret));
    expect(none).toMatchObject({ code: 0, stdout: 'No users match.\n' });
  });

  it("when the token's owner is not an admin, then exit 4", async () => {
    const { api } = running();
    const person = await signUp(api);
    const token = await apiTokenOf(api, person, ['profile:read']);
    const run = await runInProcess(['users', 'list'], envOf(token.secret));
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^spa-auth: this token lacks the scope admin/);
  });
});
