/**
 * The exit statuses, documented in `spa-auth --help` and the README. Scripts branch on them, so a
 * number never changes meaning: new kinds of failure get new numbers.
 */
export const EXIT = {
  ok: 0,
  /** An answer the client did not expect: a 5xx, a 400, a body that is not the documented JSON. */
  failed: 1,
  /** The command line is wrong: unknown command or option, a missing argument, a token passed as an argument. */
  usage: 2,
  /** No token, a token that is not well formed, or a 401: the token was refused. */
  unauthenticated: 3,
  /** A 403 (a missing scope, a route only a browser sign-in may use) or a 401 asking for a recent sign-in. */
  forbidden: 4,
  /** A 429 that lasted longer than --max-wait allows, or came again after the one wait. */
  rateLimited: 5,
  /** A 404: no such session, user or route. */
  notFound: 6,
  /** No HTTP answer at all: refused connection, unknown host, TLS failure, timeout. */
  unreachable: 7,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user is told about in one line, ending the process with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
