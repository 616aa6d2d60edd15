import type { Scope } from '@spa-auth/contract';
import type { Express, RequestHandler, Router } from 'express';
import { AppError } from '../errors.ts';
import { type Caller, challenge, type SessionCaller } from './bearer.ts';

/**
 * What a route behind the bearer check needs: a scope (which a browser sign-in holds for every
 * scope of its role, and an API token holds when it was given it), or a person (a browser sign-in;
 * no API token, whatever its scopes).
 */
export type RouteAccess = { scope: Scope } | { person: true };

// The declaration travels with the middleware, so the app can list every route's need from its
// router (listRouteAccess) instead of from a second table that could drift from the routes.
const declarations = new WeakMap<object, RouteAccess>();

/** 403 insufficient_scope naming the scope (RFC 6750 3.1) unless the caller holds it. */
export function requireScope(scope: Scope): RequestHandler {
  const handler: RequestHandler = (_req, res, next) => {
    if (!res.locals.auth.scopes.includes(scope)) {
      const description = `This needs the scope ${scope}`;
      throw new AppError(403, 'insufficient_scope', description, {
        headers: { 'WWW-Authenticate': challenge('insufficient_scope', description, `, scope="${scope}"`) },
      });
    }
    next();
  };
  declarations.set(handler, { scope });
  return handler;
}

const apiTokenNotAllowed = () =>
  new AppError(403, 'api_token_not_allowed', 'This needs a person signed in through the browser; an API token cannot do it');

/**
 * For what only the person may do (their password, their address, their account, their API
 * tokens): refused to an API token whatever its scopes, so a leaked token cannot take the account.
 */
export const personOnly: RequestHandler = (_req, res, next) => {
  sessionCaller(res.locals.auth);
  next();
};
declarations.set(personOnly, { person: true });

/** The caller as a browser session, for the handlers of person-only routes: throws for an API token. */
export function sessionCaller(caller: Caller): SessionCaller {
  if (caller.via !== 'session') throw apiTokenNotAllowed();
  return caller;
}

export type RouteAccessEntry = { method: string; path: string; access: RouteAccess | undefined };

type Layer = {
  route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
  handle: RequestHandler & { stack?: Layer[] };
  rawPath?: string | string[];
};

const join = (prefix: string, path: string) => (path === '/' ? prefix : `${prefix}${path}`);

/**
 * Every route of `app` under `under` (`/api`), with the access it declares: from `requireScope`
 * or `personOnly` on the route itself, or in front of it in its router. Routers in `skip` (the
 * public ones) are left out. Reads Express's router stack, which keeps each route's path and each
 * mount's raw path.
 */
export function listRouteAccess(app: Express, options: { under: string; skip: Router[] }): RouteAccessEntry[] {
  const entries: RouteAccessEntry[] = [];
  const walk = (stack: Layer[], prefix: string, inherited: Array<{ path: string; access: RouteAccess }>) => {
    const applying = [...inherited];
    for (const layer of stack) {
      const raw = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      if (layer.route) {
        const path = join(prefix, layer.route.path);
        const own = layer.route.stack.map((l) => declarations.get(l.handle)).find((a) => a !== undefined);
        const access = own ?? applying.findLast((a) => path.startsWith(a.path))?.access;
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          entries.push({ method: method.toUpperCase(), path, access });
        }
        continue;
      }
      if (options.skip.includes(layer.handle as unknown as Router)) continue;
      const access = declarations.get(layer.handle);
      if (access) applying.push({ path: join(prefix, raw), access });
      else if (Array.isArray(layer.handle.stack)) walk(layer.handle.stack, join(prefix, raw), applying);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', []);
  return entries.filter((entry) => entry.path === options.under || entry.path.startsWith(`${options.under}/`));
}

/**
 * Refuses to build an app with a route under `/api` that declares neither a scope nor personOnly:
 * without it, what an API token may call there would be an accident.
 */
export function assertRouteAccessDeclared(app: Express, options: { under: string; skip: Router[] }): void {
  const undeclared = listRouteAccess(app, options).filter((entry) => entry.access === undefined);
  if (undeclared.length > 0) {
    const routes = undeclared.map((entry) => `${entry.method} ${entry.path}`).join(', ');
    throw new Error(`Every ${options.under} route must declare requireScope(...) or personOnly; these do not: ${routes}`);
  }
}
