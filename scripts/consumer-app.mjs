// The packed packages used the way an app outside this repository uses them: packs
// @spa-auth/contract, @spa-auth/http-client and @spa-auth/resource-server, installs the tarballs
// into a scratch Vite + React app made in the system's temporary directory, builds it and serves it
// with vite preview. The Playwright project `consumer` (`npm run test:deploy`) drives it against the
// real API. Before that, a small Express service in the same directory, type-checked with Node's
// types, accepts a token of the real API through the installed kit and refuses an altered one.
//
//   VITE_API_URL=http://localhost:3000 node scripts/consumer-app.mjs [port]      (default 4175)
//
// The app imports nothing from the repository by path: only the installed packages, and of
// @spa-auth/http-client only what its README shows. Runs until SIGTERM or SIGINT, then stops vite
// and deletes its directory (spa-auth-consumer-* in the temporary directory; only a SIGKILL leaves
// one behind). Exits non-zero naming the step that failed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTool } from './lib/commands.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['@spa-auth/contract', '@spa-auth/http-client', '@spa-auth/resource-server'];
// What the repository's web app depends on, at the versions its lockfile installs, so the scratch
// app meets what the client is tested with (and npm finds them in its cache).
const WEB_APP_DEPENDENCIES = ['react', 'react-dom', 'axios'];
// TypeScript and React's types too: the app is type-checked, strictly and without zod, to prove the
// packed type declarations stand on their own.
const WEB_APP_DEV_DEPENDENCIES = ['vite', '@vitejs/plugin-react', 'typescript', '@types/react', '@types/react-dom'];
// The service beside the app: Express (the kit's optional peer) and the types a Node service compiles with.
const SERVICE_DEPENDENCIES = ['express'];
const SERVICE_DEV_DEPENDENCIES = ['@types/express', '@types/node'];

const port = Number(process.argv[2] ?? 4175);
const apiUrl = process.env.VITE_API_URL;
const workDir = mkdtempSync(path.join(tmpdir(), 'spa-auth-consumer-'));
const tarballDir = path.join(workDir, 'tarballs');
const appDir = path.join(workDir, 'app');

/** The child process of the running step: stopped first on shutdown, so its files can be deleted. */
let running;
let stopping = false;

const log = (line) => console.log(`[consumer-app] ${line}`);
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

class StepFailed extends Error {
  constructor(step, detail) {
    super(`${step} failed${detail ? `:\n${detail}` : ''}`);
    this.step = step;
  }
}

function removeWorkDir() {
  rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
}
// A thrown error or process.exit anywhere still leaves no directory behind.
process.on('exit', removeWorkDir);

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  if (running && running.exitCode === null && running.signalCode === null) {
    running.kill('SIGTERM');
    const stopped = once(running, 'close');
    const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    await Promise.race([stopped, timeout]);
  }
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

/** The step under way, named when it fails. */
let step = 'read VITE_API_URL';

/** Waits for `child` to end: its exit code and signal. */
async function ended(child) {
  try {
    return await once(child, 'close');
  } catch (error) {
    throw new StepFailed(step, error instanceof Error ? error.message : String(error));
  }
}

/** Runs the step `name`, a child process from `start`, with its output kept and shown only when it fails. */
async function run(name, start) {
  step = name;
  const started = performance.now();
  log(`${name}...`);
  const child = start(['ignore', 'pipe', 'pipe']);
  running = child;
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const [code, signal] = await ended(child);
  // Stopped by shutdown(), which exits once the child is gone: not a failure of the step.
  if (stopping) await new Promise(() => {});
  if (code !== 0) throw new StepFailed(name, `${output.trim()}\n(${child.spawnargs.join(' ')} exited with ${signal ?? code})`);
  log(`${name}: done in ${seconds(started)}`);
}

