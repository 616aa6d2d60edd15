// The web app's import boundaries, checked by `npm run lint` beside Biome. Biome's
// noRestrictedImports matches the import's text, and a relative path says nothing of the folder
// it names until it is resolved against the importing file: `../../account/api/get-me.ts` is a
// sibling feature from one file and the file's own feature from another. So the imports are
// resolved here, and each one is judged by the folders of the two files.
//
// The rules (apps/web/src):
// - a feature (features/<name>/) imports lib/, components/, config.ts, packages and its own folder;
//   never app/ and never another feature, so deleting its folder breaks only the lines that mount it;
// - lib/ and components/ import neither features nor app/;
// - only app/ (and main.tsx, the entry that starts it) composes features and imports app/;
// - the compare page's naive refresh clients (features/compare/naive-clients/) are imported by the
//   compare feature only, not even by app/, and the axios-auth-refresh package by them only: they
//   are there to be measured, never to be used. No package imports either (checkPackageImports).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'vite';

export type Violation = { file: string; specifier: string; reason: string };

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;

/** Where a file sits: its top folder under src (app, features, lib, components) or the file itself, and its feature. */
function placeOf(pathInSrc: string): { area: string; feature: string | null } {
  const [area = '', second = null] = pathInSrc.split('/');
  return { area, feature: area === 'features' ? second : null };
}

/** The folder of the naive clients, and the package only they may import. */
export const NAIVE_CLIENTS = 'features/compare/naive-clients/';
export const NAIVE_PACKAGE = 'axios-auth-refresh';
const NAIVE_REASON = 'the naive refresh clients are for the compare page only (features/compare/naive-clients/ says why)';

const isNaivePackage = (specifier: string) => specifier === NAIVE_PACKAGE || specifier.startsWith(`${NAIVE_PACKAGE}/`);

function rule(from: string, to: string): string | null {
  if (to.startsWith(NAIVE_CLIENTS) && !from.startsWith('features/compare/'))
    return `${from} may not import ${NAIVE_CLIENTS}: ${NAIVE_REASON}`;
  const source = placeOf(from);
  const target = placeOf(to);
  if (source.area === 'app' || from === 'main.tsx') return null;
  const who = source.feature ? `feature "${source.feature}"` : source.area === from ? from : `${source.area}/`;
  if (target.area === 'app') {
    return `${who} may not import app/: what it needs from the app belongs in lib/ (or components/), which app/ provides`;
  }
  if (target.feature !== null && source.feature !== target.feature) {
    return source.feature
      ? `${who} may not import feature "${target.feature}": share it through lib/ or components/, or compose the two in app/`
      : `${who} may not import feature "${target.feature}": only app/ composes features`;
  }
  return null;
}

/** The modules a file imports, statically, by re-export or dynamically with a literal path. */
export function importsOf(file: string, text: string): string[] {
  const { module } = parseSync(file, text);
  const specifiers = module.staticImports.map((entry) => entry.moduleRequest.value);
  for (const entry of module.staticExports) {
    for (const part of entry.entries) if (part.moduleRequest) specifiers.push(part.moduleRequest.value);
  }
  for (const entry of module.dynamicImports) {
    const literal = /^(['"`])([^'"`$]*)\1$/.exec(text.slice(entry.moduleRequest.start, entry.moduleRequest.end).trim());
    if (literal?.[2] !== undefined) specifiers.push(literal[2]);
  }
  return specifiers;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every import in `srcDir` that crosses a boundary; file paths are relative to `srcDir`. */
export function checkWebImports(srcDir: string): Violation[] {
  const root = resolve(srcDir);
  const violations: Violation[] = [];
  for (const path of sourceFiles(root)) {
    const from = relative(root, path).split(sep).join('/');
    for (const specifier of importsOf(path, readFileSync(path, 'utf8'))) {
      if (isNaivePackage(specifier) && !from.startsWith(NAIVE_CLIENTS)) {
        violations.push({ file: from, specifier, reason: `only ${NAIVE_CLIENTS} may import ${NAIVE_PACKAGE}: ${NAIVE_REASON}` });
      }
      // A package (or a bare alias): only relative imports can reach another folder of the app.
      if (!specifier.startsWith('.')) continue;
      const to = relative(root, resolve(dirname(path), specifier))
        .split(sep)
        .join('/');
      if (to.startsWith('../')) continue;
      const reason = rule(from, to);
      if (reason) violations.push({ file: from, specifier, reason });
    }
  }
  return violations;
}

/**
 * Every import in the packages (`packagesDir/<name>/`, sources, tests and scripts, node_modules and
 * dist aside) of the naive clients' package or of a path into `webSrcDir`'s naive-clients folder.
 * File paths are relative to `packagesDir`.
 */
export function checkPackageImports(packagesDir: string, webSrcDir: string): Violation[] {
  const root = resolve(packagesDir);
  const naive = resolve(webSrcDir, NAIVE_CLIENTS);
  const violations: Violation[] = [];
  for (const path of sourceFiles(root)) {
    const from = relative(root, path).split(sep).join('/');
    if (/(^|\/)(node_modules|dist)\//.test(from)) continue;
    for (const specifier of importsOf(path, readFileSync(path, 'utf8'))) {
      const intoNaive = specifier.startsWith('.') && `${resolve(dirname(path), specifier)}${sep}`.startsWith(naive);
      if (isNaivePackage(specifier) || intoNaive)
        violations.push({ file: from, specifier, reason: `a package may not import the naive refresh clients: ${NAIVE_REASON}` });
    }
  }
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = process.argv[2] ?? fileURLToPath(new URL('../apps/web/src', import.meta.url));
  const packagesDir = process.argv[3] ?? fileURLToPath(new URL('../packages', import.meta.url));
  const packageViolations = checkPackageImports(packagesDir, srcDir);
  for (const v of packageViolations)
    console.error(`${join(relative(process.cwd(), packagesDir), v.file)}: import '${v.specifier}': ${v.reason}`);
  if (packageViolations.length > 0) process.exitCode = 1;
  const violations = checkWebImports(srcDir);
  for (const v of violations) console.error(`${join(relative(process.cwd(), srcDir), v.file)}: import '${v.specifier}': ${v.reason}`);
  if (violations.length > 0) {
    console.error(
      `${violations.length} import(s) cross the web app's boundaries (scripts/check-web-imports.ts says which may import what).`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      'Web app import boundaries: no feature imports app/ or another feature; lib/ and components/ import neither; only the compare feature imports its naive clients, and no package does.',
    );
  }
}
