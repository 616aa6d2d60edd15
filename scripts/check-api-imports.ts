// The API's layers, checked by `npm run lint` beside Biome, as scripts/check-web-imports.ts checks
// the web app's: every relative import in apps/api/src is resolved and judged by the places of the
// two files, and the import graph must have no cycle.
//
// The places (apps/api/src):
// - the composition: main.ts (environment, listening) -> bootstrap.ts (opens what the config names)
//   -> app.ts (mounts the features). Only main.ts imports bootstrap.ts, only bootstrap.ts app.ts;
// - adapters/<name>/: the ports' implementations (PostgreSQL, SMTP). Only bootstrap.ts imports an
//   adapter; an adapter imports its own folder and the modules that declare the ports it implements;
// - the core: auth/, users/, email-links/, mail/, http/ and the files beside app.ts. It never imports
//   a feature, the composition or an adapter; users/ sits beneath auth/ and the rest of the core;
// - a feature: every other folder (account/, sessions/, admin/, ...). It imports the core, never
//   another feature, so deleting its folder breaks only its line in app.ts.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importsOf, sourceFiles, type Violation } from './check-web-imports.ts';

const COMPOSITION = ['main.ts', 'bootstrap.ts', 'app.ts'];
const CORE = ['auth', 'users', 'email-links', 'mail', 'http'];
/** The modules that declare ports, which adapters implement. */
const PORTS = [
  'users/users.ts',
  'auth/session-store.ts',
  'email-links/email-links.ts',
  'mail/outbox.ts',
  'activity/activity.ts',
  'api-tokens/api-tokens.ts',
  'service-clients/service-clients.ts',
  'second-factor/second-factor-store.ts',
  'passkeys/passkey-store.ts',
];
/** Who may import each composition file. */
const IMPORTED_BY: Record<string, string> = { 'bootstrap.ts': 'main.ts', 'app.ts': 'bootstrap.ts' };

type Place = { kind: 'composition' | 'adapter' | 'core' | 'feature'; name: string };

function placeOf(path: string): Place {
  const [top = '', second = ''] = path.split('/');
  if (COMPOSITION.includes(path)) return { kind: 'composition', name: path };
  if (top === 'adapters') return { kind: 'adapter', name: second };
  if (!path.includes('/') || CORE.includes(top)) return { kind: 'core', name: path.includes('/') ? top : path };
  return { kind: 'feature', name: top };
}

function rule(from: string, to: string): string | null {
  const source = placeOf(from);
  const target = placeOf(to);
  const who = source.kind === 'feature' ? `feature "${source.name}"` : source.kind === 'adapter' ? `adapter "${source.name}"` : from;
  if (target.kind === 'composition') {
    return IMPORTED_BY[to] === from ? null : `${who} may not import ${to}: only ${IMPORTED_BY[to] ?? 'nothing'} does`;
  }
  if (target.kind === 'adapter') {
    if (from === 'bootstrap.ts' || (source.kind === 'adapter' && source.name === target.name)) return null;
    return `${who} may not import adapter "${target.name}": only bootstrap.ts picks the adapters; use the port instead`;
  }
  if (source.kind === 'adapter') {
    return PORTS.includes(to) ? null : `${who} may import only its own folder and the ports it implements (${PORTS.join(', ')}), not ${to}`;
  }
  if (target.kind === 'feature') {
    if (source.kind === 'composition' || (source.kind === 'feature' && source.name === target.name)) return null;
    return source.kind === 'feature'
      ? `${who} may not import feature "${target.name}": share it through the core, or compose the two in app.ts`
      : `${who} may not import feature "${target.name}": the core sits beneath the features`;
  }
  if (to.startsWith('users/') === false && from.startsWith('users/')) {
    return `users/ may not import ${to}: it sits beneath the rest of the core`;
  }
  return null;
}

/** The first cycle of the graph found, as a list of files from one back to itself, or null. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

/** Every import in `srcDir` that breaks a layer rule, and a cycle if there is one; paths relative to `srcDir`. */
export function checkApiImports(srcDir: string): Violation[] {
  const root = resolve(srcDir);
  const violations: Violation[] = [];
  const graph = new Map<string, string[]>();
  for (const path of sourceFiles(root)) {
    const from = relative(root, path).split(sep).join('/');
    const edges: string[] = [];
    graph.set(from, edges);
    for (const specifier of importsOf(path, readFileSync(path, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const to = relative(root, resolve(dirname(path), specifier))
        .split(sep)
        .join('/');
      if (to.startsWith('../')) continue;
      edges.push(to);
      const reason = rule(from, to);
      if (reason) violations.push({ file: from, specifier, reason });
    }
  }
  const cycle = findCycle(graph);
  if (cycle) violations.push({ file: cycle[0] as string, specifier: cycle[1] as string, reason: `an import cycle: ${cycle.join(' -> ')}` });
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = process.argv[2] ?? fileURLToPath(new URL('../apps/api/src', import.meta.url));
  const violations = checkApiImports(srcDir);
  for (const v of violations) console.error(`${join(relative(process.cwd(), srcDir), v.file)}: import '${v.specifier}': ${v.reason}`);
  if (violations.length > 0) {
    console.error(`${violations.length} import(s) break the API's layers (scripts/check-api-imports.ts says which may import what).`);
    process.exitCode = 1;
  } else {
    console.log('API layers: composition -> features -> core -> users, adapters beneath bootstrap only, no cycles.');
  }
}
