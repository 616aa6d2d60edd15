import { randomBytes } from 'node:crypto';
import { apiReference } from '@scalar/express-api-reference';
import { createOpenApiDocument } from '@spa-auth/contract/openapi';
import type { RequestHandler, Response, Router } from 'express';
import helmet from 'helmet';

/**
 * The API reference page's script, Scalar's standalone bundle, pinned to one version. It is loaded
 * by the browser from this CDN, so the API ships none of it; the page exists in development only.
 */
export const SCALAR_BUNDLE_URL = 'https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.72.1';

let documentText: string | undefined;

/**
 * The OpenAPI document as served. It depends on nothing an app is built from, so the first app of
 * the process builds and serialises it (some milliseconds of JSON Schema generation) and every
 * other app serves the same text.
 */
export function openApiDocumentText(): string {
  documentText ??= JSON.stringify(createOpenApiDocument());
  return documentText;
}

/**
 * Helmet's policy on every response allows scripts from this origin only. The reference page runs
 * Scalar's bundle and one inline call to it: both carry a nonce made for this response, and the
 * policy of this page alone adds that nonce. Everything else of helmet's defaults stays.
 */
const referencePagePolicy = helmet.contentSecurityPolicy({
  directives: { scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`] },
});

/**
 * `GET /openapi.json`, public and cacheable for five minutes like the JWK Set; and, in development,
 * `GET /docs`, an API reference page that reads it. Added to `app` itself rather than returned as a
 * router: a mounted router with no route for a request hands it on through `setImmediate`, one more
 * turn of the event loop for every request of the API behind it.
 */
export function addOpenApiRoutes(app: Pick<Router, 'get'>, options: { referencePage: boolean }): void {
  const text = openApiDocumentText();
  app.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('json').send(text);
  });
  if (options.referencePage) {
    app.get(
      '/docs',
      (_req, res, next) => {
        res.locals.cspNonce = randomBytes(16).toString('base64');
        next();
      },
      referencePagePolicy,
      (req, res, next) => {
        // Relative, so the page finds the document wherever the API is mounted behind a proxy.
        const page = apiReference({
          url: 'openapi.json',
          cdn: SCALAR_BUNDLE_URL,
          nonce: res.locals.cspNonce as string,
          pageTitle: 'spa-auth API',
        }) as unknown as RequestHandler;
        page(req, res, next);
      },
    );
  }
}
