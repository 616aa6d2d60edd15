// The notes service under load: its real entry point (apps/notes/src/main.ts, configured through
// the environment), in its own process, which stops when its stdin closes (the parent died), as
// bench/server.ts does for the API.

process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
// Imported by URL so that the bench's type check does not take in the service's sources: the kit and
// the API each declare Express's res.locals.auth their own way, and one program cannot hold both.
await import(new URL('../apps/notes/src/main.ts', import.meta.url).href);
