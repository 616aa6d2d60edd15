export type WebConfig = { apiUrl: string; showDemoUsers: boolean };

/**
 * The web app's one setting, validated once at start-up. Pure: main.tsx passes import.meta.env.
 * VITE_API_URL is an absolute http(s) URL, or a path such as `/` when a proxy serves app and API together.
 */
export function loadWebConfig(env: { VITE_API_URL?: string; DEV?: boolean }): WebConfig {
  const apiUrl = env.VITE_API_URL?.trim() || 'http://localhost:3000';
  const isPath = apiUrl.startsWith('/') && !apiUrl.startsWith('//');
  let isAbsolute = false;
  try {
    const url = new URL(apiUrl);
    isAbsolute = (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    isAbsolute = false;
  }
  if (!isPath && !isAbsolute) {
    throw new Error(`VITE_API_URL must be an http(s) URL or a path starting with /; got "${apiUrl}"`);
  }
  return { apiUrl: apiUrl.replace(/\/$/, '') || '/', showDemoUsers: env.DEV === true };
}
