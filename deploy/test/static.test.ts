// Static checks of the deployment files, run where no container engine is: the compose file
// resolves with Debian's docker-compose, the nginx config passes `nginx -t` in both layouts, and the
// Dockerfiles lint clean and keep the few rules we care about. Missing tools fail, never skip.

import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNginxConfig, findNginx, NGINX_TEMPLATE, renderTemplate, SECURITY_HEADERS } from './support/nginx.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const INSTALL_HINT = 'apt-get install -y --no-install-recommends docker-compose nginx';

// ---------------------------------------------------------------------------------------------
// docker-compose

const SECRETS = {
  POSTGRES_PASSWORD: 'static-test-password-3f9a',
  JWT_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  MFA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
  NOTES_SERVICE_CLIENT_ID: '5f0c7a52-8d0b-4b5e-9f3e-2a1d6c4b7e90',
  NOTES_SERVICE_CLIENT_SECRET: 'spa_cs_static-test-secret-not-real',
};
const without = (name: keyof typeof SECRETS) => Object.fromEntries(Object.entries(SECRETS).filter(([key]) => key !== name));

type ComposeRun = { status: number; stdout: string; stderr: string };

/**
 * docker-compose with the given variables only (plus PATH and HOME), on the committed .env.example,
 * so neither the developer's shell nor a local .env changes the outcome.
 */
function compose(args: string[], variables: Record<string, string>): ComposeRun {
  const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--env-file', '.env.example', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...variables },
  });
  if (result.error) throw new Error(`docker-compose could not run (${result.error.message}); install it with: ${INSTALL_HINT}`);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

type Service = {
  image?: string;
  build?: unknown;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
  environment?: Record<string, string | null>;
  ports?: unknown[];
  profiles?: string[];
  volumes?: unknown[];
};
type ResolvedCompose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** The resolved configuration as an object: Compose 2 prints JSON itself; 1.29 prints YAML, read with its own PyYAML. */
function resolvedCompose(variables: Record<string, string>): ResolvedCompose {
  const version = compose(['version', '--short'], variables).stdout.trim();
  if (!version.startsWith('1.')) return JSON.parse(compose(['config', '--format', 'json'], variables).stdout) as ResolvedCompose;
  const run = compose(['config'], variables);
  if (run.status !== 0) throw new Error(`docker-compose config failed:\n${run.stderr}`);
  // Debian's docker-compose 1.29 is a Python program that depends on python3-yaml.
  const python = readFileSync(execFileSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).trim(), 'utf8')
    .split('\n')[0]
    ?.replace(/^#!\s*/, '')
    .split(' ')[0];
  const json = execFileSync(python ?? 'python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: run.stdout,
    encoding: 'utf8',
  });
  return JSON.parse(json) as ResolvedCompose;
}

/** An image reference with an explicit tag other than latest, or a digest. */
function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
  return tag !== undefined && tag !== '' && tag !== 'latest';
}

