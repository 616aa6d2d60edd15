import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEPLOY_PROJECTS, TEST_PROJECTS, vitestArgs } from '../lib/commands.mjs';

const scriptsDir = fileURLToPath(new URL('..', import.meta.url));
const commandsModule = new URL('../lib/commands.mjs', import.meta.url).href;
const temporaryDirs: string[] = [];

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir() {
  const dir = mkdtempSync(join(tmpdir(), 'spa-auth-scripts-'));
  temporaryDirs.push(dir);
  return dir;
}

type Invocation = { command: string; args: string[]; options: { shell?: unknown; windowsVerbatimArguments?: boolean } };

/**
 * What the scripts would start on `platform`, read by the real cross-spawn in a fresh Node process
 * told it runs there: cross-spawn (and the `which` it uses) read the platform once, when loaded.
 */
function invocationOn(platform: NodeJS.Platform, tool: string, args: string[], env: Record<string, string>): Invocation {
  const code = `
    Object.defineProperty(process, 'platform', { value: ${JSON.stringify(platform)} });
    const { toolInvocation } = await import(${JSON.stringify(commandsModule)});
    process.stdout.write(JSON.stringify(toolInvocation(${JSON.stringify(tool)}, ${JSON.stringify(args)}, { env: process.env })));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8' }));
}

/** A directory holding a stand-in `npx` (and `npx.cmd`) that records its arguments, one JSON line a call. */
function recordingNpx() {
  const dir = temporaryDir();
  const record = join(dir, 'calls.jsonl');
  writeFileSync(
    join(dir, 'record.mjs'),
    // The arguments, and the topology switch when it is set (it changes what Playwright runs).
    `import { appendFileSync } from 'node:fs';\nconst topology = process.env.SPA_AUTH_TOPOLOGY ? ['SPA_AUTH_TOPOLOGY=' + process.env.SPA_AUTH_TOPOLOGY] : [];\nappendFileSync(process.env.RECORD_FILE, JSON.stringify([...process.argv.slice(2), ...topology]) + '\\n');\n`,
  );
  writeFileSync(join(dir, 'npx'), `#!/bin/sh\nexec "${process.execPath}" "$(dirname "$0")/record.mjs" "$@"\n`);
  chmodSync(join(dir, 'npx'), 0o755);
  writeFileSync(join(dir, 'npx.cmd'), `@"${process.execPath}" "%~dp0record.mjs" %*\r\n`);
  appendFileSync(record, '');
  return {
    dir,
    calls: () =>
      readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
    record,
  };
}

function runTestScript(args: string[], npx: ReturnType<typeof recordingNpx>, extraEnv: Record<string, string> = {}) {
  const { VITEST_JSON: _json, PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: _chromium, SPA_AUTH_TOPOLOGY: _topology, ...env } = process.env;
  execFileSync(process.execPath, [join(scriptsDir, 'test.mjs'), ...args], {
    env: {
      ...env,
      PATH: `${npx.dir}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
      RECORD_FILE: npx.record,
      ...extraEnv,
    },
    stdio: 'ignore',
  });
}

describe('toolInvocation', () => {
  const args = ['vitest', 'run', '--project', 'deploy', '--outputFile.json=C:\\ci\\vitest results & more.json'];

  it.each(['linux', 'darwin'] as const)('when the platform is %s, then npx is started directly with its arguments as given', (platform) => {
    const invocation = invocationOn(platform, 'npx', args, { PATH: process.env.PATH ?? '' });
    expect(invocation.command).toBe('npx');
    expect(invocation.args).toEqual(args);
    expect(invocation.options.shell).toBeUndefined();
    expect(invocation.options.windowsVerbatimArguments).toBeUndefined();
  });

  it('when the platform is win32, then npx.cmd runs through cmd.exe with every argument quoted and its metacharacters escaped', () => {
    const bin = temporaryDir();
    writeFileSync(join(bin, 'npx.cmd'), '@echo off\r\n');
    const invocation = invocationOn('win32', 'npx', args, { PATH: bin, PATHEXT: '.COM;.EXE;.BAT;.CMD' });
    expect(invocation.command).toBe('cmd.exe');
    expect(invocation.args).toEqual([
      '/d',
      '/s',
      '/c',
      '"npx ^"vitest^" ^"run^" ^"--project^" ^"deploy^" ^"--outputFile.json=C:\\ci\\vitest^ results^ ^&^ more.json^""',
    ]);
    // Node would otherwise quote the already escaped line a second time.
    expect(invocation.options.windowsVerbatimArguments).toBe(true);
  });
});

describe('vitestArgs', () => {
  it('when the mode is deploy, then the deploy and api-processes projects run', () => {
    expect(vitestArgs('deploy', undefined)).toEqual(['vitest', 'run', '--project', 'deploy', '--project', 'api-processes']);
  });

  it('when the mode is all, then every project of npm test runs, this one included, and deploy does not', () => {
    const args = vitestArgs('all', undefined);
    const projects = args.filter((_arg: string, i: number) => args[i - 1] === '--project');
    expect(projects).toEqual(TEST_PROJECTS);
    expect(projects).toContain('scripts');
    expect(projects).not.toContain('deploy');
    expect(projects).not.toContain('api-processes');
  });

  it('when vitest.config.ts defines a project, then npm test or npm run test:deploy runs it: none is left out', async () => {
    const { default: config } = await import('../../vitest.config.ts');
    const defined = (config.test?.projects ?? []).map((project) =>
      typeof project === 'object' && 'test' in project ? project.test?.name : undefined,
    );
    expect(defined.filter((name) => name !== undefined).sort()).toEqual([...TEST_PROJECTS, ...DEPLOY_PROJECTS].sort());
  });

  it('when a JSON report file is named, then the JSON reporter writes to it next to the default one', () => {
    expect(vitestArgs('deploy', 'out/vitest.json')).toEqual([
      'vitest',
      'run',
      '--project',
      'deploy',
      '--project',
      'api-processes',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=out/vitest.json',
    ]);
  });
});

describe('scripts/test.mjs', () => {
  it('when given deploy, then it runs npx vitest on the deploy project and then npx playwright test in topology mode', () => {
    const npx = recordingNpx();
    runTestScript(['deploy'], npx, { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/chromium' });
    expect(npx.calls()).toEqual([
      ['vitest', 'run', '--project', 'deploy', '--project', 'api-processes'],
      ['playwright', 'test', 'SPA_AUTH_TOPOLOGY=1'],
    ]);
  });

  it('when given unit, then it runs npx vitest on every project of npm test and no browser', () => {
    const npx = recordingNpx();
    runTestScript(['unit'], npx, { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/chromium' });
    expect(npx.calls()).toEqual([vitestArgs('all', undefined)]);
  });

  it('when given nothing, then it runs npx vitest on every project of npm test and then npx playwright test', () => {
    const npx = recordingNpx();
    runTestScript([], npx, { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/chromium' });
    expect(npx.calls()).toEqual([vitestArgs('all', undefined), ['playwright', 'test']]);
  });
});
