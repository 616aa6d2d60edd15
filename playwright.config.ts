import { existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';

const isCI = Boolean(process.env.CI);
const API_URL = 'http://localhost:3101';
const HARNESS_URL = 'http://localhost:5179';
// The end-to-end suite: its own API, and the production build of the web app on another origin, as a cross-origin deployment has it.
const E2E_API_URL = 'http://localhost:3100';
const E2E_WEB_URL = 'http://localhost:4173';
// The notes service (apps/notes), which accepts the e2e API's access tokens: on an origin of its own.
const E2E_NOTES_PORT = '3102';
const E2E_NOTES_URL = `http://localhost:${E2E_NOTES_PORT}`;
// The e2e suite's mail catcher: the API sends to its SMTP port; the tests read its inbox (e2e/mail.ts).
const E2E_SMTP_PORT = 2525;
const E2E_MAIL_WEB_PORT = 2580;
const E2E_SMTP_URL = `smtp://127.0.0.1:${E2E_SMTP_PORT}`;
const E2E_MAIL_URL = `http://127.0.0.1:${E2E_MAIL_WEB_PORT}`;
// The production topology (docker-compose.yml) as local processes: nginx in front of two API
// instances, app and API on one origin (the same-origin deployment).
const ONE_ORIGIN_URL = 'http://127.0.0.1:4180';
// REQUIRE_MFA_FOR_ADMIN (requirement 17.16) changes what every admin route answers, so it gets an API
// and a web build of its own, started in `npm run test:deploy` only, for the one spec about it
// (admin-second-factor.spec.ts). Turned on for the e2e API instead, every spec that signs in as the
// seeded admin (admin, admin controls, activity, API tokens, the notes service's client) would have to
// enrol a factor and type codes, each code once, in parallel workers, and would stop testing what
// it is about. The pair costs a second API start (an in-memory database) and a second build of the
// web app (about a second), into the temporary directory so it never meets the e2e build's dist.
const E2E_MFA_API_PORT = '3103';
const E2E_MFA_WEB_PORT = '4174';
const E2E_MFA_WEB_DIST = path.join(tmpdir(), 'spa-auth-e2e-mfa-web');
const E2E_MFA_WEB_URL = `http://localhost:${E2E_MFA_WEB_PORT}`;
// The compare page's two-tab runs (compare.spec.ts) against an API with no reuse grace: with one,
// two tabs that refresh one cookie at once both succeed (requirement 5.3.1), which hides what the
// naive clients' missing cross-tab lock costs a server without it. The API takes no zero, so 1 ms,
// the same as none between two tabs. The other runs use the e2e API and its grace, as a deployment
// has one. Its own API and web build, in test:deploy only, as the pair above: one more API start
// (an in-memory database) and a web build of about ten seconds.
const E2E_NO_GRACE_API_PORT = '3104';
const E2E_NO_GRACE_WEB_PORT = '4176';
const E2E_NO_GRACE_WEB_DIST = path.join(tmpdir(), 'spa-auth-e2e-no-grace-web');
const E2E_NO_GRACE_WEB_URL = `http://localhost:${E2E_NO_GRACE_WEB_PORT}`;
// The packed packages installed in a scratch app outside the repository (scripts/consumer-app.mjs),
// calling the e2e API from its own origin.
const CONSUMER_URL = 'http://localhost:4175';
const CONSUMER = 'consumer.spec.ts';
// `npm run test:deploy` sets this: then the long runs (the one-origin topology, the tab hand-off
// with every core busy) are started and tested; without it (`npm test`), everything else.
const isTopology = process.env.SPA_AUTH_TOPOLOGY === '1';
const TABS_UNDER_LOAD = 'tabs-under-load.spec.ts';
// The account lifecycle around a sign-in (account and admin pages, mail, step-up, deletion, activity,
// admin controls, API tokens with the command-line client) and the accessibility audits: run by
// `npm run test:deploy`, against the same servers as e2e, so that `npm test` (the token, refresh, tab and session flows) stays within three minutes on
// two cores. Their sum of test time was 280 s, of which the step-up flow waits 30 s for a sign-in to
// age and the axe scans take 80 s of CPU.
const LIFECYCLE_AND_AUDITS = [
  'account.spec.ts',
  'admin.spec.ts',
  'email-verification.spec.ts',
  'password-reset.spec.ts',
  'email-change.spec.ts',
  'step-up.spec.ts',
  'delete-account.spec.ts',
  'activity.spec.ts',
  'admin-controls.spec.ts',
  'api-tokens.spec.ts',
  'accessibility.spec.ts',
  'notes.spec.ts',
  // Enrolment, the two-step sign-in, recovery codes, turning it off: one flow of about 10 s.
  'second-factor.spec.ts',
  // Against the REQUIRE_MFA_FOR_ADMIN pair below.
  'admin-second-factor.spec.ts',
  // Passkeys with Chromium's virtual authenticator: register, the sign-ins, a copied key, a removed
  // one, the second step; two tests of about 10 s.
  'passkeys.spec.ts',
  // Every refresh client of the compare page through every scenario, with real expiries: about 25 s a client.
  'compare.spec.ts',
];

// Playwright cannot download its own browser on every machine (closed networks), so the system's
// Chromium is used where one is installed; elsewhere Playwright's own.
const chromium = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

// The web servers each mode needs; Playwright starts every server listed, whichever projects run.
type WebServers = Extract<NonNullable<PlaywrightTestConfig['webServer']>, unknown[]>;
const clientServers: WebServers = [
  {
    name: 'api',
    command: 'node apps/api/src/main.ts',
    url: `${API_URL}/healthz`,
    reuseExistingServer: !isCI,
    env: {
      PORT: '3101',
      HOST: 'localhost',
      DATA_DIR: 'memory://',
      // Empty means unset; set here so that a developer's .env cannot point the tests at a real database.
      DATABASE_URL: '',
      REDIS_URL: '',
      // Short-lived tokens so that the tests can wait for a real expiry in a few seconds. Not shorter:
      // the API counts exp in whole seconds, so a token lives at least 5 s here, which a burst of 50
      // requests and their retries must outlast on a busy machine (at 3 s, one did not).
      ACCESS_TOKEN_TTL: '6s',
      CLOCK_TOLERANCE: '0',
      REFRESH_REUSE_GRACE: '10s',
      AUTH_RATE_LIMIT: '100000',
      REFRESH_RATE_LIMIT: '100000',
      CORS_ORIGINS: HARNESS_URL,
      LOG_LEVEL: 'warn',
      // The tests make their own accounts; hashing the demo users' passwords would only slow the start.
      SEED_DEMO_USERS: 'false',
    },
  },
  {
    name: 'http-client harness',
    command:
      'npx vite build --config packages/http-client/test/browser/harness/vite.config.ts && npx vite preview --config packages/http-client/test/browser/harness/vite.config.ts',
    url: HARNESS_URL,
    reuseExistingServer: !isCI,
  },
];
const e2eServers: WebServers = [
  {
    name: 'e2e api',
    command: 'node apps/api/src/main.ts',
    url: `${E2E_API_URL}/healthz`,
    reuseExistingServer: !isCI,
    env: {
      PORT: '3100',
      HOST: 'localhost',
      DATA_DIR: 'memory://',
      DATABASE_URL: '',
      REDIS_URL: '',
      // 5 s tokens: every expiry flow waits for a real expiry, a few seconds each.
      ACCESS_TOKEN_TTL: '5s',
      CLOCK_TOLERANCE: '0',
      // A short grace, so that the theft test does not wait long for a superseded token to count as stolen.
      REFRESH_REUSE_GRACE: '2s',
      AUTH_RATE_LIMIT: '100000',
      // The contract's default: the wrong-password flow meets the limit after five failures.
      LOGIN_MAX_FAILURES: '5',
      // A sign-in counts as recent for 30 s, not 10 min, so the step-up flow waits for an old sign-in
      // in seconds. The other flows' sensitive actions (ending sessions, deleting the account, admin
      // changes) come within about 5 s of signing in, well inside it even on a busy machine.
      REAUTH_MAX_AGE: '30s',
      REFRESH_RATE_LIMIT: '100000',
      CORS_ORIGINS: isTopology ? `${E2E_WEB_URL},${CONSUMER_URL}` : E2E_WEB_URL,
      // The admin flow signs in as the demo admin (admin@example.com).
      SEED_DEMO_USERS: 'true',
      LOG_LEVEL: 'warn',
      // Real mail to the e2e mail catcher; the links in it open the e2e web app.
      SMTP_URL: E2E_SMTP_URL,
      APP_URL: E2E_WEB_URL,
      // Its access tokens are good at the notes service too.
      JWT_EXTRA_AUDIENCES: 'notes',
    },
  },
  {
    // A real SMTP server; the flows that send mail read it through the inbox's JSON (e2e/mail.ts).
    name: 'e2e mail',
    command: `node packages/mail-catcher/src/index.ts --smtp-port ${E2E_SMTP_PORT} --web-port ${E2E_MAIL_WEB_PORT}`,
    url: `${E2E_MAIL_URL}/api/messages`,
    reuseExistingServer: !isCI,
  },
  {
    // The production build, as deployed, served by vite preview (port 4173, strictPort: apps/web/vite.config.ts).
    name: 'e2e web',
    command: 'npm run build -w @spa-auth/web && npm run preview -w @spa-auth/web',
    url: E2E_WEB_URL,
    reuseExistingServer: !isCI,
    timeout: 120_000,
    // Always with the Notes page, so that a server left running serves either mode; only test:deploy starts the service.
    env: { VITE_API_URL: E2E_API_URL, VITE_NOTES_URL: E2E_NOTES_URL },
  },
];
const topologyServer: WebServers[number] = {
  // Builds the app for a same-origin API, starts two APIs (throwaway PostgreSQL database, own
  // Redis) and nginx; on SIGTERM it stops them and drops the database.
  name: 'one-origin',
  command: 'node deploy/serve-one-origin.ts 4180',
  url: `${ONE_ORIGIN_URL}/.well-known/jwks.json`,
  reuseExistingServer: !isCI,
  timeout: 120_000,
  gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
};
const mfaForAdminServers: WebServers = [
  {
    name: 'e2e mfa api',
    command: 'node apps/api/src/main.ts',
    url: `http://localhost:${E2E_MFA_API_PORT}/healthz`,
    reuseExistingServer: !isCI,
    env: {
      PORT: E2E_MFA_API_PORT,
      HOST: 'localhost',
      DATA_DIR: 'memory://',
      DATABASE_URL: '',
      REDIS_URL: '',
      REQUIRE_MFA_FOR_ADMIN: 'true',
      AUTH_RATE_LIMIT: '100000',
      CORS_ORIGINS: E2E_MFA_WEB_URL,
      APP_URL: E2E_MFA_WEB_URL,
      // Its spec signs in as the seeded admin, enrols a factor, and removes it at the end.
      SEED_DEMO_USERS: 'true',
      // No mail server: the factor's notices are not what this pair is for.
      SMTP_URL: '',
      LOG_LEVEL: 'warn',
    },
  },
  {
    name: 'e2e mfa web',
    command: `npx vite build --outDir ${JSON.stringify(E2E_MFA_WEB_DIST)} --emptyOutDir && npx vite preview --outDir ${JSON.stringify(E2E_MFA_WEB_DIST)} --port ${E2E_MFA_WEB_PORT} --strictPort`,
    cwd: 'apps/web',
    url: E2E_MFA_WEB_URL,
    reuseExistingServer: !isCI,
    timeout: 120_000,
    env: { VITE_API_URL: `http://localhost:${E2E_MFA_API_PORT}` },
  },
];
const noGraceServers: WebServers = [
  {
    name: 'e2e no-grace api',
    command: 'node apps/api/src/main.ts',
    url: `http://localhost:${E2E_NO_GRACE_API_PORT}/healthz`,
    reuseExistingServer: !isCI,
    env: {
      PORT: E2E_NO_GRACE_API_PORT,
      HOST: 'localhost',
      DATA_DIR: 'memory://',
      DATABASE_URL: '',
      REDIS_URL: '',
      REFRESH_REUSE_GRACE: '1ms',
      // As the e2e API's: the token must outlive a two-tab run of 40 calls on a busy machine, or
      // every client rightly refreshes again for the token that expired during the run.
      ACCESS_TOKEN_TTL: '5s',
      CLOCK_TOLERANCE: '0',
      AUTH_RATE_LIMIT: '100000',
      REFRESH_RATE_LIMIT: '100000',
      CORS_ORIGINS: E2E_NO_GRACE_WEB_URL,
      APP_URL: E2E_NO_GRACE_WEB_URL,
      SEED_DEMO_USERS: 'false',
      SMTP_URL: '',
      LOG_LEVEL: 'warn',
    },
  },
  {
    name: 'e2e no-grace web',
    command: `npx vite build --outDir ${JSON.stringify(E2E_NO_GRACE_WEB_DIST)} --emptyOutDir && npx vite preview --outDir ${JSON.stringify(E2E_NO_GRACE_WEB_DIST)} --port ${E2E_NO_GRACE_WEB_PORT} --strictPort`,
    cwd: 'apps/web',
    url: E2E_NO_GRACE_WEB_URL,
    reuseExistingServer: !isCI,
    timeout: 120_000,
    env: { VITE_API_URL: `http://localhost:${E2E_NO_GRACE_API_PORT}` },
  },
];
const notesServer: WebServers[number] = {
  // After the e2e API, which it needs: scripts/notes-service.mjs signs in there as the seeded demo
  // admin, makes the service client through the admin endpoints and runs the service with it.
  name: 'e2e notes',
  command: 'node scripts/notes-service.mjs',
  url: `${E2E_NOTES_URL}/healthz`,
  reuseExistingServer: !isCI,
  gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  env: {
    API_URL: E2E_API_URL,
    SERVICE_CLIENT_NAME: 'notes (e2e)',
    PORT: E2E_NOTES_PORT,
    HOST: 'localhost',
    // The e2e API's token lifetime and tolerance: a token living longer is refused.
    ACCESS_TOKEN_TTL: '5s',
    CLOCK_TOLERANCE: '0',
    CORS_ORIGINS: E2E_WEB_URL,
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
  },
};
const consumerServer: WebServers[number] = {
  // Packs the two packages, installs them in a scratch Vite app in the temporary directory, builds
  // and serves it; on SIGTERM it stops vite and deletes the directory.
  name: 'consumer',
  command: 'node scripts/consumer-app.mjs 4175',
  url: CONSUMER_URL,
  reuseExistingServer: !isCI,
  timeout: 240_000,
  gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  env: { VITE_API_URL: E2E_API_URL },
};

export default defineConfig<object, { apiURL: string }>({
  fullyParallel: true,
  // Many tests spend seconds waiting for a token to expire, not on the CPU: three workers even on two
  // cores, where Playwright's default (half the cores) would give one (1.6 min with two, 1.3 with three).
  workers: Math.max(3, Math.floor(availableParallelism() / 2)),
  forbidOnly: isCI,
  retries: isCI ? 1 : 0,
  reporter: [
    ['list'],
    ['html', { outputFolder: 'playwright-report', open: 'never' }],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/playwright.json' }],
  ],
  use: {
    headless: true,
    trace: 'on-first-retry',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      // Without these, Chromium keeps calling Google services, which fail on a closed network.
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: isTopology
    ? [
        {
          // The sign-in, reload, expiry and burst flows again, through nginx on one origin, with the
          // requests spread over two API instances.
          name: 'one-origin',
          testDir: 'e2e',
          testMatch: ['sign-in.spec.ts', 'token-refresh.spec.ts'],
          use: { baseURL: ONE_ORIGIN_URL, apiURL: ONE_ORIGIN_URL, screenshot: 'only-on-failure' },
        },
        {
          // The shared client's tab hand-off, repeated while busy loops occupy every core.
          name: 'http-client-load',
          testDir: 'packages/http-client/test/browser',
          testMatch: TABS_UNDER_LOAD,
          use: { baseURL: HARNESS_URL },
          // Its busy loops take every core: it runs once the other projects are done.
          dependencies: ['one-origin', 'e2e-lifecycle', 'consumer'],
        },
        {
          name: 'e2e-lifecycle',
          testDir: 'e2e',
          testMatch: LIFECYCLE_AND_AUDITS,
          use: { baseURL: E2E_WEB_URL, screenshot: 'only-on-failure' },
        },
        {
          // The tarballs in an app outside the workspace: sign-in, one refresh for a burst, reload, sign-out.
          name: 'consumer',
          testDir: 'e2e',
          testMatch: CONSUMER,
          use: { baseURL: CONSUMER_URL, screenshot: 'only-on-failure' },
        },
      ]
    : [
        {
          // The shared client against the real API, from a page on another origin of the same site.
          name: 'http-client',
          testDir: 'packages/http-client/test/browser',
          testIgnore: TABS_UNDER_LOAD,
          use: { baseURL: HARNESS_URL },
        },
        {
          // The whole system as a user meets it: the built web app, the real API, one fresh account per test.
          name: 'e2e',
          testDir: 'e2e',
          testIgnore: [...LIFECYCLE_AND_AUDITS, CONSUMER],
          use: { baseURL: E2E_WEB_URL, screenshot: 'only-on-failure' },
        },
        // `npm run screenshots` only: the README's pictures, against the same servers as e2e and the notes service.
        ...(process.env.SCREENSHOTS
          ? [
              {
                name: 'screenshots',
                testDir: 'e2e',
                testMatch: '**/*.shot.ts',
                use: { baseURL: E2E_WEB_URL, viewport: { width: 1100, height: 760 } },
              },
            ]
          : []),
      ],
  // The consumer last: its npm pack rewrites the packages' manifests for a moment, after the other servers have read them.
  webServer: isTopology
    ? [...clientServers, topologyServer, ...e2eServers, notesServer, ...mfaForAdminServers, ...noGraceServers, consumerServer]
    : [...clientServers, ...e2eServers, ...(process.env.SCREENSHOTS ? [notesServer] : [])],
});
