// Prints the README's comparison table (Markdown) from a run of the bench:
//   npm run bench -- --json > bench-output.json      (or --only compare, for this phase alone)
//   node scripts/compare-table.mjs bench-output.json
// The file may hold npm's own lines before the JSON object; the line that starts with "{" is read.
import { readFileSync } from 'node:fs';

const SCENARIOS = [
  ['burst', 'Parallel calls on an expired token'],
  ['straddle', 'Calls that straddle the expiry (late 401s)'],
  ['two-tabs', 'Two tabs at once, no reuse grace'],
  ['revoked', 'Session revoked elsewhere'],
];
const CLIENTS = [
  ['ours', 'Ours (`@spa-auth/http-client`)'],
  ['queue', '`isRefreshing` + `failedQueue`'],
  ['retry-each-401', 'Each 401 refreshes and retries'],
  ['axios-auth-refresh', '`axios-auth-refresh`, defaults'],
];

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/compare-table.mjs <the output of npm run bench -- --json>');
  process.exit(2);
}
const line = readFileSync(file, 'utf8')
  .split('\n')
  .find((text) => text.startsWith('{'));
if (!line) {
  console.error(`${file} holds no JSON object (was the bench run with --json?)`);
  process.exit(1);
}
const comparison = JSON.parse(line).clientComparison;
if (!comparison || comparison.error) {
  console.error(`the run has no clientComparison${comparison?.error ? `: ${comparison.error}` : ''}`);
  process.exit(1);
}

const span = (median, [min, max]) => (min === max ? `${median}` : `${median} (${min}–${max})`);
function cell(figures, scenario) {
  const { calls, repetitions } = comparison;
  const total = scenario === 'two-tabs' ? calls * 2 : calls;
  const lost = Object.entries(figures.lostTo)
    .map(([code, n]) => `${n} × \`${code}\``)
    .join(', ');
  return [
    `${span(figures.medianRefreshes, figures.refreshesRange)} refresh${figures.medianRefreshes === 1 ? '' : 'es'}`,
    `${span(figures.medianFailedCalls, figures.failedCallsRange)} of ${total} calls failed`,
    `session lost ${figures.sessionsLost}/${repetitions}${lost ? ` (${lost})` : ''}`,
  ].join('; ');
}

const rows = [
  `| client | ${SCENARIOS.map(([, name]) => name).join(' | ')} |`,
  `| --- | ${SCENARIOS.map(() => '---').join(' | ')} |`,
  ...CLIENTS.map(
    ([kind, name]) => `| ${name} | ${SCENARIOS.map(([scenario]) => cell(comparison.clients[kind][scenario], scenario)).join(' | ')} |`,
  ),
];
console.log(rows.join('\n'));
console.log(
  `\n${comparison.calls} calls a run (per tab with two tabs), median of ${comparison.repetitions} runs (lowest–highest in brackets); access tokens of ${comparison.api.accessTokenTtl}, reuse grace ${comparison.api.reuseGrace} (two tabs: ${comparison.api.twoTabsReuseGrace}).`,
);
