// nginx in front of local API processes, configured by the same server template the web image uses
// (deploy/nginx/spa-auth.conf.template). Only the topology differs: here a temp dir holds a
// top-level nginx.conf and one `server 127.0.0.1:PORT;` per API process; in the image, the stock
// nginx.conf and deploy/nginx/upstream.conf.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOf, freePort } from './processes.ts';

const NGINX_DIR = path.resolve(import.meta.dirname, '../../nginx');
export const NGINX_TEMPLATE = path.join(NGINX_DIR, 'spa-auth.conf.template');
/** Included by the template with a path relative to nginx.conf's directory, so both layouts hold it at spa-auth/. */
export const SECURITY_HEADERS = path.join(NGINX_DIR, 'security-headers.conf');
const SECURITY_HEADERS_INCLUDE = 'spa-auth/security-headers.conf';
const MIME_TYPES = '/etc/nginx/mime.types';
export const NGINX_INSTALL_HINT = 'install it with: apt-get install -y --no-install-recommends nginx (or set NGINX_BIN)';

/** The nginx binary: NGINX_BIN, else `nginx` on PATH, else Debian's /usr/sbin/nginx. Throws how to install it. */
export function findNginx(): string {
  const candidates = [
    process.env.NGINX_BIN,
    ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => dir && path.join(dir, 'nginx')),
    '/usr/sbin/nginx',
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there; try the next.
    }
  }
  throw new Error(`nginx not found; ${NGINX_INSTALL_HINT}`);
}

/**
 * What the nginx image's 20-envsubst-on-templates.sh does: envsubst with an explicit variable list,
 * so `$NAME` and `${NAME}` are replaced for the listed names only and every nginx `$variable`
 * stays as it is.
 */
export function renderTemplate(template: string, variables: Record<string, string>): string {
  let text = template;
  for (const [name, value] of Object.entries(variables)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a variable name: ${name}`);
    text = text.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}(?![A-Za-z0-9_])`, 'g'), () => value);
  }
  return text;
}

/** `server host:port;` lines for an upstream, from origins such as http://127.0.0.1:3001. */
function upstreamServers(origins: string[], what: string): string[] {
  if (origins.length === 0) throw new Error(`startNginx needs at least one ${what} origin`);
  return origins.map((origin) => {
    const url = new URL(origin);
    if (url.protocol !== 'http:' || !url.port || url.pathname !== '/' || url.search) {
      throw new Error(`${what} origin must look like http://127.0.0.1:3001, got ${origin}`);
    }
    return `server ${url.host};`;
  });
}

/**
 * Where /notes-api/ goes when a test runs no notes service: a port nothing listens on, so such a
 * request is nginx's own 503 rather than a config error.
 */
const NO_NOTES_SERVICE = 'http://127.0.0.1:9';

export type NginxConfigOptions = {
  /** The API processes, e.g. ['http://127.0.0.1:3001', 'http://127.0.0.1:3002']. */
  apiOrigins: string[];
  /** The notes service processes behind /notes-api/; none by default. */
  notesOrigins?: string[];
  /** The built SPA (a dist directory with index.html and assets/). */
  webRoot: string;
  /** nginx's `listen` argument: a port, or address:port. */
  listen: string;
  /** NGINX_HSTS=on: Strict-Transport-Security on every response. Off unless set. */
  hsts?: boolean;
};

/**
 * Writes the whole configuration into `dir`: nginx.conf, the rendered server template and the
 * security-headers include, laid out as the image lays them out under /etc/nginx. Returns the path
 * of nginx.conf.
 */
