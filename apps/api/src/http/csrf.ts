import { CSRF_HEADER } from '@spa-auth/contract';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.ts';

/**
 * Defence in depth for the cookie endpoints (requirement 5.2), on top of SameSite: a custom header
 * cannot be sent cross-origin without a CORS preflight we refuse, the Origin must be one we trust,
 * and browsers that send Fetch Metadata tell us outright when a request is cross-site.
 */
export function createOriginCheck(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    if (req.method !== 'POST') return next();
    const reject = (detail: string) => {
      throw new AppError(403, 'csrf_rejected', detail);
    };
    if (req.get(CSRF_HEADER.name) !== CSRF_HEADER.value) reject(`The ${CSRF_HEADER.name} header is required`);
    // Refused even from a listed origin: a cross-site deployment would need a third-party cookie,
    // which config refuses. The usual cause is a development mix-up such as a web app on localhost
    // calling the API as 127.0.0.1, so the detail says how to fix it.
    if (req.get('Sec-Fetch-Site') === 'cross-site') {
      reject(
        'The web app and the API must be same-site; cross-site requests are refused. In development, use localhost for both, not 127.0.0.1 for one of them',
      );
    }
    const origin = req.get('Origin');
    if (origin !== undefined) {
      const own = `${req.protocol}://${req.get('Host')}`;
      if (origin !== own && !allowed.has(origin)) reject('The request origin is not allowed');
    }
    next();
  };
}
