import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPackageImports, checkWebImports } from '../check-web-imports.ts';

const script = fileURLToPath(new URL('../check-web-imports.ts', import.meta.url));
const webSrc = fileURLToPath(new URL('../../apps/web/src', import.meta.url));
const temporaryDirs: string[] = [];
const relativeTo = (from: string, to: string) => relative(from, to).split('\\').join('/');

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
    'features/compare/page.tsx': "import { createQueueClient } from './naive-clients/index.ts';\n",
    'features/compare/naive-clients/index.ts':
      "import { createAuthRefresh } from 'axios-auth-refresh';\nexport const createQueueClient = 1;\n",
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
      'app/ imports the naive clients',
      'app/routes/page.tsx',
      "import { createQueueClient } from '../../features/compare/naive-clients/index.ts';",
      /app\/routes\/page\.tsx may not import features\/compare\/naive-clients\//,
    ],
    [
      'main.tsx imports the naive clients',
      'main.tsx',
      "import { createQueueClient } from './features/compare/naive-clients/index.ts';",
      /main\.tsx may not import features\/compare\/naive-clients\//,
    ],
    [
      'the compare feature outside naive-clients imports axios-auth-refresh',
      'features/compare/page.tsx',
      "import { createAuthRefresh } from 'axios-auth-refresh';",
      /only features\/compare\/naive-clients\/ may import axios-auth-refresh/,
    ],
  ])('when %s, then the check names it (the naive clients are for the compare page only)', (_case, file, line, reason) => {
    const violations = checkWebImports(sourceTree({ [file]: `${line}\nexport const x = 1;\n` }));
    expect(violations).toEqual([expect.objectContaining({ file, reason: expect.stringMatching(reason) })]);
  });

  it('when a package imports the naive clients or axios-auth-refresh, then the check names each; other imports pass', () => {
    const web = sourceTree({});
    const packages = mkdtempSync(join(tmpdir(), 'spa-auth-packages-'));
    temporaryDirs.push(packages);
    const naivePath = join(web, 'features/compare/naive-clients/index.ts').split('\\').join('/');
    const files: Record<string, string> = {
      'http-client/src/client.ts': "import axios from 'axios';\nimport { createAuthRefresh } from 'axios-auth-refresh';\n",
      'http-client/test/unit/naive.test.ts': `import { createQueueClient } from '${relativeTo(join(packages, 'http-client/test/unit'), naivePath)}';\n`,
      'contract/src/index.ts': "export * from './wire.ts';\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(packages, path)), { recursive: true });
      writeFileSync(join(packages, path), text);
    }
    expect(checkPackageImports(packages, web).map((v) => [v.file, v.specifier])).toEqual([
      ['http-client/src/client.ts', 'axios-auth-refresh'],
      ['http-client/test/unit/naive.test.ts', relativeTo(join(packages, 'http-client/test/unit'), naivePath)],
    ]);
    expect(checkPackageImports(fileURLToPath(new URL('../../packages', import.meta.url)), webSrc)).toEqual([]);
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
