/** The name the downloaded credentials get: a dotenv file, which most tools and shells can read. */
export const CREDENTIALS_FILE_NAME = 'spa-auth-credentials.env';

/**
 * The API's address as a program outside the browser needs it: absolute. The web app may call the
 * API by a path (`/` when one proxy serves both), which means nothing to a script without the page's origin.
 */
export function absoluteApiUrl(apiUrl: string, pageOrigin: string): string {
  return new URL(apiUrl, pageOrigin).href.replace(/\/$/, '');
}

/**
 * The downloaded file: the API's address and the token, as variables a script reads, with a warning
 * above them. The name cannot break out of its comment line: the contract refuses control characters in it.
 */
export function credentialsFile(credentials: { apiUrl: string; secret: string; name: string; expiresAt: string }): string {
  return [
    `# spa-auth API token "${credentials.name}", valid until ${credentials.expiresAt}.`,
    '# Keep this file secret: anyone with the token can act as you within its scopes.',
    `SPA_AUTH_API_URL=${credentials.apiUrl}`,
    `SPA_AUTH_TOKEN=${credentials.secret}`,
    '',
  ].join('\n');
}
