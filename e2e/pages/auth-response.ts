import type { Page, Response } from '@playwright/test';

/**
 * The API of the `e2e` project (playwright.config.ts): another origin than the web app. The
 * `one-origin` project sets the fixture option `apiURL` to the nginx front instead.
 */
export const API_URL = 'http://localhost:3100';

export type Credentials = { name: string; email: string; password: string };

/**
 * The API's answer to the page's next POST to `path` (the CORS preflight, an OPTIONS, is not it).
 * Matched by path, so it holds whether the API is on its own origin or behind the app's.
 */
export function waitForAuthResponse(page: Page, path: string): Promise<Response> {
  return page.waitForResponse((response) => new URL(response.url()).pathname === path && response.request().method() === 'POST');
}