describe('docker-compose.yml', () => {
  let config: ResolvedCompose;
  beforeAll(() => {
    config = resolvedCompose(SECRETS);
  });

  it('when validated by docker-compose config -q with .env.example and the secrets, then it passes', () => {
    const run = compose(['config', '-q'], SECRETS);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('when a required secret is missing, then docker-compose refuses and says which one and how to make it', () => {
    const noKey = compose(['config', '-q'], without('JWT_PRIVATE_KEY'));
    expect(noKey.status).not.toBe(0);
    expect(noKey.stderr).toContain('set JWT_PRIVATE_KEY in .env (npm run keygen >> .env)');
    const noSealingKey = compose(['config', '-q'], without('MFA_ENCRYPTION_KEY'));
    expect(noSealingKey.status).not.toBe(0);
    expect(noSealingKey.stderr).toContain('set MFA_ENCRYPTION_KEY in .env (npm run keygen -- --mfa >> .env)');
    const noPassword = compose(['config', '-q'], without('POSTGRES_PASSWORD'));
    expect(noPassword.status).not.toBe(0);
    expect(noPassword.stderr).toContain('set POSTGRES_PASSWORD in .env');
    for (const name of ['NOTES_SERVICE_CLIENT_ID', 'NOTES_SERVICE_CLIENT_SECRET'] as const) {
      const run = compose(['config', '-q'], without(name));
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`set ${name} in .env`);
      expect(run.stderr).toContain('deploy/README.md, The notes service');
    }
  });

  it('when resolved, then it has exactly postgres, redis, api, notes and web outside the dev profile, and pinned images or a build', () => {
    const production = Object.entries(config.services).filter(([, service]) => !service.profiles?.includes('dev'));
    expect(production.map(([name]) => name).sort()).toEqual(['api', 'notes', 'postgres', 'redis', 'web']);
    expect(config.services.mail?.profiles).toEqual(['dev']);
    for (const [name, service] of Object.entries(config.services)) {
      if (service.build) continue;
      expect(service.image, `${name} needs an image or a build`).toBeDefined();
      expect(isPinned(service.image ?? ''), `${name}: ${service.image} is not pinned`).toBe(true);
    }
    expect(config.services.api?.build).toBeDefined();
    expect(config.services.notes?.build).toBeDefined();
    expect(config.services.web?.build).toBeDefined();
  });

  it('when resolved, then every dependency waits for a healthy service and postgres and redis have health checks', () => {
    const { api, notes, web, postgres, redis } = config.services;
    expect(api?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(notes?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, api: { condition: 'service_healthy' } });
    // nginx resolves both upstreams' names when it starts.
    expect(web?.depends_on).toEqual({ api: { condition: 'service_healthy' }, notes: { condition: 'service_healthy' } });
    expect(JSON.stringify(postgres?.healthcheck?.test)).toContain('pg_isready');
    expect(JSON.stringify(redis?.healthcheck?.test)).toContain('ping');
    // The api service's health check is its image's HEALTHCHECK: see the Dockerfile checks below.
  });

  it('when resolved, then PostgreSQL keeps its data in a named volume', () => {
    expect(Object.keys(config.volumes ?? {})).toContain('postgres-data');
    const mounts = JSON.stringify(config.services.postgres?.volumes);
    expect(mounts).toMatch(/postgres-data/);
    expect(mounts).toMatch(/\/var\/lib\/postgresql\/data/);
  });

  it('when resolved, then two API replicas run in production mode behind exactly one trusted proxy hop, with the secrets from the env file', () => {
    const api = config.services.api;
    expect(api?.deploy?.replicas).toBe(2);
    const env = api?.environment ?? {};
    expect(env.NODE_ENV).toBe('production');
    expect(env.SEED_DEMO_USERS).toBe('false');
    expect(env.TRUST_PROXY).toBe('1');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.DATABASE_URL).toBe(`postgres://spa_auth:${SECRETS.POSTGRES_PASSWORD}@postgres:5432/spa_auth`);
    expect(env.JWT_PRIVATE_KEY?.trim()).toBe(SECRETS.JWT_PRIVATE_KEY.trim());
    expect(env.MFA_ENCRYPTION_KEY).toBe(SECRETS.MFA_ENCRYPTION_KEY);
    expect(env.WEBAUTHN_ORIGINS).toBe('http://localhost:8080');
    expect(env.CORS_ORIGINS).toBe('http://localhost:8080');
    // Only the web service is published.
    expect(api?.ports).toBeUndefined();
    expect(config.services.notes?.ports).toBeUndefined();
    expect(config.services.postgres?.ports).toBeUndefined();
    expect(config.services.redis?.ports).toBeUndefined();
    expect(JSON.stringify(config.services.web?.ports)).toContain('8080');
  });

  it("when resolved, then the notes service reaches the API by its service name, shares its database, and checks tokens with the API's own settings", () => {
    const api = config.services.api?.environment ?? {};
    const notes = config.services.notes?.environment ?? {};
    expect(notes.API_URL).toBe('http://api:3000');
    expect(notes.DATABASE_URL).toBe(api.DATABASE_URL);
    expect(notes.SERVICE_CLIENT_ID).toBe(SECRETS.NOTES_SERVICE_CLIENT_ID);
    expect(notes.SERVICE_CLIENT_SECRET).toBe(SECRETS.NOTES_SERVICE_CLIENT_SECRET);
    expect(notes.INTROSPECTION).toBeUndefined();
    // The API puts the notes audience in its tokens; the notes service expects exactly that one.
    expect(api.JWT_EXTRA_AUDIENCES?.split(',')).toContain(notes.NOTES_AUDIENCE);
    expect(notes.NOTES_AUDIENCE).toBe('notes');
    // Issuer and lifetime reach both services alike, set or not.
    expect([notes.JWT_ISSUER, notes.ACCESS_TOKEN_TTL]).toEqual([api.JWT_ISSUER, api.ACCESS_TOKEN_TTL]);
    const tuned = resolvedCompose({ ...SECRETS, JWT_ISSUER: 'https://auth.example.com', ACCESS_TOKEN_TTL: '10m' }).services;
    expect([tuned.notes?.environment?.JWT_ISSUER, tuned.notes?.environment?.ACCESS_TOKEN_TTL]).toEqual(['https://auth.example.com', '10m']);
    expect([tuned.api?.environment?.JWT_ISSUER, tuned.api?.environment?.ACCESS_TOKEN_TTL]).toEqual(['https://auth.example.com', '10m']);
  });

  it('when NGINX_HSTS is not set, then the web service runs with HSTS off; when it is on, then the web service gets on', () => {
    expect(config.services.web?.environment?.NGINX_HSTS).toBe('off');
    expect(resolvedCompose({ ...SECRETS, NGINX_HSTS: 'on' }).services.web?.environment?.NGINX_HSTS).toBe('on');
  });

  it('when nginx addresses the replicas, then its upstreams name the api and notes services on the ports their images listen on', () => {
    expect(read('deploy/nginx/upstream.conf')).toMatch(/upstream spa_auth_api \{[^}]*\bserver api:3000;/);
    expect(read('apps/api/Dockerfile')).toMatch(/\bPORT=3000\b/);
    expect(read('deploy/nginx/upstream.conf')).toMatch(/upstream spa_auth_notes \{[^}]*\bserver notes:3002;/);
    expect(read('apps/notes/Dockerfile')).toMatch(/\bPORT=3002\b/);
  });

  it('when the committed files are read, then no secret value is in them and .env stays out of git and images', () => {
    const compose = read('docker-compose.yml');
    expect(compose).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(compose).toMatch(/POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?/);
    expect(compose).toMatch(/JWT_PRIVATE_KEY: \$\{JWT_PRIVATE_KEY:\?/);
    expect(compose).toMatch(/SERVICE_CLIENT_SECRET: \$\{NOTES_SERVICE_CLIENT_SECRET:\?/);
    const example = read('.env.example');
    expect(example).not.toMatch(/^(POSTGRES_PASSWORD|JWT_PRIVATE_KEY|NOTES_SERVICE_CLIENT_ID|NOTES_SERVICE_CLIENT_SECRET)=./m);
    expect(read('.gitignore')).toMatch(/^\.env$/m);
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', '**/node_modules', '**/.data', '.git']) expect(ignored).toContain(entry);
  });
});

// ---------------------------------------------------------------------------------------------
// nginx

describe('nginx configuration', () => {
  let webRoot: string;
  beforeAll(() => {
    findNginx();
    webRoot = mkdtempSync(path.join(tmpdir(), 'spa-auth-static-web-'));
    writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html>');
  });
  afterAll(() => {
    rmSync(webRoot, { recursive: true, force: true });
  });

  it.each([false, true])('when rendered for local processes (HSTS on: %s), then nginx -t accepts it', (hsts) => {
    expect(() => checkNginxConfig({ apiOrigins: ['http://127.0.0.1:3001', 'http://127.0.0.1:3002'], webRoot, hsts })).not.toThrow();
    expect(() =>
      checkNginxConfig({ apiOrigins: ['http://127.0.0.1:3001'], notesOrigins: ['http://127.0.0.1:3003'], webRoot, hsts }),
    ).not.toThrow();
  });

  it('when /notes-api/ is asked for, then the template proxies it to the notes upstream with the prefix removed', () => {
    const template = readFileSync(NGINX_TEMPLATE, 'utf8');
    expect(template).toMatch(/location \/notes-api\/ \{\s*proxy_pass http:\/\/spa_auth_notes\/;\s*\}/);
  });

  it('when laid out as the web image lays it out (conf.d, templates, the stock http block), then nginx -t accepts it', () => {
    const etc = mkdtempSync(path.join(tmpdir(), 'spa-auth-static-etc-'));
    try {
      mkdirSync(path.join(etc, 'conf.d'));
      mkdirSync(path.join(etc, 'spa-auth'));
      writeFileSync(path.join(etc, 'spa-auth', 'security-headers.conf'), readFileSync(SECURITY_HEADERS));
      writeFileSync(
        path.join(etc, 'conf.d', 'spa-auth.conf'),
        renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), { NGINX_PORT: '127.0.0.1:8080', WEB_ROOT: webRoot, NGINX_HSTS: 'off' }),
      );
      // `api` resolves only on the Compose network; here it stands for a loopback address.
      writeFileSync(
        path.join(etc, 'conf.d', 'upstream.conf'),
        read('deploy/nginx/upstream.conf')
          .replace('server api:3000;', 'server 127.0.0.1:3000;')
          .replace('server notes:3002;', 'server 127.0.0.1:3002;'),
      );
      const nginxConf = `pid ${etc}/nginx.pid;
error_log stderr warn;
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_body_temp_path ${etc}/client_body;
  proxy_temp_path ${etc}/proxy;
  fastcgi_temp_path ${etc}/fastcgi;
  uwsgi_temp_path ${etc}/uwsgi;
  scgi_temp_path ${etc}/scgi;
  include ${etc}/conf.d/*.conf;
}
`;
      writeFileSync(path.join(etc, 'nginx.conf'), nginxConf);
      const result = spawnSync(findNginx(), ['-t', '-q', '-e', 'stderr', '-p', etc, '-c', path.join(etc, 'nginx.conf')], {
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(etc, { recursive: true, force: true });
    }
  });

  it('when the template is rendered, then only NGINX_PORT, WEB_ROOT and NGINX_HSTS change and every nginx variable stays', () => {
    const template = readFileSync(NGINX_TEMPLATE, 'utf8');
    const envNames = new Set([...template.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)].map((match) => match[1]));
    expect([...envNames].sort()).toEqual(['NGINX_HSTS', 'NGINX_PORT', 'WEB_ROOT']);
    const rendered = renderTemplate(template, { NGINX_PORT: '8080', WEB_ROOT: '/srv/web', NGINX_HSTS: 'off' });
    expect(rendered).toContain('listen 8080;');
    expect(rendered).toContain('root /srv/web;');
    expect(rendered).toContain('map "off" $spa_auth_hsts {');
    for (const variable of ['$http_host', '$proxy_add_x_forwarded_for', '$scheme', '$uri', '$spa_auth_hsts'])
      expect(rendered).toContain(variable);
    // The web image limits envsubst to the same three names, and its default leaves HSTS off.
    const dockerfile = read('apps/web/Dockerfile');
    expect(dockerfile).toContain('NGINX_ENVSUBST_FILTER="^(NGINX_PORT|WEB_ROOT|NGINX_HSTS)\\$"');
    expect(dockerfile).toMatch(/^\s*NGINX_HSTS=off \\$/m);
  });

  it("when a block of the template includes the security headers, then it adds HSTS next to them, and the API's own HSTS is hidden", () => {
    const template = readFileSync(NGINX_TEMPLATE, 'utf8');
    const hsts = 'add_header Strict-Transport-Security $spa_auth_hsts always;';
    const includes = template.split('include spa-auth/security-headers.conf;').length - 1;
    expect(includes).toBeGreaterThan(3);
    expect(template.split(hsts).length - 1).toBe(includes);
    for (const block of [...template.matchAll(/location [^{]+\{([^}]*)\}/g)].map((match) => match[1] ?? '')) {
      if (block.includes('include spa-auth/security-headers.conf;')) expect(block).toContain(hsts);
    }
    expect(template).toMatch(/^ {4}proxy_hide_header Strict-Transport-Security;$/m);
  });

  it('when the template sets its own add_header in a location, then that location includes the security headers again', () => {
    const template = readFileSync(NGINX_TEMPLATE, 'utf8');
    // nginx drops every inherited add_header in a block that has one of its own.
    const blocks = [...template.matchAll(/location [^{]+\{([^}]*)\}/g)].map((match) => match[1] ?? '');
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) {
      if (block.includes('add_header')) expect(block).toContain('include spa-auth/security-headers.conf;');
    }
    expect(template).toMatch(/^ {4}include spa-auth\/security-headers\.conf;$/m);
    expect(template).toMatch(/^\s*server_tokens off;$/m);
    expect(readFileSync(SECURITY_HEADERS, 'utf8')).toMatch(
      /Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" always;/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfiles

type Instruction = { keyword: string; args: string; line: number };

/** Instructions with continuation lines joined and comments dropped; enough for the rules below. */
function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending) {
      if (line.startsWith('#')) return;
      pending.args += ` ${line.replace(/\\$/, '').trim()}`;
    } else {
      const [keyword = '', ...rest] = line.split(/\s+/);
      pending = { keyword: keyword.toUpperCase(), args: rest.join(' ').replace(/\\$/, '').trim(), line: index + 1 };
    }
    if (!line.endsWith('\\')) {
      result.push(pending);
      pending = undefined;
    }
  });
  return result;
}

/** The instructions of the last stage (from its FROM on). */
function finalStage(all: Instruction[]): Instruction[] {
  const lastFrom = all.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

const DOCKERFILES = ['apps/api/Dockerfile', 'apps/notes/Dockerfile', 'apps/web/Dockerfile', 'packages/mail-catcher/Dockerfile'];

describe.each(DOCKERFILES)('%s', (file) => {
  const text = read(file);
  const all = instructions(text);
  const final = finalStage(all);

  it('when linted with dockerfile-utils, then there are no diagnostics', () => {
    const diagnostics = validate(text).map((d) => `${file}:${d.range.start.line + 1}: ${d.message}`);
    expect(diagnostics).toEqual([]);
  });

  it('when built, then every base image is pinned to a tag other than latest', () => {
    const stages = new Set<string>();
    const froms = all.filter((instruction) => instruction.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const [image = '', as, alias] = from.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      if (!stages.has(image)) expect(isPinned(image), `${file}:${from.line}: ${image} is not pinned`).toBe(true);
      if (as?.toUpperCase() === 'AS' && alias) stages.add(alias);
    }
  });

  it('when run, then the final stage runs as a non-root user and has a HEALTHCHECK', () => {
    const users = final.filter((instruction) => instruction.keyword === 'USER');
    const lastUser = users.at(-1)?.args.split(':')[0];
    expect(lastUser, 'the final stage needs a USER').toBeDefined();
    expect(['root', '0']).not.toContain(lastUser);
    expect(final.some((instruction) => instruction.keyword === 'HEALTHCHECK' && /^(--\S+\s+)*CMD\b/.test(instruction.args))).toBe(true);
  });

  it('when built, then nothing is fetched with ADD and no secret is baked into ENV or ARG', () => {
    expect(all.filter((instruction) => instruction.keyword === 'ADD' && /https?:\/\//.test(instruction.args))).toEqual([]);
    for (const instruction of all.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
      expect(instruction.args, `${file}:${instruction.line}`).not.toMatch(/(PASSWORD|SECRET|PRIVATE_KEY|TOKEN|DATABASE_URL)/i);
    }
  });
});

/** Every package name a file imports (not node: builtins, not relative paths). */
function importedPackages(file: string): string[] {
  const names: string[] = [];
  for (const match of read(file).matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
    const specifier = match[1] ?? '';
    if (specifier.startsWith('node:')) continue;
    names.push(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? ''));
  }
  return names;
}

const sourcesIn = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(dir, name));

/** The workspaces package-lock.json knows: folder and package name. */
function workspaces(): { dir: string; name: string }[] {
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { name?: string; link?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([dir, entry]) => dir !== '' && !dir.includes('node_modules/') && !entry.link)
    .map(([dir, entry]) => ({ dir, name: entry.name ?? dir }));
}

describe.each(['apps/api/Dockerfile', 'apps/notes/Dockerfile', 'apps/web/Dockerfile'])('%s and the workspaces', (file) => {
  it('when npm ci runs in the image, then every workspace manifest the lockfile names is there', () => {
    const copies = instructions(read(file))
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args);
    const missing = workspaces()
      .map(({ dir }) => `${dir}/package.json ${dir}/`)
      .filter((copy) => !copies.includes(copy));
    expect(missing).toEqual([]);
  });
});

describe.each([
  ['apps/api/Dockerfile', 'apps/api'],
  ['apps/notes/Dockerfile', 'apps/notes'],
])('%s and the workspace packages it runs', (file, app) => {
  it('when the image starts, then every workspace package its sources import (and theirs) is copied with its manifest and sources', () => {
    const byName = new Map(workspaces().map((w) => [w.name, w.dir]));
    const needed = new Set<string>();
    const visit = (dir: string) => {
      for (const source of sourcesIn(`${dir}/src`)) {
        for (const name of importedPackages(source)) {
          const linked = byName.get(name);
          if (linked && !needed.has(linked)) {
            needed.add(linked);
            visit(linked);
          }
        }
      }
    };
    visit(app);
    const copies = finalStage(instructions(read(file)))
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args);
    for (const dir of [app, ...needed]) {
      expect(copies, `${file} must copy ${dir}`).toContain(`${dir}/package.json ${dir}/`);
      expect(copies, `${file} must copy ${dir}/src`).toContain(`${dir}/src ${dir}/src`);
    }
    expect(needed.size).toBeGreaterThan(0);
  });
});

