// The notes service (apps/notes) with a service client of its own, made through the API's real
// admin endpoints: what `npm start` runs beside the API, and what the browser tests start beside
// theirs. Waits for the API (API_URL), signs in as the seeded demo admin, revokes the earlier
// clients of the same name (the demo's database persists across starts, so they would pile up),
// makes a new one, signs out, and runs the service with the client's id and secret in its
// environment. The secret is never printed. Every other variable (PORT, ACCESS_TOKEN_TTL,
// CORS_ORIGINS, ...) passes through to the service.
//
// SERVICE_CLIENT_NAME names the client (default "notes (demo)").
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_USERS } from '@spa-auth/contract/demo';

const API_URL = (process.env.API_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const NAME = process.env.SERVICE_CLIENT_NAME ?? 'notes (demo)';
const ADMIN = DEMO_USERS.admin;
const CSRF = { 'X-Requested-With': 'XMLHttpRequest' };
const MAIN = fileURLToPath(new URL('../apps/notes/src/main.ts', import.meta.url));

/** Waits until the API answers /healthz; it may still be opening its database. */
async function waitForApi(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${API_URL}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API at ${API_URL} did not answer /healthz within ${timeoutMs / 1000} s`);
}

/** One call to the API; a refusal throws with the step, the status and the problem code (never a body that could hold a secret). */
async function call(step, path, init, expected) {
  const response = await fetch(`${API_URL}${path}`, init);
  if (response.status !== expected) {
    const code = await response
      .json()
      .then((body) => body?.code)
      .catch(() => undefined);
    throw new Error(`${step}: ${init.method ?? 'GET'} ${path} answered ${response.status}${code ? ` ${code}` : ''}`);
  }
  return response;
}

/** A fresh service client named NAME, the earlier ones of that name revoked: { id, secret }. */
async function makeServiceClient() {
  const login = await call(
    `signing in as ${ADMIN.email}`,
    '/auth/login',
    {
      method: 'POST',
      headers: { ...CSRF, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    },
    200,
  );
  const { accessToken } = await login.json();
  // The refresh cookie, so that the sign-out below ends this session rather than leaving it to expire.
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const bearer = { Authorization: `Bearer ${accessToken}` };
  try {
    const listed = await call('listing the service clients', '/api/admin/service-clients', { headers: bearer }, 200);
    for (const client of (await listed.json()).clients) {
      if (client.name !== NAME) continue;
      const revoked = await fetch(`${API_URL}/api/admin/service-clients/${encodeURIComponent(client.id)}`, {
        method: 'DELETE',
        headers: bearer,
      });
      // 404: revoked meanwhile, by another start or an admin.
      if (revoked.status !== 204 && revoked.status !== 404) {
        throw new Error(`revoking the earlier "${NAME}": DELETE answered ${revoked.status}`);
      }
    }
    const created = await call(
      `making the service client "${NAME}"`,
      '/api/admin/service-clients',
      { method: 'POST', headers: { ...bearer, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: NAME }) },
      201,
    );
    const { client, clientSecret } = await created.json();
    return { id: client.id, secret: clientSecret };
  } finally {
    await fetch(`${API_URL}/auth/logout`, { method: 'POST', headers: { ...CSRF, Cookie: cookie } }).catch(() => {});
  }
}

let credentials;
try {
  await waitForApi(120_000);
  credentials = await makeServiceClient();
} catch (error) {
  console.error(`The notes service cannot start without a service client: ${error.message}`);
  process.exit(1);
}

const child = spawn(process.execPath, [MAIN], {
  env: { ...process.env, API_URL, SERVICE_CLIENT_ID: credentials.id, SERVICE_CLIENT_SECRET: credentials.secret },
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
