import type { Page, Response } from '@playwright/test';

/** The API of the end-to-end run (playwright.config.ts): another origin than the web app. */
export const API_URL = 'http://localhost:3100';

export type Credentials = { name: string; email: string; password: string };

/** The API's answer to the page's next POST to `path` (the CORS preflight, an OPTIONS, is not it). */
export function waitForAuthResponse(page: Page, path: string): Promise<Response> {
  return page.waitForResponse((response) => response.url() === `${API_URL}${path}` && response.request().method() === 'POST');
}
