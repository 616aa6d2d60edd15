import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { PASSWORD, registerUser, type TestApi, XHR } from '../../api/test/support.ts';
import { type CliIo, runCli as runCliInProcess } from '../src/cli.ts';

export { listening, type RunningApi, useRunningApi } from '../../api/test/support.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export type CliRun = { code: number | null; stdout: string; stderr: string };

/**
 * The CLI as a user runs it: `node src/main.ts` in its own process, with only the environment
 * given here (and PATH), so the developer's own SPA_AUTH_TOKEN never leaks into a test.
 */
export async function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * The same command line run inside the test process (src/cli.ts, which main.ts calls): for the many
 * small cases of argument handling, where a process start each would cost seconds in all.
 */
export async function runInProcess(args: readonly string[], env: Record<string, string> = {}, io: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCliInProcess(args, env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    ...io,
  });
  return { code, stdout, stderr };
}

/** The environment a script would run the CLI with. */
export function cliEnv(apiUrl: string, secret: string): Record<string, string> {
  return { SPA_AUTH_TOKEN: secret, SPA_AUTH_API_URL: apiUrl };
}

export type Person = { id: string; email: string; name: string; accessToken: string };

/** A new account, signed in in a browser's way (POST /auth/login): its fresh access token can make API tokens. */
export async function signUp(api: TestApi, options: { admin?: boolean; name?: string } = {}): Promise<Person> {
  const registered = await registerUser(api.app, { name: options.name ?? 'CLI User' });
  if (options.admin) {
    await api.db.query("UPDATE users SET role = 'admin', email_verified_at = now() WHERE id = $1", [registered.user.id]);
  }
  const session = await request(api.app).post('/auth/login').set(XHR).send({ email: registered.email, password: PASSWORD }).expect(200);
  return { id: registered.user.id, email: registered.email, name: registered.user.name, accessToken: session.body.accessToken as string };
}

/** A real API token of `person` (POST /api/tokens with their browser sign-in), with these scopes. */
export async function apiTokenOf(api: TestApi, person: Person, scopes: readonly string[]): Promise<{ id: string; secret: string }> {
  const res = await request(api.app)
    .post('/api/tokens')
    .set({ Authorization: `Bearer ${person.accessToken}` })
    .send({ name: `cli test ${scopes.join(' ')}`, scopes, expiresInDays: 7 })
    .expect(201);
  return { id: res.body.token.id as string, secret: res.body.secret as string };
}
