import { randomUUID } from 'node:crypto';
import { type APIRequestContext, type BrowserContext, test as base, expect, type Page, type Request } from '@playwright/test';
import { DEMO_USERS } from '@spa-auth/contract/demo';
import { AdminPage } from './pages/admin-page.ts';
import { API_URL, type Credentials } from './pages/auth-response.ts';
import { DashboardPage } from './pages/dashboard-page.ts';
import { LoginPage } from './pages/login-page.ts';
import { RegisterPage } from './pages/register-page.ts';
import { SessionsPage } from './pages/sessions-page.ts';
import { SettingsPage } from './pages/settings-page.ts';

export { EXPIRY_TIMEOUT } from './pages/dashboard-page.ts';
export { expect };
export type Account = Credentials;

/** Every refresh request, whichever origin serves the API (a glob for route(), a test for requests). */
export const REFRESH_URL = '**/auth/refresh';
export const isRefreshRequest = (request: Request) => request.method() === 'POST' && new URL(request.url()).pathname === '/auth/refresh';

/** The seeded demo users (requirement 8; the e2e API runs with SEED_DEMO_USERS=true). */
export const DEMO_ADMIN = DEMO_USERS.admin;
export const DEMO_USER = DEMO_USERS.user;

/** Every page object of one tab. */
export type Pages = {
  page: Page;
  loginPage: LoginPage;
  registerPage: RegisterPage;
  dashboardPage: DashboardPage;
  sessionsPage: SessionsPage;
  settingsPage: SettingsPage;
  adminPage: AdminPage;
};

export function pagesOf(page: Page): Pages {
  return {
    page,
    loginPage: new LoginPage(page),
    registerPage: new RegisterPage(page),
    dashboardPage: new DashboardPage(page),
    sessionsPage: new SessionsPage(page),
    settingsPage: new SettingsPage(page),
    adminPage: new AdminPage(page),
  };
}

/** Every POST /auth/refresh that any page of `context` sends from now on, aborted ones included. */
export function watchRefreshes(context: BrowserContext): Request[] {
  const seen: Request[] = [];
  context.on('request', (request) => {
    if (isRefreshRequest(request)) seen.push(request);
  });
  return seen;
}

/** Another browser: its own context (cookie jar, locks, channels), one page in it. */
export type OtherBrowser = Pages & { context: BrowserContext; refreshes: Request[] };

/** A session made without a browser, straight against the API (a script, a phone app, "curl"). */
export type ApiSession = { refresh(): Promise<number> };

export type Api = {
  /** Creates the account; the session it starts is dropped. */
  register(account: Account): Promise<void>;
  /** Signs in, so the account has one more session; its User-Agent names its device on the Sessions page. */
  signIn(account: Pick<Account, 'email' | 'password'>, userAgent?: string): Promise<ApiSession>;
};

type Options = {
  /** Where the browser reaches the API: its own origin (e2e), or the app's (one-origin, behind nginx). */
  apiURL: string;
};

type Fixtures = Pages & {
  /** Fresh credentials for this test's own account, not registered yet. */
  account: Account;
  /** The API, called directly (no browser). */
  api: Api;
  /** `account`, registered through the API: the browser is still signed out. */
  registered: Account;
  /** `account`, registered through the register page: `page` shows the dashboard, signed in. */
  signedIn: Account;
  /** Every POST /auth/refresh sent by the pages of the test's own browser context. */
  refreshes: Request[];
  /** Opens another browser (a new context) with one page; closed when the test ends. */
  openBrowser(): Promise<OtherBrowser>;
};

const CSRF = { 'X-Requested-With': 'XMLHttpRequest' };

export const test = base.extend<Fixtures, Options>({
  apiURL: [API_URL, { option: true, scope: 'worker' }],
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
  account: async ({}, use) => {
    const id = randomUUID();
    await use({ name: `E2E ${id.slice(0, 8)}`, email: `e2e-${id}@example.com`, password: `password-${id}` });
  },
  api: async ({ playwright, apiURL }, use) => {
    const opened: APIRequestContext[] = [];
    const open = async (userAgent?: string) => {
      const request = await playwright.request.newContext({
        baseURL: apiURL,
        extraHTTPHeaders: CSRF,
        ...(userAgent ? { userAgent } : {}),
      });
      opened.push(request);
      return request;
    };
    await use({
      async register(account) {
        const response = await (await open()).post('/auth/register', { data: account });
        expect(response.status(), await response.text()).toBe(201);
      },
      async signIn(account, userAgent) {
        const request = await open(userAgent);
        const response = await request.post('/auth/login', { data: { email: account.email, password: account.password } });
        expect(response.status(), await response.text()).toBe(200);
        return { refresh: async () => (await request.post('/auth/refresh')).status() };
      },
    });
    await Promise.all(opened.map((request) => request.dispose()));
  },
  registered: async ({ account, api }, use) => {
    await api.register(account);
    await use(account);
  },
  refreshes: async ({ context }, use) => {
    await use(watchRefreshes(context));
  },
  signedIn: async ({ account, registerPage, dashboardPage }, use) => {
    await registerPage.goto();
    const response = await registerPage.register(account);
    expect(response.status(), await response.text()).toBe(201);
    await expect(dashboardPage.heading).toBeVisible();
    await use(account);
  },
  // `refreshes` first, so that it sees the requests of the page from its first load.
  page: async ({ page, refreshes: _ }, use) => {
    await use(page);
  },
  loginPage: async ({ page }, use) => use(new LoginPage(page)),
  registerPage: async ({ page }, use) => use(new RegisterPage(page)),
  dashboardPage: async ({ page }, use) => use(new DashboardPage(page)),
  sessionsPage: async ({ page }, use) => use(new SessionsPage(page)),
  settingsPage: async ({ page }, use) => use(new SettingsPage(page)),
  adminPage: async ({ page }, use) => use(new AdminPage(page)),
  openBrowser: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext({ baseURL });
      contexts.push(context);
      const refreshes = watchRefreshes(context);
      return { ...pagesOf(await context.newPage()), context, refreshes };
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

/** The successful answer of the dashboard's "Call /api/me" for `account`. */
export const answeredFor = (account: Pick<Account, 'name' | 'email'>) => `/api/me answered: ${account.name} (${account.email})`;
