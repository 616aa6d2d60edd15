import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkApiImports } from '../check-api-imports.ts';

const script = fileURLToPath(new URL('../check-api-imports.ts', import.meta.url));
const apiSrc = fileURLToPath(new URL('../../apps/api/src', import.meta.url));
const temporaryDirs: string[] = [];

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A small API source tree with every kind of place, each file with the imports given. */
function sourceTree(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'spa-auth-api-imports-'));
  temporaryDirs.push(dir);
  const base: Record<string, string> = {
    'main.ts': "import { bootstrap } from './bootstrap.ts';\n",
    'bootstrap.ts': "import { createApp } from './app.ts';\nimport { open } from './adapters/postgres/index.ts';\n",
    'app.ts': "import { createReports } from './reports/routes.ts';\nimport { createAuth } from './auth/routes.ts';\n",
    'errors.ts': 'export class AppError extends Error {}\n',
    'users/users.ts': 'export type UserStore = {};\n',
    'auth/routes.ts': "import { AppError } from '../errors.ts';\nimport type { UserStore } from '../users/users.ts';\n",
    'auth/session-store.ts': 'export const MAX = 32;\n',
    'reports/routes.ts': "import { createAuth } from '../auth/routes.ts';\nimport { AppError } from '../errors.ts';\n",
    'notes/routes.ts': "import type { UserStore } from '../users/users.ts';\n",
    'adapters/postgres/index.ts': "import { users } from './users.ts';\nimport { MAX } from '../../auth/session-store.ts';\n",
    'adapters/postgres/users.ts': "import type { UserStore } from '../../users/users.ts';\n",
  };
  for (const [path, text] of Object.entries({ ...base, ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('API layers (npm run lint)', () => {
  it('when the composition, features, core and adapters import as the layers say, then nothing is reported', () => {
    expect(checkApiImports(sourceTree({}))).toEqual([]);
  });

  it('when the API as it is now is checked, then it keeps to the layers and has no cycle', () => {
    expect(checkApiImports(apiSrc)).toEqual([]);
  });

  it.each([
    [
      'a feature imports another feature',
      'notes/routes.ts',
      "import { createReports } from '../reports/routes.ts';",
      /feature "notes" may not import feature "reports"/,
    ],
    [
      'the core imports a feature',
      'auth/routes.ts',
      "import { createReports } from '../reports/routes.ts';",
      /the core sits beneath the features/,
    ],
    [
      'a feature imports app.ts',
      'reports/routes.ts',
      "import { createApp } from '../app.ts';",
      /may not import app\.ts: only bootstrap\.ts does/,
    ],
    [
      'a feature imports an adapter',
      'reports/routes.ts',
      "import { users } from '../adapters/postgres/users.ts';",
      /only bootstrap\.ts picks the adapters/,
    ],
    [
      'an adapter imports a feature',
      'adapters/postgres/users.ts',
      "import { createReports } from '../../reports/routes.ts';",
      /adapter "postgres" may import only its own folder and the ports/,
    ],
    [
      'users/ imports auth/',
      'users/users.ts',
      "import { MAX } from '../auth/session-store.ts';",
      /users\/ may not import auth\/session-store\.ts/,
    ],
  ])('when %s, then it is reported with the rule it breaks', (_what, file, line, reason) => {
    // Some of these close a cycle too, reported on its own; the rule's report is the point here.
    const violations = checkApiImports(sourceTree({ [file]: line })).filter((v) => !v.reason.startsWith('an import cycle'));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.file).toBe(file);
    expect(violations[0]?.reason).toMatch(reason);
  });

  it('when two core modules import each other, then the cycle is reported', () => {
    const violations = checkApiImports(sourceTree({ 'errors.ts': "import { createAuth } from './auth/routes.ts';\n" }));
    expect(violations.map((v) => v.reason)).toEqual(['an import cycle: auth/routes.ts -> errors.ts -> auth/routes.ts']);
  });

  it('when run as the lint step on a tree that breaks a rule, then it exits 1 and names the file and the import', () => {
    const dir = sourceTree({ 'notes/routes.ts': "import { createReports } from '../reports/routes.ts';" });
    const run = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("notes/routes.ts: import '../reports/routes.ts'");
    expect(spawnSync(process.execPath, [script, apiSrc], { encoding: 'utf8' }).status).toBe(0);
  });
});
