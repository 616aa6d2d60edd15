import { CSRF_HEADER } from '@spa-auth/contract';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.ts';

/**
 * Defence in depth for the cookie endpoints (contract 5.2), on top of SameSite: a custom header
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
    if (req.get('Sec-Fetch-Site') === 'cross-site') reject('Cross-site requests are not allowed');
    const origin = req.get('Origin');
    if (origin !== undefined) {
      const own = `${req.protocol}://${req.get('Host')}`;
      if (origin !== own && !allowed.has(origin)) reject('The request origin is not allowed');
    }
    next();
  };
}
