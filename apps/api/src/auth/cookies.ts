import { REFRESH_COOKIE } from '@spa-auth/contract';
import { parseCookie } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';

/** Never `none`: a cross-site request must not carry the session. */
export type SameSite = 'strict' | 'lax';

export type CookiePolicy = { secure: boolean; sameSite: SameSite };

/**
 * Every attribute of the refresh cookie is decided here (requirement 5.1). HttpOnly: script cannot
 * read it, so XSS cannot steal the session. Path=/auth: it travels only to the endpoints that need
 * it, not with every API call. SameSite as configured, strict or lax: never none, as a cross-site
 * cookie is a third-party cookie. Secure as loadConfig decides: always, except in development on a
 * loopback host, where WebKit would drop a Secure cookie sent over http://localhost.
 */
function attributes(policy: CookiePolicy): CookieOptions {
  return { httpOnly: true, secure: policy.secure, sameSite: policy.sameSite, path: REFRESH_COOKIE.path };
}

export function setRefreshCookie(res: Response, policy: CookiePolicy, value: string, maxAgeMs: number): void {
  res.cookie(REFRESH_COOKIE.name, value, { ...attributes(policy), maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)) * 1000 });
}

export function clearRefreshCookie(res: Response, policy: CookiePolicy): void {
  res.clearCookie(REFRESH_COOKIE.name, attributes(policy));
}

/**
 * Every non-empty refresh cookie in the request, in header order. Not just the first: a browser
 * sends one per matching domain and path, and a sibling subdomain can plant one (Domain=.parent,
 * or a longer Path so it comes first); the service decides among them.
 */
export function readRefreshCookies(req: Request): string[] {
  const header = req.get('Cookie');
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const value = parseCookie(pair)[REFRESH_COOKIE.name];
    if (value) values.push(value);
  }
  return values;
}
