// The web image's nginx config in front of the real API: a production build of apps/web with
// VITE_API_URL=/, one `node apps/api/src/main.ts`, and, listed first in the upstream, an address
// where nothing listens, standing for a dead replica. What a browser on the nginx origin sees.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CSRF_HEADER, REFRESH_COOKIE } from '@spa-auth/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningNginx, startNginx } from './support/nginx.ts';
import { type ApiProcess, freePort, generateSigningKeyPem, REPO_ROOT, startApi } from './support/processes.ts';

const HSTS = 'max-age=63072000; includeSubDomains';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** `vite build` of apps/web into `outDir`, as the web image builds it. */
async function buildWeb(outDir: string): Promise<void> {
  const vite = path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const child = spawn(process.execPath, [vite, 'build', 'apps/web', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    env: { ...process.env, VITE_API_URL: '/' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`vite build failed (${code}):\n${output}`);
}

/**
 * Every header nginx adds to each response, with the one value it must have. HSTS is there only
 * with NGINX_HSTS on, and then once: nginx's value, not the API's (helmet's) as well.
 */
function expectSecurityHeaders(response: Response, hsts: string | null = null): void {
  expect(response.headers.get('strict-transport-security')).toBe(hsts);
  expect(response.headers.get('content-security-policy')).toBe(CSP);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(response.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
  expect(response.headers.get('server')).toBe('nginx');
}

describe('when nginx serves the built SPA and proxies the API, one instance of two dead', () => {
  let webRoot: string;
  let api: ApiProcess;
  let nginx: RunningNginx;
  /** The same, with NGINX_HSTS on. */
  let nginxWithHsts: RunningNginx;

  beforeAll(async () => {
    webRoot = mkdtempSync(path.join(tmpdir(), 'spa-auth-web-'));
    const [, started, deadPort] = await Promise.all([
      buildWeb(webRoot),
      startApi({
        name: 'api-behind-nginx',
        env: {
          DATA_DIR: 'memory://',
          JWT_PRIVATE_KEY: generateSigningKeyPem(),
          TRUST_PROXY: '1',
          // Not the nginx origin: same-origin requests must pass on Host and X-Forwarded-Proto alone.
          CORS_ORIGINS: 'https://elsewhere.example',
          LOG_LEVEL: 'warn',
        },
      }),
      freePort(),
    ]);
    api = started;
    const apiOrigins = [`http://127.0.0.1:${deadPort}`, api.url];
    [nginx, nginxWithHsts] = await Promise.all([startNginx({ apiOrigins, webRoot }), startNginx({ apiOrigins, webRoot, hsts: true })]);
  });

  afterAll(async () => {
    await nginx?.stop();
    await nginxWithHsts?.stop();
    await api?.stop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('when / is requested, then it is index.html, revalidated each time, with the strict CSP and the other security headers', async () => {
    const response = await fetch(`${nginx.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expectSecurityHeaders(response);
    expect(await response.text()).toContain('<div id="root"></div>');
  });

  it('when the build is read, then it needs nothing the CSP forbids: no inline script, no inline style', () => {
    const html = readFileSync(path.join(webRoot, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', body = ''] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\//);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    const bundle = readdirSync(path.join(webRoot, 'assets'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => readFileSync(path.join(webRoot, 'assets', name), 'utf8'))
      .join('\n');
    expect(bundle).not.toMatch(/\beval\(|new Function\(/);
  });

  it('when the build is read and its maps are asked for, then there are none and nginx answers 404', async () => {
    const files = readdirSync(webRoot, { recursive: true, encoding: 'utf8' });
    const scripts = files.filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    expect(files.filter((name) => name.endsWith('.map'))).toEqual([]);
    for (const script of scripts) expect(readFileSync(path.join(webRoot, script), 'utf8')).not.toContain('sourceMappingURL');
    for (const script of scripts) {
      const response = await fetch(`${nginx.url}/${script.split(path.sep).join('/')}.map`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).not.toMatch(/json/);
      await response.body?.cancel();
    }
  });

  it('when a client-side route is loaded directly, then nginx answers with index.html', async () => {
    const response = await fetch(`${nginx.url}/some/deep/route?tab=2`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root"></div>');
    expectSecurityHeaders(response);
  });

  it('when a hashed asset is requested, then it is cached for a year as immutable; a missing one is a plain 404', async () => {
    const script = readdirSync(path.join(webRoot, 'assets')).find((name) => name.endsWith('.js'));
    const response = await fetch(`${nginx.url}/assets/${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(response);
    await response.body?.cancel();

    const missing = await fetch(`${nginx.url}/assets/index-missing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBeNull();
    expectSecurityHeaders(missing);
    await missing.body?.cancel();
  });

  it('when the JWK Set is requested, then the API answers it through nginx, with the security headers once each', async () => {
    const response = await fetch(`${nginx.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expectSecurityHeaders(response);
    const body = (await response.json()) as { keys: { kty: string; alg?: string }[] };
    expect(body.keys[0]?.kty).toBe('EC');
  });

  it('when /healthz is requested through nginx, then it is not proxied: instance health stays internal', async () => {
    const response = await fetch(`${nginx.url}/healthz`);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<div id="root"></div>');
  });

  it('when /api/me comes without a token, then it is the API problem+json 401 with the security headers', async () => {
    const response = await fetch(`${nginx.url}/api/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectSecurityHeaders(response);
    expect(((await response.json()) as { code: string }).code).toBe('token_missing');
  });

  it('when a same-origin tab registers, refreshes and calls the API through nginx, then all of it works and the cookie stays on /auth', async () => {
    const headers = { [CSRF_HEADER.name]: CSRF_HEADER.value, Origin: nginx.url, 'Sec-Fetch-Site': 'same-origin' };
    const email = `nginx-${crypto.randomUUID()}@example.com`;
    const registered = await fetch(`${nginx.url}/auth/register`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct-horse-battery', name: 'Behind nginx' }),
    });
    expect(registered.status).toBe(201);
    expectSecurityHeaders(registered);
    const setCookie = registered.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${REFRESH_COOKIE.name}=`));
    expect(setCookie).toMatch(/Path=\/auth/);
    expect(setCookie).toMatch(/HttpOnly/);
    const cookie = setCookie.split(';')[0] ?? '';
    await registered.body?.cancel();

    const refreshed = await fetch(`${nginx.url}/auth/refresh`, { method: 'POST', headers: { ...headers, Cookie: cookie } });
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };

    const me = await fetch(`${nginx.url}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(email);
  });

  it('when NGINX_HSTS is on, then the SPA, an asset, a missing asset, an API answer and a 413 each carry HSTS once, with the value of nginx', async () => {
    const script = readdirSync(path.join(webRoot, 'assets')).find((name) => name.endsWith('.js'));
    for (const [route, status] of [
      ['/', 200],
      ['/some/deep/route', 200],
      [`/assets/${script}`, 200],
      [`/assets/${script}.map`, 404],
      ['/api/me', 401],
    ] as const) {
      const response = await fetch(`${nginxWithHsts.url}${route}`);
      expect(response.status, route).toBe(status);
      expectSecurityHeaders(response, HSTS);
      await response.body?.cancel();
    }
    const tooLarge = await fetch(`${nginxWithHsts.url}/auth/login`, {
      method: 'POST',
      headers: { [CSRF_HEADER.name]: CSRF_HEADER.value, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(20_000) }),
    });
    expect(tooLarge.status).toBe(413);
    expectSecurityHeaders(tooLarge, HSTS);
    await tooLarge.body?.cancel();
  });

  it('when the Origin is another site, then the API still refuses the /auth POST through nginx', async () => {
    const response = await fetch(`${nginx.url}/auth/refresh`, {
      method: 'POST',
      headers: { [CSRF_HEADER.name]: CSRF_HEADER.value, Origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('csrf_rejected');
  });

  it('when a body is larger than the API accepts, then nginx stops it with the same problem+json 413', async () => {
    const response = await fetch(`${nginx.url}/auth/login`, {
      method: 'POST',
      headers: { [CSRF_HEADER.name]: CSRF_HEADER.value, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(20_000) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expectSecurityHeaders(response);
    expect(((await response.json()) as { code: string }).code).toBe('payload_too_large');
  });
});

describe('when no API instance answers', () => {
  it('when /api/me is requested, then nginx answers 503 service_unavailable as problem+json with Retry-After', async () => {
    const webRoot = mkdtempSync(path.join(tmpdir(), 'spa-auth-web-empty-'));
    const nginx = await startNginx({ apiOrigins: [`http://127.0.0.1:${await freePort()}`], webRoot });
    try {
      const response = await fetch(`${nginx.url}/api/me`);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('retry-after')).toBe('5');
      expectSecurityHeaders(response);
      expect(((await response.json()) as { code: string }).code).toBe('service_unavailable');
    } finally {
      await nginx.stop();
      rmSync(webRoot, { recursive: true, force: true });
    }
  });

  it('when NGINX_HSTS is on, then that 503 carries HSTS too', async () => {
    const webRoot = mkdtempSync(path.join(tmpdir(), 'spa-auth-web-empty-'));
    const nginx = await startNginx({ apiOrigins: [`http://127.0.0.1:${await freePort()}`], webRoot, hsts: true });
    try {
      const response = await fetch(`${nginx.url}/api/me`);
      expect(response.status).toBe(503);
      expectSecurityHeaders(response, HSTS);
      await response.body?.cancel();
    } finally {
      await nginx.stop();
      rmSync(webRoot, { recursive: true, force: true });
    }
  });
});
