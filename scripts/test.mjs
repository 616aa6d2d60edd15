// `npm test`: the app's suites. Vitest (API on PGlite and PostgreSQL, contract, client units, web
// components, the root scripts) and then Playwright (the client in a real Chromium, the end-to-end
// suite).
// `npm run test:unit` (`node scripts/test.mjs unit`): the vitest half of `npm test`.
// `npm run test:deploy` (`node scripts/test.mjs deploy`): the production topology. Vitest's deploy
// project (compose, nginx, two API instances, load, faults) and api-processes project (the API's
// entry point started as a process; API instances sharing Redis, and losing it; the password
// change raced by logins), then Playwright's one-origin project (the main flows through
// nginx over two API instances).
// Both halves run even when the first fails, so one run shows everything; the exit status is
// non-zero when either failed. CI sets VITEST_JSON and PLAYWRIGHT_JSON_OUTPUT_NAME for reports.
import { existsSync } from 'node:fs';
import { spawnToolSync, vitestArgs } from './lib/commands.mjs';

const run = (args, env = {}) => spawnToolSync('npx', args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const isDeploy = process.argv[2] === 'deploy';

const vitest = run(vitestArgs(isDeploy ? 'deploy' : 'all', process.env.VITEST_JSON));
// `npm run test:unit`: the vitest half of `npm test` alone (no browser, no nginx, no docker-compose).
if (process.argv[2] === 'unit') process.exit(vitest);

// A system Chromium when there is one (Debian's here); else Playwright's own, installed on demand.
const env = {};
if (!process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH && existsSync('/usr/bin/chromium')) {
  env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH = '/usr/bin/chromium';
}
if (!env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH && !process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH) {
  if (run(['playwright', 'install', 'chromium']) !== 0) {
    console.error('No Chromium: install one (e.g. apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH.');
    process.exit(1);
  }
}
// playwright.config.ts starts the one-origin topology (and runs its project) only in this mode.
if (isDeploy) env.SPA_AUTH_TOPOLOGY = '1';
const playwright = run(['playwright', 'test'], env);

process.exit(vitest !== 0 || playwright !== 0 ? 1 : 0);