/** Writes `files` (path relative to the app -> text) into the app's directory. */
function writeApp(files) {
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(appDir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/** The versions of `names` that npm installs for apps/web, found as Node finds them: its own node_modules, then the root's. */
function webAppVersionsOf(lockfile, names) {
  return Object.fromEntries(
    names.map((name) => {
      const installed = lockfile.packages?.[`apps/web/node_modules/${name}`] ?? lockfile.packages?.[`node_modules/${name}`];
      if (!installed?.version) throw new StepFailed(step, `package-lock.json installs no ${name} for apps/web`);
      return [name, installed.version];
    }),
  );
}

/**
 * Runs the app's own vite with node, not through npx: npx's process does not pass a SIGTERM on
 * to vite, which would outlive shutdown() and keep the directory busy.
 */
function startVite(args, stdio) {
  const manifest = JSON.parse(readFileSync(path.join(appDir, 'node_modules/vite/package.json'), 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.vite;
  return spawn(process.execPath, [path.join(appDir, 'node_modules/vite', bin), ...args], {
    cwd: appDir,
    env: { ...process.env, VITE_API_URL: apiUrl },
    stdio,
  });
}

/** The tarballs npm pack wrote, one per package, by the file names npm gives them (scope-name-version.tgz). */
function tarballsOf(directory) {
  const files = readdirSync(directory).filter((file) => file.endsWith('.tgz'));
  return Object.fromEntries(
    PACKAGES.map((name) => {
      const prefix = `${name.slice(1).replace('/', '-')}-`;
      const file = files.find((candidate) => candidate.startsWith(prefix));
      if (!file) throw new StepFailed('npm pack', `no tarball of ${name} in ${directory} (found ${files.join(', ') || 'none'})`);
      return [name, file];
    }),
  );
}

/** The installed packages are the tarballs' contents, not links into the repository, and hold their build only. */
function checkInstalled() {
  for (const name of PACKAGES) {
    const installed = path.join(appDir, 'node_modules', name);
    if (!existsSync(installed)) throw new StepFailed('check the install', `${name} is not installed`);
    if (lstatSync(installed).isSymbolicLink()) throw new StepFailed('check the install', `${name} is a link, not the tarball's contents`);
    if (existsSync(path.join(installed, 'src'))) throw new StepFailed('check the install', `${name} holds its sources`);
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    const entry = manifest.exports?.['.']?.default;
    if (!entry || !existsSync(path.join(installed, entry))) {
      throw new StepFailed('check the install', `${name}'s entry point ${entry} is missing`);
    }
    log(`${name} ${manifest.version} installed from its tarball (entry ${entry})`);
  }
  // zod is an optional peer of both: installing them must not bring it.
  if (existsSync(path.join(appDir, 'node_modules', 'zod'))) throw new StepFailed('check the install', 'zod was installed, though optional');
}

// Run by Node itself (type stripping), after tsc has checked it strictly against the packed declarations.
const SERVICE_SMOKE_TS = `import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createResourceServer } from '@spa-auth/resource-server';
import express from 'express';

const apiUrl = process.env.API_URL ?? '';
// The API's own audience: this API names no other service in its tokens here, and the check is the same.
const tokens = createResourceServer({ apiUrl, issuer: 'spa-auth', audience: 'spa-auth-api', introspection: false });
const app = express();
app.get('/whoami', tokens.requireAuth, (_req, res) => {
  res.json({ sub: res.locals.auth.sub });
});
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;

const signUp = await fetch(\`\${apiUrl}/auth/register\`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  body: JSON.stringify({ email: \`kit-\${Date.now()}@example.test\`, password: 'correct-horse-battery', name: 'Kit' }),
});
if (signUp.status !== 201) throw new Error(\`the API answered \${signUp.status} to the sign-up\`);
const { accessToken, user } = (await signUp.json()) as { accessToken: string; user: { id: string } };

const whoami = (token: string) => fetch(\`\${base}/whoami\`, { headers: { Authorization: \`Bearer \${token}\` } });
const accepted = await whoami(accessToken);
const body = (await accepted.json()) as { sub?: string };
if (accepted.status !== 200 || body.sub !== user.id) throw new Error(\`the kit answered \${accepted.status} \${JSON.stringify(body)} to a live token\`);
const [header, payload, signature] = accessToken.split('.') as [string, string, string];
const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
const altered = [header, Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url'), signature].join('.');
const refused = await whoami(altered);
if (refused.status !== 401) throw new Error(\`the kit answered \${refused.status} to an altered token\`);
server.close();
console.log('the kit accepted the live token and refused the altered one');
`;

const SERVICE_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'es2023',
      lib: ['es2023'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
      erasableSyntaxOnly: true,
      verbatimModuleSyntax: true,
    },
    include: ['.'],
  },
  null,
  2,
)}
`;

const MAIN_TSX = `import { ApiError, createApiClient, type Session } from '@spa-auth/http-client';
import { type FormEvent, StrictMode, useEffect, useState, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';

// One client for the page, outside React, as the package's README shows.
const client = createApiClient({
  baseURL: import.meta.env.VITE_API_URL,
  onSessionExpired: ({ code }) => showNotice(\`Your session ended (\${code}). Sign in again.\`),
});

let notice = '';
const noticeListeners = new Set<() => void>();
function showNotice(text: string) {
  notice = text;
  for (const listener of noticeListeners) listener();
}
function subscribeNotice(listener: () => void) {
  noticeListeners.add(listener);
  return () => noticeListeners.delete(listener);
}

const BURST_SIZE = 10;
const codeOf = (error: unknown) => (error instanceof ApiError ? error.code : String(error));

function useSession(): Session | null {
  return useSyncExternalStore(client.subscribe, client.getSession);
}

/** Now, every quarter of a second, for the token's countdown. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function TokenCountdown({ expiresAt }: { expiresAt: number }) {
  const left = expiresAt - useNow();
  return (
    <p role="timer" aria-label="Access token">
      {left > 0 ? \`Access token expires in \${Math.ceil(left / 1000)} s\` : 'Access token expired'}
    </p>
  );
}

function SignInForm() {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function signIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError('');
    try {
      await client.login({ email: String(form.get('email')), password: String(form.get('password')) });
      showNotice('');
    } catch (failure) {
      setError(\`Sign-in failed: \${codeOf(failure)}\`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form aria-label="Sign in" onSubmit={signIn}>
      <label>
        Email <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit" disabled={busy}>
        Sign in
      </button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function SignedIn({ session }: { session: Session }) {
  const [result, setResult] = useState('');
  async function callMeAtOnce() {
    setResult('Calling…');
    const outcomes = await Promise.allSettled(Array.from({ length: BURST_SIZE }, () => client.http.get('/api/me')));
    const succeeded = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    setResult(\`\${succeeded} of \${BURST_SIZE} succeeded\`);
  }
  async function signOut() {
    // The session ends here even when the API cannot be reached; the error still says so.
    await client.logout().catch((error: unknown) => showNotice(\`Sign-out did not reach the API: \${codeOf(error)}\`));
  }
  return (
    <section aria-label="Signed in">
      <TokenCountdown expiresAt={session.accessTokenExpiresAt} />
      <button type="button" onClick={callMeAtOnce}>
        Call /api/me {BURST_SIZE} times at once
      </button>
      <output aria-label="Result">{result}</output>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </section>
  );
}

function App() {
  const session = useSession();
  const currentNotice = useSyncExternalStore(subscribeNotice, () => notice);
  const [restore, setRestore] = useState<'running' | 'done' | string>('running');
  useEffect(() => {
    // StrictMode runs this twice: restore() is single-flight, so still one refresh.
    client.restore().then(
      () => setRestore('done'),
      (error: unknown) => setRestore(\`The session could not be restored: \${codeOf(error)}\`),
    );
  }, []);
  const state =
    restore === 'running' ? 'Restoring the session…' : session ? \`Signed in as \${session.user.email}\` : 'Signed out';
  return (
    <main>
      <h1>Consumer of @spa-auth/http-client</h1>
      <p role="status" aria-label="Session">
        {state}
      </p>
      {restore !== 'running' && restore !== 'done' && <p role="alert">{restore}</p>}
      {currentNotice && <p role="alert">{currentNotice}</p>}
      {restore !== 'running' && (session ? <SignedIn session={session} /> : <SignInForm />)}
    </main>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>spa-auth consumer</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`;

const VITE_CONFIG = `import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({ plugins: [react()] });
`;

const VITE_ENV = `/// <reference types="vite/client" />
`;

// Strict, and skipLibCheck off: the packages' own declarations are checked as well, with no zod installed.
const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'es2023',
      lib: ['es2023', 'dom'],
      module: 'esnext',
      moduleResolution: 'bundler',
      jsx: 'react-jsx',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
    },
    include: ['src'],
  },
  null,
  2,
)}
`;

try {
  if (!apiUrl) throw new StepFailed(step, 'VITE_API_URL must name the API the app calls (http://localhost:3000)');
  log(`working in ${workDir}`);
  mkdirSync(tarballDir);

  await run('npm pack', (stdio) =>
    spawnTool('npm', ['pack', ...PACKAGES.flatMap((name) => ['-w', name]), '--pack-destination', tarballDir], { cwd: REPO_ROOT, stdio }),
  );
  const tarballs = tarballsOf(tarballDir);

  step = 'write the app';
  const lockfile = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  // Relative file: specs with forward slashes, as a package.json holds them on every platform.
  const fromTarball = (name) => `file:${path.relative(appDir, path.join(tarballDir, tarballs[name])).split(path.sep).join('/')}`;
  writeApp({
    'package.json': `${JSON.stringify(
      {
        name: 'spa-auth-consumer',
        private: true,
        type: 'module',
        dependencies: {
          ...Object.fromEntries(PACKAGES.map((name) => [name, fromTarball(name)])),
          ...webAppVersionsOf(lockfile, WEB_APP_DEPENDENCIES),
          ...webAppVersionsOf(lockfile, SERVICE_DEPENDENCIES),
        },
        devDependencies: {
          ...webAppVersionsOf(lockfile, WEB_APP_DEV_DEPENDENCIES),
          ...webAppVersionsOf(lockfile, SERVICE_DEV_DEPENDENCIES),
        },
      },
      null,
      2,
    )}\n`,
    'index.html': INDEX_HTML,
    'vite.config.ts': VITE_CONFIG,
    'src/main.tsx': MAIN_TSX,
    'src/vite-env.d.ts': VITE_ENV,
    'tsconfig.json': TSCONFIG,
    'service/smoke.ts': SERVICE_SMOKE_TS,
    'service/tsconfig.json': SERVICE_TSCONFIG,
  });
  const installedFrom = Object.entries(tarballs).map(([name, file]) => `${name} from ${file}`);
  log(`app written: ${installedFrom.join(', ')}`);

  await run('npm install', (stdio) => spawnTool('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: appDir, stdio }));
  step = 'check the install';
  checkInstalled();

  await run('type check', (stdio) =>
    spawn(process.execPath, [path.join(appDir, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: appDir, stdio }),
  );

  await run('type check the service', (stdio) =>
    spawn(process.execPath, [path.join(appDir, 'node_modules/typescript/bin/tsc'), '-p', 'service'], { cwd: appDir, stdio }),
  );
  await run('the service accepts a real token through the installed kit', (stdio) =>
    spawn(process.execPath, ['service/smoke.ts'], { cwd: appDir, env: { ...process.env, API_URL: apiUrl }, stdio }),
  );

  await run('vite build', (stdio) => startVite(['build'], stdio));

  step = 'vite preview';
  log(`serving at http://localhost:${port} (API ${apiUrl})`);
  const preview = startVite(['preview', '--port', String(port), '--strictPort'], ['ignore', 'inherit', 'inherit']);
  running = preview;
  const [code, signal] = await ended(preview);
  if (!stopping) throw new StepFailed(step, `vite preview exited with ${signal ?? code}`);
} catch (error) {
  if (!stopping) {
    const failed = error instanceof StepFailed ? error : new StepFailed(step, error instanceof Error ? error.stack : String(error));
    console.error(`[consumer-app] ${failed.message}`);
    console.error(`[consumer-app] failed at step: ${failed.step}`);
    await shutdown(1);
  }
}
