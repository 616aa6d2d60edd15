import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOpenApiDocument } from '@spa-auth/contract/openapi';
import openapiTS, { astToString } from 'openapi-typescript';
import { expect, it } from 'vitest';

// A client generated from the document, as a user of the API would make one: openapi-typescript's
// types and an openapi-fetch client over them, compiled by the repository's TypeScript. Nothing of
// it is kept in the repository; it is written under node_modules/.cache each run.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIR = join(ROOT, 'node_modules', '.cache', 'spa-auth', 'openapi-client');
// The repository's compiler, resolved from the root: openapi-typescript brings an older one of its own.
const TSC = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');

const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

const client = createClient<paths>({ baseUrl: 'http://localhost:3000', credentials: 'include' });
const csrf = { header: { 'X-Requested-With': 'XMLHttpRequest' } } as const;
const bearer = (token: string) => ({ Authorization: \`Bearer \${token}\` });

export async function signIn(email: string, password: string): Promise<string> {
  const { data, error } = await client.POST('/auth/login', { params: csrf, body: { email, password } });
  if (error) throw new Error(error.code);
  return data.accessToken;
}

export async function myAddress(accessToken: string): Promise<{ email: string; verified: boolean }> {
  const { data, error } = await client.GET('/api/me', { headers: bearer(accessToken) });
  if (error) {
    const code: components['schemas']['Problem']['code'] = error.code;
    throw new Error(code);
  }
  return { email: data.user.email, verified: data.user.emailVerified };
}

export async function endSession(accessToken: string, id: string): Promise<number> {
  const { response } = await client.DELETE('/api/sessions/{id}', { params: { path: { id } }, headers: bearer(accessToken) });
  return response.status;
}

export async function makeToken(accessToken: string): Promise<string | undefined> {
  const { data } = await client.POST('/api/tokens', {
    headers: bearer(accessToken),
    body: { name: 'ci', scopes: ['profile:read'], expiresInDays: 30 },
  });
  return data?.secret;
}

export async function mistakes(accessToken: string): Promise<unknown> {
  // @ts-expect-error: no such path
  await client.GET('/api/nothing');
  // @ts-expect-error: a login needs the password
  await client.POST('/auth/login', { params: csrf, body: { email: 'a@example.test' } });
  // @ts-expect-error: a lifetime that is not offered
  await client.POST('/api/tokens', { headers: bearer(accessToken), body: { name: 'ci', scopes: ['profile:read'], expiresInDays: 12 } });
  const { data } = await client.GET('/api/me', { headers: bearer(accessToken) });
  // @ts-expect-error: the user has no password hash
  return data?.user.passwordHash;
}
`;

it('when types are generated from the document, then an openapi-fetch client over them compiles, and wrong calls do not', async () => {
  const types = astToString(await openapiTS(createOpenApiDocument() as unknown as Parameters<typeof openapiTS>[0]));
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'api.d.ts'), types);
  writeFileSync(join(DIR, 'client.ts'), CLIENT);
  writeFileSync(join(DIR, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const compilerOptions = {
    strict: true,
    target: 'es2023',
    lib: ['es2023', 'dom'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  writeFileSync(join(DIR, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['client.ts'] }, null, 2));

  const run = spawnSync(process.execPath, [TSC, '-p', DIR, '--pretty', 'false'], { encoding: 'utf8' });
  // Each @ts-expect-error above must meet its error: with types too loose, the directive is unused.
  expect(`${run.stdout}${run.stderr}`).toBe('');
  expect(run.status).toBe(0);
  expect(types).toContain('"/api/sessions/{id}"');
});
