import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiTokenChecksum as checksumOf } from '@spa-auth/contract/wire';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiTokenOf, cliEnv, runCli, runInProcess, signUp, useRunningApi } from './support.ts';

// `me` and the token that does not get through, run as a process against the real API listening on
// a port, with real API tokens made the way the web app makes them (POST /api/tokens after a sign-in).

const running = useRunningApi();
const envOf = (secret: string) => cliEnv(running().url, secret);

describe('me', () => {
  it('prints the account as labelled fields, and with --json the API answer itself; never the token', async () => {
    const { api } = running();
    const person = await signUp(api, { name: 'Ada Lovelace' });
    const token = await apiTokenOf(api, person, ['profile:read']);

    const human = await runCli(['me'], envOf(token.secret));
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toMatch(/^Name {6}Ada Lovelace$/m);
    expect(human.stdout).toContain(`Email     ${person.email}`);
    expect(human.stdout).toMatch(/^Role {6}user$/m);
    expect(human.stdout).toContain(`ID        ${person.id}`);

    const json = await runInProcess(['me', '--json'], envOf(token.secret));
    expect(json.code).toBe(0);
    const direct = await request(api.app)
      .get('/api/me')
      .set({ Authorization: `Bearer ${token.secret}` })
      .expect(200);
    expect(JSON.parse(json.stdout)).toEqual(direct.body);
    for (const run of [human, json]) expect(run.stdout + run.stderr).not.toContain(token.secret.slice(8));
  });

  it('reads the token from the first line of --token-file, trimmed', async () => {
    const { api } = running();
    const person = await signUp(api);
    const token = await apiTokenOf(api, person, ['profile:read']);
    const file = join(tmpdir(), `spa-auth-cli-token-${randomUUID()}`);
    await writeFile(file, `  ${token.secret}  \nsecond line\n`, { mode: 0o600 });
    const run = await runInProcess(['me', '--json', '--token-file', file], { SPA_AUTH_API_URL: running().url });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).user.id).toBe(person.id);
  });
});

describe('a refused token', () => {
  it('when the token is well formed but unknown, then exit 3: the token was refused', async () => {
    const random = 'Zz9'.repeat(14).concat('Q');
    const run = await runInProcess(['me'], envOf(`spa_pat_${random}${checksumOf(random)}`));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^spa-auth: the token was refused: .+ \(expired, revoked or wrong; make a new one on the API tokens page\)\n$/,
    );
    expect(run.stderr).not.toContain(random);
  });

  it('when the token was revoked by its owner, then exit 3', async () => {
    const { api } = running();
    const person = await signUp(api);
    const token = await apiTokenOf(api, person, ['profile:read']);
    expect((await runInProcess(['me'], envOf(token.secret))).code).toBe(0);
    await request(api.app)
      .delete(`/api/tokens/${token.id}`)
      .set({ Authorization: `Bearer ${person.accessToken}` })
      .expect(204);
    const run = await runInProcess(['me'], envOf(token.secret));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('the token was refused');
  });
});
