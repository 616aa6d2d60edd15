import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';

/** Who sent the request an account event comes from: what the security activity log shows. */
export type RequestContext = { ip: string | null; userAgent: string | null };

/**
 * The request an account event was published in, without passing it through every service:
 * the middleware opens a context per request, and AccountEvents reads it when an event is
 * published. One per app (no module-level store), mounted only where events come from.
 */
export function createRequestContext(): { middleware: RequestHandler; current(): RequestContext | undefined } {
  const storage = new AsyncLocalStorage<RequestContext>();
  return {
    middleware: (req, _res, next) => {
      storage.run({ ip: req.ip ?? null, userAgent: req.get('User-Agent')?.slice(0, 512) ?? null }, next);
    },
    current: () => storage.getStore(),
  };
}
