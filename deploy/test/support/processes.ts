// The production topology as local processes: the same `node apps/api/src/main.ts` that the API
// image runs (and `node apps/notes/src/main.ts`, the notes image's), on a real PostgreSQL and a real
// Redis, each started and stopped by the test that needs it. Nothing here stands in for our own
// server or database.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const API_MAIN = path.join(REPO_ROOT, 'apps/api/src/main.ts');
const NOTES_MAIN = path.join(REPO_ROOT, 'apps/notes/src/main.ts');

/** A port the OS says is free now. Another process could take it before we bind; tests live with that. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls until `check` resolves true, or fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}

/** Resolves with the child's exit code (null after a signal), at once if it has already exited. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else {
      child.once('exit', (code) => resolve(code));
      // A child that could not be spawned emits 'error' and maybe never 'exit'.
      child.once('error', () => resolve(null));
    }
  });
}

/** The MFA_ENCRYPTION_KEY every API instance started by this process shares. */
const TOPOLOGY_MFA_KEY = randomBytes(32).toString('base64');

/** One ES256 key shared by every instance of a topology, as one JWT_PRIVATE_KEY secret would be. */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** One process of ours: an API instance, or the notes service. */
export type ApiProcess = {
  name: string;
  url: string;
  port: number;
  /** Every JSON log line the process wrote, parsed, in order. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  isRunning(): boolean;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no drain, no cleanup, as a crash or an OOM kill would end it. */
  kill(): Promise<void>;
};

/**
 * Starts one API process and waits for /readyz. The working directory is a fresh temp dir so a
 * developer's .env in the repo cannot leak into the topology under test.
 */
export async function startApi(options: {
  name: string;
  env: Record<string, string>;
  port?: number;
  ready?: 'readyz' | 'healthz';
}): Promise<ApiProcess> {
  return startNodeService(API_MAIN, {
    ...options,
    env: {
      NODE_ENV: 'production',
      // Production requires it; nginx serves the app and the API on one origin, so none is listed.
      CORS_ORIGINS: 'none',
      // Production requires both: one sealing key for every instance of the topology, as one secret
      // would be, and the origin passkeys are used from.
      MFA_ENCRYPTION_KEY: TOPOLOGY_MFA_KEY,
      WEBAUTHN_ORIGINS: 'http://localhost:8080',
      SEED_DEMO_USERS: 'false',
      ...options.env,
    },
  });
}

/**
 * Starts the notes service (`node apps/notes/src/main.ts`, as its image runs) and waits for
 * /healthz. `env` names at least API_URL and the service client (SERVICE_CLIENT_ID and _SECRET).
 */
export async function startNotes(options: { name: string; env: Record<string, string>; port?: number }): Promise<ApiProcess> {
  return startNodeService(NOTES_MAIN, { ...options, env: { CORS_ORIGINS: 'none', ...options.env }, ready: 'healthz' });
}

async function startNodeService(
  main: string,
  options: { name: string; env: Record<string, string>; port?: number; ready?: 'readyz' | 'healthz' },
): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const cwd = mkdtempSync(path.join(tmpdir(), `spa-auth-${options.name}-`));
  const child = spawn(process.execPath, [main], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const logs: Record<string, unknown>[] = [];
  const output: string[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      output.push(line);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not JSON: kept in `output` for the failure message only.
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exited = exitOf(child).finally(() => rmSync(cwd, { recursive: true, force: true }));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${options.name} on ${url}`, async () => {
      if (!running) throw new Error('exited');
      return answers(`${url}/${options.ready ?? 'readyz'}`);
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${options.name} did not start: ${(error as Error).message}\n${output.join('\n').slice(-4_000)}`);
  }
  return {
    name: options.name,
    url,
    port,
    logs,
    exited,
    isRunning: () => running,
    async stop() {
      if (running) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (running) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A throwaway database on the machine's PostgreSQL server (TEST_POSTGRES_URL, default the local
 * trust-auth server), dropped by `drop()`.
 */
export async function createThrowawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `spa_auth_deploy_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${serverUrl.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message}); start it or set TEST_POSTGRES_URL`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('initdb/pg_ctl not found: install PostgreSQL (apt-get install postgresql) or set PG_BIN');
  }
}

export type PostgresCluster = {
  url: string;
  /** pg_ctl start on the same data directory and port. */
  start(): Promise<void>;
  /** pg_ctl stop -m immediate: connections drop at once, as when the server dies. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
};

/**
 * A PostgreSQL cluster of our own (initdb + pg_ctl on a free port) that a fault test may stop and
 * start without touching the machine's server. initdb refuses to run as root, so as root the
 * cluster belongs to the `postgres` user, as the Debian packages arrange it.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const port = await freePort();
  const base = mkdtempSync(path.join(tmpdir(), 'spa-auth-pg-'));
  const dataDir = path.join(base, 'data');
  const asRoot = userInfo().uid === 0;
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : path.join(bin, tool);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    execFileSync(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], cwd: base });
  };
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(base, id('-u'), id('-g'));
  }
  chmodSync(base, 0o700);
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = async () => {
    run('pg_ctl', ['-D', dataDir, '-l', path.join(base, 'log'), '-o', options, '-w', '-t', '30', 'start']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    async stop() {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
    async destroy() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped.
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export type RedisServer = { url: string; start(): Promise<void>; stop(): Promise<void> };

/** A redis-server of our own on a free port, with no persistence, that a fault test may stop. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const ping = async () => {
    try {
      return (
        execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim() === 'PONG'
      );
    } catch {
      return false;
    }
  };
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child.once('error', () => undefined);
    await waitFor(`redis-server on ${port}`, ping, 10_000);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      if (!child) return;
      const exited = exitOf(child);
      child.kill('SIGKILL');
      await exited;
      child = undefined;
    },
  };
}
