import type { Clock } from '@spa-auth/resource-server';
import { createRequestLog } from '@spa-auth/server-support';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { createErrorHandler, notFound } from './http/errors.ts';
import type { NotesStore } from './notes/notes.ts';
import { BODY_LIMIT, createNotesRoutes } from './notes/routes.ts';

export type NotesAppDeps = {
  store: NotesStore;
  clock: Clock;
  logger: Logger;
  /**
   * The bearer check: the resource-server kit's `requireAuth`, which leaves the verified claims in
   * `res.locals.auth` (main.ts builds it from the configuration).
   */
  requireAuth: RequestHandler;
  /** Exact origins whose pages may call the service (CORS); empty for none. */
  corsOrigins: string[];
};

/** Builds the notes service from its dependencies. No environment, no I/O, no listening: main.ts does that. */
export function createNotesApp(deps: NotesAppDeps): Express {
  const app = express();
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  app.use(createRequestLog(deps.logger, { ignore: (req) => req.url === '/healthz' }));
  app.use(helmet());
  app.use(
    cors({
      // Exact matches only. No credentials: the token travels in a header, never in a cookie.
      origin: deps.corsOrigins,
      credentials: false,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      // The client refreshes on a 401 only when it can read the challenge (http-client README,
      // "Other services that accept the token"); Retry-After goes with a 503.
      exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
      maxAge: 600,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(createNotesRoutes(deps));

  app.use(notFound);
  app.use(createErrorHandler(deps.logger, BODY_LIMIT));
  return app;
}
