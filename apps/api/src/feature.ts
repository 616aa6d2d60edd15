import type { RequestHandler, Router } from 'express';
import type { ApiTokenAuthenticator } from './auth/bearer.ts';
import type { SecondFactorPart } from './auth/second-factor.ts';
import type { RetentionTask } from './retention.ts';

/**
 * Adds a feature's routes to the router app.ts gives it: one router per prefix (/auth, /api,
 * /oauth) for every feature, not one per feature. Express's router answers a request none of its
 * routes matched by handing it on through setImmediate, so with a router per feature a request for
 * the last feature's route (or a route added through `extend`) waited one event-loop turn for every
 * feature before it. The routes keep their order, so middleware a feature puts on a path
 * (`router.use('/admin', ...)`) reaches the same requests as before.
 */
export type AddRoutes = (router: Router) => void;

/**
 * What a feature folder hands to app.ts: routes under /auth (public, behind the origin check and
 * the per-IP budget) and routes under /api (behind the bearer check). app.ts mounts each feature
 * with one line; deleting the line and the folder removes the feature.
 *
 * A feature may also have routes under /oauth (`oauth`: machine endpoints with OAuth's own client
 * authentication, behind neither the origin check nor the bearer check), give the bearer check
 * another kind of token (`bearer`), a middleware every
 * authenticated /api request passes right after the check (`guard`), periodic clean-up
 * (`tasks`, run by the retention job), and a part of the second factor (`secondFactor`: the
 * authenticator app's, the passkeys'), which app.ts combines into the gate sign-ins ask.
 */
export type Feature = {
  auth?: AddRoutes;
  api?: AddRoutes;
  oauth?: AddRoutes;
  bearer?: ApiTokenAuthenticator;
  guard?: RequestHandler;
  tasks?: RetentionTask[];
  secondFactor?: SecondFactorPart;
};
