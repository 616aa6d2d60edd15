type Place = { pathname: string; search: string; hash: string };

const BASE = 'http://return-to.invalid';

/**
 * The page to go back to after sign-in. Only a path on this origin is accepted, so a crafted
 * `/login?returnTo=https://evil.example` (or `//evil.example`, `/\evil.example`) cannot send the
 * user elsewhere: an open redirect is a phishing tool.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//')) return '/';
  // Browsers read a backslash as a slash and drop tabs and newlines from URLs.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return '/';
    // Back to the login or register page would be a loop.
    if (url.pathname === '/login' || url.pathname === '/register') return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}

/** `/login?returnTo=<here>`, or plain `/login` from the login and register pages themselves. */
export function loginPath(place: Place): string {
  const here = `${place.pathname}${place.search}${place.hash}`;
  const target = safeReturnTo(here);
  return target === '/' && place.pathname !== '/' ? '/login' : `/login?returnTo=${encodeURIComponent(target)}`;
}
