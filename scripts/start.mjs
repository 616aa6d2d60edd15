// `npm start`: the demo. Runs the API (embedded database, demo users, 30-second access tokens so
// expiry is seen within a minute), the web app's development server, a mail catcher whose inbox
// shows the emails the API sends (verification, password reset), and the notes service, a second
// service that accepts the API's access tokens (scripts/notes-service.mjs makes its service client
// once the API answers), and prints where to go.
import { fileURLToPath } from 'node:url';
import { DEMO_USERS } from '@spa-auth/contract/demo';
import { startMailCatcher } from '@spa-auth/mail-catcher';
import { spawnTool } from './lib/commands.mjs';

const API_PORT = process.env.PORT ?? '3000';
const WEB_URL = 'http://localhost:5173';
const NOTES_PORT = process.env.NOTES_PORT ?? '3002';
const NOTES_URL = `http://localhost:${NOTES_PORT}`;
// Short, so that expiry is seen within a minute; the notes service must know it (a longer token is refused).
const ACCESS_TOKEN_TTL = process.env.ACCESS_TOKEN_TTL ?? '30s';
const children = [];

// The inbox at a port that is easy to remember when it is free; SMTP wherever the system puts it.
// With SMTP_URL set, the API sends there instead and no catcher runs.
const catcher = process.env.SMTP_URL
  ? undefined
  : await startMailCatcher({ smtpPort: 0, webPort: 1080 }).catch(() => startMailCatcher({ smtpPort: 0, webPort: 0 }));
const inbox = catcher ? `\n    Emails (verification, password reset) arrive at ${catcher.webUrl}` : '';

/** Runs `tool args` with a prefix on its output. Without `optional`, its end ends the demo. */
function run(name, tool, args, env, { optional = false } = {}) {
  const child = spawnTool(tool, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => `[${name}] ${line}`)
      .join('\n');
  child.stdout.on('data', (chunk) => console.log(prefix(chunk)));
  child.stderr.on('data', (chunk) => console.error(prefix(chunk)));
  child.on('exit', (code, signal) => {
    if (!stopping && optional) {
      console.error(`[${name}] stopped (${signal ?? code}); the rest of the demo runs on without it.`);
    } else if (!stopping) {
      console.error(`[${name}] stopped (${signal ?? code}); stopping the demo.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  void catcher?.stop();
  setTimeout(() => process.exit(code), 2_000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('api', 'npm', ['run', 'api', '-w', '@spa-auth/api'], {
  PORT: API_PORT,
  ...(catcher ? { SMTP_URL: catcher.smtpUrl, APP_URL: WEB_URL } : {}),
  ACCESS_TOKEN_TTL,
  // The notes service's audience: the API's access tokens are good there too.
  JWT_EXTRA_AUDIENCES: process.env.JWT_EXTRA_AUDIENCES ?? 'notes',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
// Optional: without it (a demo admin whose password was changed, say) the Notes page says it cannot reach it.
const notes = run(
  'notes',
  process.execPath,
  [fileURLToPath(new URL('./notes-service.mjs', import.meta.url))],
  {
    API_URL: `http://localhost:${API_PORT}`,
    PORT: NOTES_PORT,
    ACCESS_TOKEN_TTL,
    CORS_ORIGINS: WEB_URL,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
  { optional: true },
);
run('web', 'npm', ['run', 'dev', '-w', '@spa-auth/web', '--', '--clearScreen', 'false'], {
  VITE_API_URL: process.env.VITE_API_URL ?? `http://localhost:${API_PORT}`,
  VITE_NOTES_URL: process.env.VITE_NOTES_URL ?? NOTES_URL,
});

// Say where to go once all three answer (the notes service unless it has stopped).
const deadline = Date.now() + 120_000;
async function answers(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
while (!stopping && Date.now() < deadline) {
  const notesStopped = notes.exitCode !== null || notes.signalCode !== null;
  const notesReady = notesStopped || (await answers(`${NOTES_URL}/healthz`));
  if (notesReady && (await answers(`http://localhost:${API_PORT}/healthz`)) && (await answers(WEB_URL))) {
    const notesLine = notesStopped
      ? 'The notes service did not start (see [notes] above): the Notes page cannot reach it.'
      : `The Notes page keeps notes in a second service (${NOTES_URL}) that takes the same access token.`;
    console.log(`
  spa-auth demo is running.
    Open ${WEB_URL}
    Sign in as ${DEMO_USERS.user.email} / ${DEMO_USERS.user.password} (or ${DEMO_USERS.admin.email} / ${DEMO_USERS.admin.password}).${inbox}
    Access tokens live 30 s here: wait for the countdown, then press "Send 20 requests at once".
    ${notesLine}
  Ctrl+C stops it.
`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
