type Place = { pathname: string; search: string; hash: string };

const BASE = 'http://return-to.invalid';

// One slash then anything but another slash or a backslash: `//host` and `/\host` name a host.
const PATH_ON_THIS_ORIGIN = /^\/(?![/\\])/;
// Browsers read a backslash as a slash and drop tabs and newlines from URLs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const READ_DIFFERENTLY = /[\\\u0000-\u001f\u007f]/;
// Enough for double and triple encoding; a path still changing after that is not one this app made.
const MAX_DECODINGS = 3;

/**
 * The page to go back to after sign-in. Only a path on this origin is accepted, so a crafted
 * `/login?returnTo=https://evil.example` (or `//evil.example`, `/\evil.example`, `/.//evil.example`)
 * cannot send the user elsewhere: an open redirect is a phishing tool.
 *
 * The value is resolved by the URL parser, as the browser will resolve it, and the normalised result
 * is checked again: dot segments collapse only while parsing, so `/.//evil.example` passes a check of
 * the raw text and comes out as `//evil.example`.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !PATH_ON_THIS_ORIGIN.test(value) || READ_DIFFERENTLY.test(value)) return '/';
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return '/';
    const pathname = decodedPathname(url.pathname);
    if (pathname === null) return '/';
    // Back to the login or register page would be a loop.
    if (pathname === '/login' || pathname === '/register') return '/';
    const result = `${url.pathname}${url.search}${url.hash}`;
    return PATH_ON_THIS_ORIGIN.test(result) && new URL(result, BASE).origin === BASE ? result : '/';
  } catch {
    return '/';
  }
}

/**
 * The pathname as the router (which decodes it to match routes) or a proxy might read it, trailing
 * slash dropped; `null` when some decoding of it, resolved again, would name another host
 * (`/%2F%2Fevil.example`, `/%252F%252Fevil.example`, `/x/%2e%2e%2f%2fevil.example`) or carry a
 * backslash or control character. Such a path is never one of this app's pages, so refusing it
 * costs nothing.
 */
function decodedPathname(pathname: string): string | null {
  let current = pathname;
  for (let i = 0; i <= MAX_DECODINGS; i += 1) {
    if (!PATH_ON_THIS_ORIGIN.test(current) || READ_DIFFERENTLY.test(current)) return null;
    const url = new URL(current, BASE);
    if (url.origin !== BASE || !PATH_ON_THIS_ORIGIN.test(url.pathname)) return null;
    const next = decodeURIComponent(url.pathname);
    if (next === url.pathname) return next.length > 1 ? next.replace(/\/+$/, '') : next;
    current = next;
  }
  return null;
}

/** `/login?returnTo=<here>`, or plain `/login` from the login and register pages themselves. */
export function loginPath(place: Place): string {
  const here = `${place.pathname}${place.search}${place.hash}`;
  const target = safeReturnTo(here);
  return target === '/' && place.pathname !== '/' ? '/login' : `/login?returnTo=${encodeURIComponent(target)}`;
}
