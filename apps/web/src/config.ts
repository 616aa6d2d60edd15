export type WebConfig = {
  apiUrl: string;
  showDemoUsers: boolean;
  /** The notes service, absolute and without a trailing slash; null hides the Notes page (VITE_NOTES_URL unset). */
  notesUrl: string | null;
  /** The origins other than the API's that receive the access token: the notes service's, when it has one of its own. */
  tokenOrigins: string[];
};

type WebEnv = { VITE_API_URL?: string; VITE_NOTES_URL?: string; DEV?: boolean };

/** An absolute http(s) URL or a path on this origin, without a trailing slash; else start-up fails naming the variable. */
function baseUrl(name: string, value: string): string {
  const isPath = value.startsWith('/') && !value.startsWith('//');
  let isAbsolute = false;
  try {
    const url = new URL(value);
    isAbsolute = (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    isAbsolute = false;
  }
  if (!isPath && !isAbsolute) {
    throw new Error(`${name} must be an http(s) URL or a path starting with /; got "${value}"`);
  }
  return value.replace(/\/$/, '') || '/';
}

/**
 * The web app's settings, validated once at start-up. Pure: main.tsx passes import.meta.env and the
 * page's origin. VITE_API_URL is an absolute http(s) URL, or a path such as `/` when a proxy serves
 * app and API together. VITE_NOTES_URL is where the notes service answers, in the same two forms
 * (`/notes-api` behind the same proxy); the service gets the access token, so its origin joins
 * `tokenOrigins` when it is not the API's.
 */
export function loadWebConfig(env: WebEnv, pageOrigin: string): WebConfig {
  const apiUrl = baseUrl('VITE_API_URL', env.VITE_API_URL?.trim() || 'http://localhost:3000');
  const notesSetting = env.VITE_NOTES_URL?.trim();
  const notes = notesSetting ? new URL(baseUrl('VITE_NOTES_URL', notesSetting), pageOrigin) : null;
  // A path is on the page's origin, for the client as for the browser.
  const apiOrigin = new URL(apiUrl, pageOrigin).origin;
  return {
    apiUrl,
    showDemoUsers: env.DEV === true,
    notesUrl: notes ? notes.href.replace(/\/$/, '') : null,
    tokenOrigins: notes && notes.origin !== apiOrigin ? [notes.origin] : [],
  };
}
