import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The READMEs published with a package: what someone outside the repository copies from. */
const READMES = ['packages/contract/README.md', 'packages/http-client/README.md', 'packages/resource-server/README.md'];
/** Those of packages that run in Node, not in a browser: their samples see Node's globals as well. */
const NODE_READMES = new Set(['packages/resource-server/README.md']);
const NODE_TYPES = '/// <reference types="node" />\n';
const tscBin = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

type Sample = { readme: string; line: number; language: 'ts' | 'tsx'; code: string };

/** Every ```ts and ```tsx block of a Markdown text, with the line of its opening fence (1-based). */
function samplesOf(readme: string, markdown: string): Sample[] {
  const samples: Sample[] = [];
  let open: { line: number; language: 'ts' | 'tsx'; lines: string[] } | null = null;
  let inOtherBlock = false;
  for (const [index, text] of markdown.split(/\r?\n/).entries()) {
    if (open) {
      if (/^```\s*$/.test(text)) {
        samples.push({ readme, line: open.line, language: open.language, code: `${open.lines.join('\n')}\n` });
        open = null;
      } else open.lines.push(text);
      continue;
    }
    const fence = /^```(\S*)/.exec(text);
    if (!fence) continue;
    // A fence inside another language's block (a Markdown sample) opens nothing.
    if (inOtherBlock) inOtherBlock = !/^```\s*$/.test(text);
    else if (fence[1] === 'ts' || fence[1] === 'tsx') open = { line: index + 1, language: fence[1], lines: [] };
    else inOtherBlock = true;
  }
  if (open) throw new Error(`${readme}:${open.line}: the block is never closed`);
  return samples;
}

/**
 * Compiles the samples as an app that installed the packages would: each block its own module, in a
 * directory inside the repository so that `@spa-auth/*`, axios, React and TanStack Query resolve
 * from the workspace's node_modules. Answers one line per diagnostic, naming the README line.
 */
function compile(dir: string, samples: readonly Sample[]): string[] {
  const files = samples.map((sample, index) => `sample-${index + 1}.${sample.language}`);
  const prefixes = samples.map((sample) => (NODE_READMES.has(sample.readme) ? NODE_TYPES : ''));
  for (const [index, sample] of samples.entries()) writeFileSync(join(dir, files[index] as string), `${prefixes[index]}${sample.code}`);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: 'es2023',
      lib: ['es2023', 'dom'],
      module: 'esnext',
      moduleResolution: 'bundler',
      // Each block is a module of its own, so two blocks may both declare `client`.
      moduleDetection: 'force',
      jsx: 'react-jsx',
      // As Vite's templates set it: a type imported without `type` is an error a reader would meet.
      verbatimModuleSyntax: true,
      // The workspace's packages export their TypeScript sources, which import each other with `.ts`;
      // a package installed from npm exports `dist/`, where this is not needed.
      allowImportingTsExtensions: true,
      types: [],
      noEmit: true,
      skipLibCheck: true,
    },
    files,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const run = spawnSync(process.execPath, [tscBin, '-p', '.', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  const diagnostics: string[] = [];
  for (const text of output.split('\n')) {
    const located = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(text);
    if (!located) {
      // tsc continues a message on indented lines; an unindented one (a tsconfig error) stands alone.
      if (/^\s/.test(text) && diagnostics.length > 0) diagnostics[diagnostics.length - 1] += `\n    ${text.trim()}`;
      else if (text.trim()) diagnostics.push(text.trim());
      continue;
    }
    const [, file = '', line = '', column = '', message = ''] = located;
    const index = files.indexOf(file);
    const sample = samples[index];
    // The Node reference added above the block is one line the README does not have.
    const added = index >= 0 && prefixes[index] ? 1 : 0;
    diagnostics.push(
      sample
        ? `${sample.readme}:${sample.line + Number(line) - added}:${column} (the block opened at line ${sample.line}): ${message}`
        : `${relative(repoRoot, resolve(dir, file))}:${line}:${column}: ${message}`,
    );
  }
  if (run.status !== 0 && diagnostics.length === 0) diagnostics.push(`tsc exited with ${run.status}: ${output || run.error}`);
  return diagnostics;
}

// A block that must not compile, beside the READMEs' blocks in the same run: the run is shown to
// check the files and to name the README line, rather than to pass because it checked nothing.
const BROKEN_README = 'broken/README.md';
const BROKEN_MARKDOWN = [
  '# A README with one mistake',
  '',
  '```sh',
  'npm install @spa-auth/http-client axios',
  '```',
  '',
  '```ts',
  "import { createApiClient } from '@spa-auth/http-client';",
  '',
  "const client = createApiClient({ baseURL: 'https://api.example.com' });",
  'const expiresAt: string = client.getSession()?.accessTokenExpiresAt;',
  '```',
  '',
].join('\n');

describe('README samples of the published packages', () => {
  const samplesByReadme = new Map(READMES.map((readme) => [readme, samplesOf(readme, readFileSync(join(repoRoot, readme), 'utf8'))]));
  const broken = samplesOf(BROKEN_README, BROKEN_MARKDOWN);
  let diagnostics: string[] = [];
  let dir = '';

  beforeAll(() => {
    const cache = join(repoRoot, 'node_modules', '.cache', 'readme-samples');
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(join(cache, 'run-'));
    diagnostics = compile(dir, [...[...samplesByReadme.values()].flat(), ...broken]);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(READMES)('when %s is read, then it has TypeScript samples to compile', (readme) => {
    expect(samplesByReadme.get(readme)?.length).toBeGreaterThan(0);
  });

  it('when a block has a type error, then the failure names its README, line and message', () => {
    expect(broken.map(({ line, language }) => ({ line, language }))).toEqual([{ line: 7, language: 'ts' }]);
    expect(diagnostics.filter((diagnostic) => diagnostic.startsWith(BROKEN_README))).toEqual([
      expect.stringMatching(
        /^broken\/README\.md:11:7 \(the block opened at line 7\): error TS2322: Type 'number \| undefined' is not assignable to type 'string'\./,
      ),
    ]);
  });

  it('when every ts and tsx block is compiled as written (strict, DOM, React JSX), then TypeScript reports nothing', () => {
    expect(diagnostics.filter((diagnostic) => !diagnostic.startsWith(BROKEN_README))).toEqual([]);
  });
});
