// How the root scripts start npm and npx on every platform, and the vitest runs of `npm test`.
//
// On Windows npm and npx are batch files (npm.cmd, npx.cmd), and Node refuses to spawn a batch file
// without a shell since 20.12.2 and 22 (EINVAL, the fix for CVE-2024-27980). A shell brings quoting
// of its own, so the scripts leave both to cross-spawn: it finds the .cmd through PATHEXT and runs it
// through cmd.exe with every argument escaped, and is plain child_process.spawn on Linux and macOS.
import crossSpawn from 'cross-spawn';

/** Projects `npm test` runs. */
export const TEST_PROJECTS = ['api', 'contract', 'http-client', 'resource-server', 'notes', 'web', 'scripts', 'cli'];
/**
 * Projects `npm run test:deploy` runs: the production topology (compose, nginx, instances, load,
 * faults) and the API's entry point started as a process (start-up, restart, shutdown).
 */
export const DEPLOY_PROJECTS = ['deploy', 'api-processes'];

/**
 * What is started for `tool args` on this platform: cross-spawn's own reading of the command (the
 * first step of its spawn), so a test can see what Windows would run.
 * @param {string} tool
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 * @returns {{ command: string, args: string[], options: import('node:child_process').SpawnOptions }}
 */
export function toolInvocation(tool, args, options = {}) {
  const parsed = crossSpawn._parse(tool, args, options);
  return { command: parsed.command, args: parsed.args, options: parsed.options };
}

/**
 * child_process.spawn for npm and npx on every platform.
 * @param {string} tool
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 */
export function spawnTool(tool, args, options) {
  return crossSpawn(tool, args, options);
}

/**
 * child_process.spawnSync for npm and npx on every platform.
 * @param {string} tool
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 */
export function spawnToolSync(tool, args, options) {
  return crossSpawn.sync(tool, args, options);
}

/**
 * The npx arguments of the vitest run: `deploy` runs DEPLOY_PROJECTS, `all` every
 * project of `npm test`. A JSON report file (CI) adds the JSON reporter next to the default.
 * @param {'deploy' | 'all'} mode
 * @param {string | undefined} jsonReportFile
 * @returns {string[]}
 */
export function vitestArgs(mode, jsonReportFile) {
  const projects = mode === 'deploy' ? DEPLOY_PROJECTS : TEST_PROJECTS;
  const reporters = jsonReportFile ? ['--reporter=default', '--reporter=json', `--outputFile.json=${jsonReportFile}`] : [];
  return ['vitest', 'run', ...projects.flatMap((name) => ['--project', name]), ...reporters];
}
