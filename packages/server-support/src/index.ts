/**
 * What the API (apps/api) and the notes service (apps/notes) share beneath their routes, so that
 * both answer, log and start alike: environment variables parsed with one ConfigError for every
 * problem (config.ts), logs without secrets and one line per request (logging.ts), JSON bodies
 * parsed and validated (body.ts), problem+json for a client's mistakes and for the unexpected
 * (problems.ts), listening and a graceful shutdown (process.ts), and the PostgreSQL pool
 * (postgres.ts). Each service keeps its own error codes, configuration and storage; nothing here
 * knows either.
 */
export * from './body.ts';
export * from './config.ts';
export * from './logging.ts';
export * from './postgres.ts';
export * from './problems.ts';
export * from './process.ts';
