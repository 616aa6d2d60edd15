import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { test as base, expect, type Page, type Request } from '@playwright/test';
// Types only: the harness runs in the page, never in Node.
import type { Harness } from './harness/main.ts';

export { expect };

/** The API's origin: another port of the same site as the harness page (playwright.config.ts). */
export const API_URL = 'http://localhost:3101';
export const REFRESH_URL = `${API_URL}/auth/refresh`;

/** Long enough for a 6 s access token (the JWT's whole seconds included) to run out. */
export const EXPIRY_TIMEOUT = 10_000;

type Call = <K extends keyof Harness>(name: K, ...args: Parameters<Harness[K]>) => Promise<Awaited<ReturnType<Harness[K]>>>;

/** A harness page: `call` runs one window.harness function in the page and returns its result. */
export type HarnessPage = { page: Page; call: Call; reload(): Promise<void> };

async function load(page: Page, path: string): Promise<HarnessPage> {
  const ready = () => page.waitForFunction(() => window.harness !== undefined);
  await page.goto(path);
  await ready();
  const call = ((name: keyof Harness, ...args: unknown[]) =>
    page.evaluate(([fn, params]) => (window.harness[fn] as (...a: unknown[]) => unknown)(...params), [name, args] as const)) as Call;
  return {
    page,
    call,
    async reload() {
      await page.reload();
      await ready();
    },
  };
}

type Fixtures = {
  /** A fresh address for this test's own account. */
  email: string;
  /** Every POST /auth/refresh sent by any page of this test's browser context, aborted ones included. */
  refreshes: Request[];
  /** The test's first page, loaded with the harness. */
  app: HarnessPage;
  /** Opens one more page (tab) of the same browser context, loaded with the harness. */
  openPage(path?: string): Promise<HarnessPage>;
  /** One busy loop per core, spinning from the start of the test to its end: a machine under load. */
  busyCores: number;
};

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
  email: async ({}, use) => {
    await use(`http-client-${randomUUID()}@example.com`);
  },
  refreshes: async ({ context }, use) => {
    const seen: Request[] = [];
    context.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === REFRESH_URL) seen.push(request);
    });
    await use(seen);
  },
  app: async ({ page, refreshes: _ }, use) => {
    // `refreshes` first, so that it sees the requests of this page from its first load.
    await use(await load(page, '/'));
  },
  openPage: async ({ context, refreshes: _ }, use) => {
    await use(async (path = '/') => load(await context.newPage(), path));
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
  busyCores: async ({}, use) => {
    const spinners: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
      spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
    );
    try {
      await Promise.all(spinners.map((child) => new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject))));
      await use(spinners.length);
    } finally {
      await Promise.all(
        spinners.map((child) =>
          child.exitCode !== null || child.signalCode !== null
            ? undefined
            : new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL')),
        ),
      );
    }
  },
});

/** Waits until the API itself refuses an access token, which the client may still believe fresh. */
export async function waitForServerToRefuse(app: HarnessPage, authorization: string): Promise<void> {
  await expect.poll(() => app.call('probe', authorization), { timeout: EXPIRY_TIMEOUT }).toBe(401);
}
