// The API under load, in its own process so that the load generator never shares its event loop.
// It is the real app, built by the same bootstrap as main.ts (real store, real keys, system clock,
// real password hashing), with a few /bench routes for the benchmark only. Configured through the environment like main.ts;
// prints {"port": n} on stdout once listening, and exits when its stdin closes (the parent died).

import { generateKeyPairSync } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { createKeySet } from '../apps/api/src/auth/keys.ts';
import { requireScope } from '../apps/api/src/auth/scopes.ts';
import { bootstrap } from '../apps/api/src/bootstrap.ts';
import { loadConfig } from '../apps/api/src/config.ts';

// An in-memory database unless DATABASE_URL names a server.
const config = loadConfig({
  ...process.env,
  DATA_DIR: 'memory://',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  SEED_DEMO_USERS: 'false',
});
const keys = createKeySet(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const gc = (globalThis as { gc?: () => void }).gc;

// What the tutorials do: the PEM string on every call, no cache, no revocation check.
const publicKeyPem = keys.signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const naiveAuth: RequestHandler = (req, res, next) => {
  const token = req.get('Authorization')?.replace(/^Bearer /, '') ?? '';
  try {
    res.locals.auth = jwt.verify(token, publicKeyPem, { algorithms: ['ES256'] }) as never;
  } catch {
    res.status(401).json({ error: 'invalid_token' });
    return;
  }
  next();
};

// The bench routes go in through the app's own extension point: same middleware as /healthz, in
// front of the 404, and the app's own bearer check (same verifier, token cache and revocations).
const api = await bootstrap(config, {
  keys,
  extend: (routes, { requireAuth, tokens }) => {
    routes.get('/bench/protected', requireAuth, (_req, res) => {
      res.json({ ok: true });
    });
    // Under /api, so behind the whole chain an /api route has (bearer check, per-token rate limit,
    // request context): what an API token's request costs, without a database read of the route's own.
    routes.get('/api/bench/protected', requireScope('profile:read'), (_req, res) => {
      res.json({ ok: true });
    });
    routes.get('/bench/naive', naiveAuth, (_req, res) => {
      res.json({ ok: true });
    });
    // Fresh tokens for the caller's own (real, live) session, signed with the app's key.
    routes.get('/bench/mint', requireAuth, (req, res) => {
      const count = Math.min(Number(req.query.count) || 1, 50_000);
      const caller = res.locals.auth;
      if (caller.via !== 'session') throw new Error('/bench/mint needs a browser session');
      const { sub, sid, role } = caller;
      const minted: string[] = [];
      for (let i = 0; i < count; i++) minted.push(tokens.signAccessToken({ userId: sub, sessionId: sid, role }).token);
      res.json(minted);
    });
    routes.get('/bench/stats', (req, res) => {
      if (req.query.gc === '1' && gc) {
        gc();
        gc();
      }
      const stats = { rssBytes: process.memoryUsage.rss(), eventLoopP99Ms: loopDelay.percentile(99) / 1e6, gcExposed: gc !== undefined };
      if (req.query.reset === '1') loopDelay.reset();
      res.json(stats);
    });
  },
});

const server = api.app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, database: api.databaseKind })}\n`,
  );
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close();
  await api.close().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
