// `npm test`: every suite but the long topology runs. Vitest (API, contract, client units, web
// components, the root scripts, the short deployment checks) and then Playwright (the client in a real
// Chromium, the end-to-end suite, its flows through nginx). Both run even when the first fails, so one
// run shows everything; the exit status is non-zero when either failed.
// `npm run test:deploy` (`node scripts/test.mjs deploy`): the load and fault runs of deploy/test.
// CI sets VITEST_JSON and PLAYWRIGHT_JSON_OUTPUT_NAME to collect machine-readable results.
import { existsSync } from 'node:fs';
import { spawnToolSync, vitestArgs } from './lib/commands.mjs';

const run = (args, env = {}) => spawnToolSync('npx', args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (process.argv[2] === 'deploy') {
  process.exit(run(vitestArgs('deploy', process.env.VITEST_JSON)));
}

const vitest = run(vitestArgs('all', process.env.VITEST_JSON));

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
const playwright = run(['playwright', 'test'], env);

process.exit(vitest !== 0 || playwright !== 0 ? 1 : 0);