describe.each([
  // The API's sources import the contract's, whose zod the image must install for them.
  { file: 'apps/api/Dockerfile', app: 'apps/api', port: '3000', health: '/readyz', sources: ['apps/api/src', 'packages/contract/src'] },
  { file: 'apps/notes/Dockerfile', app: 'apps/notes', port: '3002', health: '/healthz', sources: ['apps/notes/src'] },
])('$file and the sources it copies', ({ file, app, port, health, sources }) => {
  const manifest = JSON.parse(read(`${app}/package.json`)) as { name: string; dependencies: Record<string, string> };

  it('when the image runs, then it is node on its main.ts in production on all interfaces, on its port, with its health check', () => {
    const final = finalStage(instructions(read(file)));
    const env = final
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    expect(env).toMatch(new RegExp(`\\bPORT=${port}\\b`));
    expect(final.find((i) => i.keyword === 'CMD')?.args).toBe(`["node", "${app}/src/main.ts"]`);
    expect(final.find((i) => i.keyword === 'EXPOSE')?.args).toBe(port);
    expect(final.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain(health);
    expect(read(file)).toContain(`npm ci --omit=dev --workspace ${manifest.name}`);
  });

  it('when its sources import a package, then it is a production dependency of the app, which is all the image installs', () => {
    const missing = sources.flatMap(sourcesIn).flatMap((source) =>
      importedPackages(source)
        .filter((name) => !(name in manifest.dependencies))
        .map((name) => `${name} (${source})`),
    );
    expect(missing).toEqual([]);
  });
});

describe('apps/web/Dockerfile and the build it serves', () => {
  it('when the image builds the SPA, then it is the plain vite build of apps/web, whose config makes no source maps', () => {
    const all = instructions(read('apps/web/Dockerfile'));
    const build = all.filter((i) => i.keyword === 'RUN' && i.args.includes('npm run build --workspace @spa-auth/web'));
    expect(build).toHaveLength(1);
    expect(build[0]?.args).not.toMatch(/sourcemap/);
    expect((JSON.parse(read('apps/web/package.json')) as { scripts: { build: string } }).scripts.build).toBe('vite build');
    expect(read('apps/web/vite.config.ts')).toMatch(/\bsourcemap: false\b/);
    expect(
      finalStage(all)
        .filter((i) => i.keyword === 'COPY')
        .map((i) => i.args),
    ).toContain('--from=build /app/apps/web/dist /usr/share/nginx/html');
    // nginx.test.ts builds apps/web with this config and checks that no map is there or served.
  });
});

describe('dockerfile-utils', () => {
  it('when a Dockerfile is broken, then it reports it (the lint above is not vacuous)', () => {
    expect(validate('FROM node:24.21.0-bookworm-slim\nEXPOSE port\nHEALTHCHECK CMD true\nHEALTHCHECK CMD false\n').length).toBeGreaterThan(
      0,
    );
  });
});