export function renderNginxConfig(dir: string, options: NginxConfigOptions): string {
  if (!existsSync(MIME_TYPES)) throw new Error(`${MIME_TYPES} is missing; ${NGINX_INSTALL_HINT}`);
  const servers = upstreamServers(options.apiOrigins, 'API');
  const notesServers = upstreamServers(options.notesOrigins ?? [NO_NOTES_SERVICE], 'notes');
  const rendered = renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), {
    NGINX_PORT: options.listen,
    WEB_ROOT: path.resolve(options.webRoot),
    NGINX_HSTS: options.hsts ? 'on' : 'off',
  });
  mkdirSync(path.join(dir, 'spa-auth'), { recursive: true });
  copyFileSync(SECURITY_HEADERS, path.join(dir, SECURITY_HEADERS_INCLUDE));
  writeFileSync(path.join(dir, 'spa-auth.conf'), rendered);
  // As root, nginx runs its workers as `nobody`, which cannot read a web root or temp dirs made by
  // mkdtemp (mode 0700). Workers run as the invoking user instead, as they do when nginx is started
  // by anyone else; the directive is only allowed (and only needed) when the master runs as root.
  const user = userInfo();
  const userLine = user.uid === 0 ? `user ${user.username};\n` : '';
  const conf = `${userLine}worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log stderr warn;
events {
  worker_connections 512;
}
http {
  include ${MIME_TYPES};
  default_type application/octet-stream;
  sendfile on;
  access_log off;
  client_body_temp_path ${path.join(dir, 'client_body')};
  proxy_temp_path ${path.join(dir, 'proxy')};
  fastcgi_temp_path ${path.join(dir, 'fastcgi')};
  uwsgi_temp_path ${path.join(dir, 'uwsgi')};
  scgi_temp_path ${path.join(dir, 'scgi')};
  upstream spa_auth_api {
    ${servers.join('\n    ')}
    # Shorter than Node's 5 s keep-alive timeout, so nginx never reuses a connection the API is closing.
    keepalive 16;
    keepalive_timeout 4s;
  }
  upstream spa_auth_notes {
    ${notesServers.join('\n    ')}
    keepalive 16;
    keepalive_timeout 4s;
  }
  include ${path.join(dir, 'spa-auth.conf')};
}
`;
  const confPath = path.join(dir, 'nginx.conf');
  writeFileSync(confPath, conf);
  return confPath;
}

/**
 * `nginx -t` on the configuration startNginx would run. Returns nginx's output; throws with that
 * output when the test fails.
 */
export function checkNginxConfig(options: {
  apiOrigins: string[];
  notesOrigins?: string[];
  webRoot: string;
  port?: number;
  hsts?: boolean;
}): string {
  const nginx = findNginx();
  const dir = mkdtempSync(path.join(tmpdir(), 'spa-auth-nginx-check-'));
  try {
    const confPath = renderNginxConfig(dir, { ...options, listen: `127.0.0.1:${options.port ?? 8080}` });
    try {
      return execFileSync(nginx, ['-t', '-q', '-e', 'stderr', '-p', dir, '-c', confPath], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`nginx -t failed:\n${stderr ?? ''}${stdout ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

export type RunningNginx = { url: string; stop(): Promise<void> };

// A test run that ends without stop() (a crash, a timeout) must not leave nginx listening: on exit,
// every master still running gets SIGTERM, and stops its workers itself.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/**
 * Starts nginx on 127.0.0.1 in front of `apiOrigins`, serving `webRoot`, and resolves once it
 * answers. Without `port` it picks a free one (and tries another if that one is taken meanwhile).
 * `stop()` ends nginx and removes its temp dir.
 *
 * @example
 * const nginx = await startNginx({ apiOrigins: [a.url, b.url], webRoot: 'apps/web/dist' });
 * await fetch(`${nginx.url}/.well-known/jwks.json`);
 * await nginx.stop();
 */
export async function startNginx(options: {
  apiOrigins: string[];
  notesOrigins?: string[];
  webRoot: string;
  port?: number;
  hsts?: boolean;
}): Promise<RunningNginx> {
  const nginx = findNginx();
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(nginx, { ...options, port });
    } catch (error) {
      lastError = error as Error;
      if (!/Address already in use/.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error('nginx did not start');
}

async function launch(
  nginx: string,
  options: { apiOrigins: string[]; notesOrigins?: string[]; webRoot: string; port: number; hsts?: boolean },
): Promise<RunningNginx> {
  const dir = mkdtempSync(path.join(tmpdir(), 'spa-auth-nginx-'));
  const confPath = renderNginxConfig(dir, { ...options, listen: `127.0.0.1:${options.port}` });
  const child = spawn(nginx, ['-e', 'stderr', '-p', dir, '-c', confPath, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-8_000);
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  running.add(child);
  const exited = exitOf(child).then(() => {
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null && !spawnError;

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!isRunning()) {
      await exited;
      throw new Error(`nginx exited before answering on ${url}: ${spawnError?.message ?? ''}\n${output}`);
    }
    // nginx writes its pid file only once it holds its listening socket, so another process that
    // got the port first cannot be mistaken for ours. Then any HTTP answer will do: the web root
    // may be empty.
    const answered =
      readPid(path.join(dir, 'nginx.pid')) === child.pid &&
      (await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) }).then(
        async (response) => {
          await response.body?.cancel();
          return true;
        },
        () => false,
      ));
    if (answered) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      throw new Error(`nginx did not answer on ${url} within 10 s\n${output}`);
    }
    await sleep(50);
  }

  return {
    url,
    async stop() {
      if (!isRunning()) return exited;
      // SIGTERM is nginx's fast shutdown: the master stops its workers, then exits.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
