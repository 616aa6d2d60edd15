import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebImports } from '../check-web-imports.ts';

const script = fileURLToPath(new URL('../check-web-imports.ts', import.meta.url));
const webSrc = fileURLToPath(new URL('../../apps/web/src', import.meta.url));
const temporaryDirs: string[] = [];

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A small web app source tree: the folders the rules name, each file with the imports given. */
function sourceTree(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'spa-auth-web-imports-'));
  temporaryDirs.push(dir);
  const base: Record<string, string> = {
    'main.tsx': "import { AppProvider } from './app/provider.tsx';\nimport { createTimelineStore } from './features/timeline/store.ts';\n",
    'config.ts': 'export const config = {};\n',
    'app/provider.tsx': "import { useClient } from '../lib/services.tsx';\nexport const AppProvider = useClient;\n",
    'app/routes/page.tsx':
      "import { Form } from '../../features/auth/components/form.tsx';\nexport const lazy = () => import('../../features/admin/page.tsx');\n",
    'lib/services.tsx': "import type { Config } from '../config.ts';\nexport const useClient = () => null;\n",
    'components/ui/field.tsx': "import { useClient } from '../../lib/services.tsx';\n",
    'features/auth/components/form.tsx':
      "import { Field } from '../../../components/ui/field.tsx';\nimport { login } from '../api/login.ts';\nimport { z } from 'zod';\n",
    'features/auth/api/login.ts': "import { config } from '../../../config.ts';\n",
    'features/admin/page.tsx': 'export const Page = 1;\n',
    'features/timeline/store.ts': 'export const createTimelineStore = 1;\n',
  };
  for (const [path, text] of Object.entries({ ...base, ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('web import boundaries (npm run lint)', () => {
  it('when app/ composes features and features use lib/, components/, config and their own folder, then nothing is reported', () => {
    expect(checkWebImports(sourceTree({}))).toEqual([]);
  });

  it('when the app as it is now is checked, then it keeps to the boundaries', () => {
    expect(checkWebImports(webSrc)).toEqual([]);
  });

  it.each([
    [
      'a feature imports app/',
      'features/auth/components/form.tsx',
      "import { useClient } from '../../../app/provider.tsx';",
      /feature "auth" may not import app\//,
    ],
    [
      'a feature imports a sibling feature',
      'features/admin/page.tsx',
      "import { login } from '../auth/api/login.ts';",
      /feature "admin" may not import feature "auth"/,
    ],
    [
      'a feature re-exports a sibling feature',
      'features/admin/page.tsx',
      "export { login } from '../auth/api/login.ts';",
      /feature "admin" may not import feature "auth"/,
    ],
    [
      'a feature lazily imports a sibling feature',
      'features/admin/page.tsx',
      "export const f = () => import('../timeline/store.ts');",
      /feature "admin" may not import feature "timeline"/,
    ],
    [
      'lib/ imports a feature',
      'lib/services.tsx',
      "import type { Store } from '../features/timeline/store.ts';",
      /lib\/ may not import feature "timeline"/,
    ],
    [
      'components/ imports app/',
      'components/ui/field.tsx',
      "import { AppProvider } from '../../app/provider.tsx';",
      /components\/ may not import app\//,
    ],
    [
      'config.ts imports a feature',
      'config.ts',
      "import { Page } from './features/admin/page.tsx';",
      /config\.ts may not import feature "admin"/,
    ],
  ])('when %s, then the check fails naming the file and the import', (_case, file, line, reason) => {
    const dir = sourceTree({ [file]: `${line}\nexport const x = 1;\n` });
    const run = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const specifier = /(['"])([^'"]+)\1/.exec(line)?.[2];
    expect(run.stderr).toContain(`${file}: import '${specifier}'`);
    expect(run.stderr).toMatch(reason);
  });
});
