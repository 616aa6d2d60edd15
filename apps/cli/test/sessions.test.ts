import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiTokenOf, cliEnv, runCli, runInProcess, signUp, useRunningApi } from './support.ts';

// `sessions list` and `sessions revoke` against the real API listening on a port, with real API
// tokens made the way the web app makes them (POST /api/tokens after a sign-in): the revoke as a
// process, the rest in-process (the same code, without a Node start-up each).

const running = useRunningApi();
const envOf = (secret: string) => cliEnv(running().url, secret);

describe('sessions', () => {
  it('lists the browser sessions, signs one out, and says 404 (exit 6) for one that is gone', async () => {
    const { api } = running();
    const person = await signUp(api);
    const token = await apiTokenOf(api, person, ['sessions:read', 'sessions:write']);

    const listed = await runInProcess(['sessions', 'list', '--json'], envOf(token.secret));
    expect(listed.code).toBe(0);
    const { sessions } = JSON.parse(listed.stdout) as { sessions: { id: string; current: boolean }[] };
    // registerUser signed in once and signUp once more: two browser sessions, neither "current" for a token.
    expect(sessions).toHaveLength(2);
    expect(sessions.every((session) => !session.current)).toBe(true);
    const [ended, kept] = sessions.map((session) => session.id) as [string, string];

    const table = await runInProcess(['sessions', 'list'], envOf(token.secret));
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +SIGNED IN +LAST USED +CURRENT +DEVICE$/);
    expect(table.stdout).toContain(ended);
    expect(table.stdout).toContain(kept);

    const revoked = await runCli(['sessions', 'revoke', ended], envOf(token.secret));
    expect(revoked).toMatchObject({ code: 0, stdout: `Signed out session ${ended}.\n`, stderr: '' });
    const after = await runInProcess(['sessions', 'list', '--json'], envOf(token.secret));
    expect((JSON.parse(after.stdout) as { sessions: { id: string }[] }).sessions.map((session) => session.id)).toEqual([kept]);

    const again = await runInProcess(['sessions', 'revoke', ended, '--json'], envOf(token.secret));
    expect(again.code).toBe(6);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(`you have no session ${ended}`);
  });

  it('when the token lacks the scope, then exit 4 naming the scope from the challenge', async () => {
    const { api } = running();
    const person = await signUp(api);
    const token = await apiTokenOf(api, person, ['profile:read']);
    const run = await runInProcess(['sessions', 'revoke', randomUUID()], envOf(token.secret));
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('this token lacks the scope sessions:write');
  });
});
