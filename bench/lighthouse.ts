// Lighthouse on the production build, served as production serves it: the build made for a
// same-origin API (VITE_API_URL=/, as the web image makes it), nginx with the project's own
// configuration (gzip, cache headers, CSP) in front of `node apps/api/src/main.ts`, one origin.
// Two pages: the login page of a signed-out visitor, and the dashboard of the demo user, loaded
// anew after signing in. Each with Lighthouse's default, a mid-range phone on a slow 4G link
// (150 ms round trips, 1.6 Mbit/s, the CPU 4 times slower), simulated from the page's own trace;
// and with its desktop preset (40 ms, 10 Mbit/s, no CPU slowdown) for comparison.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lighthouse, { type Config, desktopConfig, type Flags, type Result } from 'lighthouse';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startNginx } from '../deploy/test/support/nginx.ts';
import { generateSigningKeyPem, startApi } from '../deploy/test/support/processes.ts';

export type PageScores = { performance: number | null; accessibility: number | null; bestPractices: number | null };
/** Per page, the three scores (0 to 100), or why that page could not be measured. */
export type PageFigure = PageScores | { error: string };
export type LighthouseFigure = { login: PageFigure; dashboard: PageFigure } | { error: string };
type Device = { name: 'mobile' | 'desktop'; config: Config | undefined; runs: number };

export type LighthouseGoals = { performance: number; accessibility: number; bestPractices: number };
export const LIGHTHOUSE_GOALS: LighthouseGoals = { performance: 95, accessibility: 100, bestPractices: 100 };

const ROOT = path.resolve(import.meta.dirname, '..');
const WEB = path.join(ROOT, 'apps/web');
const DEMO_USER = { email: 'demo@example.com', password: 'demo-password-1' };
const CATEGORIES = { performance: 'performance', accessibility: 'accessibility', bestPractices: 'best-practices' } as const;
// chrome-launcher's and Lighthouse's own variable; the Debian package's path otherwise.
const chromiumPath = () => process.env.CHROME_PATH ?? '/usr/bin/chromium';

type Stop = () => Promise<unknown>;

/**
 * Builds, serves and measures both pages. Never throws: what fails is reported in the figure.
 * `onStop` receives each thing started, so the caller can end them if it is itself stopped meanwhile.
 */
export async function measureLighthouse(options: {
  log: (message: string) => void;
  onStop: (stop: Stop) => void;
  /** Lighthouse runs per page and device; the median one counts. */
  runs: { mobile: number; desktop: number };
  /** A build made for a same-origin API already (buildWeb); without it, one is made here. */
  webRoot?: string;
}): Promise<{ mobile: LighthouseFigure; desktop: LighthouseFigure; notes: string[] }> {
  const { log } = options;
  const notes: string[] = [];
  const stops: Stop[] = [];
  const started = (stop: Stop) => {
    stops.push(stop);
    options.onStop(stop);
  };
  try {
    let webRoot = options.webRoot;
    if (!webRoot) {
      const dir = mkdtempSync(path.join(tmpdir(), 'spa-auth-lighthouse-web-'));
      started(async () => rmSync(dir, { recursive: true, force: true }));
      await buildWeb(dir);
      webRoot = dir;
    }
    const api = await startApi({
      name: 'lighthouse-api',
      env: {
        // Development only so that the API may seed the demo users; the rest as production has it.
        NODE_ENV: 'development',
        SEED_DEMO_USERS: 'true',
        DATA_DIR: 'memory://',
        DATABASE_URL: '',
        REDIS_URL: '',
        JWT_PRIVATE_KEY: generateSigningKeyPem(),
        CORS_ORIGINS: 'none',
        COOKIE_SECURE: 'true',
        TRUST_PROXY: '1',
        LOG_LEVEL: 'warn',
      },
    });
    started(() => api.stop());
    const nginx = await startNginx({ apiOrigins: [api.url], webRoot });
    started(() => nginx.stop());
    log(`  the production build behind nginx at ${nginx.url}`);
    const browser = await launchChromium();
    started(() => browser.close());
    const page = await browser.newPage();

    const devices: Device[] = [
      { name: 'mobile', config: undefined, runs: options.runs.mobile },
      { name: 'desktop', config: desktopConfig, runs: options.runs.desktop },
    ];
    const login: PageFigure[] = [];
    for (const device of devices) login.push(await measurePage(`${nginx.url}/login`, page, notes, { device, signedIn: false }));
    const dashboard: PageFigure[] = [];
    try {
      await signIn(page, nginx.url);
      for (const device of devices) dashboard.push(await measurePage(`${nginx.url}/`, page, notes, { device, signedIn: true }));
    } catch (error) {
      const failed = { error: `signing in: ${oneLine(error)}` };
      dashboard.push(failed, failed);
    }
    const figure = (i: number): LighthouseFigure => ({ login: login[i] as PageFigure, dashboard: dashboard[i] as PageFigure });
    return { mobile: figure(0), desktop: figure(1), notes };
  } catch (error) {
    const failed = { error: oneLine(error) };
    return { mobile: failed, desktop: failed, notes };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

/** `vite build` of apps/web into `outDir` for a same-origin API (VITE_API_URL=/), as the web image makes it. */
export function buildWeb(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: WEB,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, VITE_API_URL: '/' },
      },
    );
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (${code})`))));
  });
}

function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      // Chromium refuses to start its sandbox as root (containers, CI); the pages are our own.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      // Without these, Chromium keeps calling Google services, which fail on a closed network and
      // would be counted in the page's traffic.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

async function signIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.locator('input[name="email"]').fill(DEMO_USER.email);
  await page.locator('input[name="password"]').fill(DEMO_USER.password);
  await page.locator('button[type="submit"]').click();
  await page.waitForFunction(() => location.pathname === '/' && document.querySelector('h1')?.textContent === 'Dashboard', {
    timeout: 15_000,
  });
}

/**
 * `runs` Lighthouse runs of one page; the run with the median performance score gives the figure,
 * as Lighthouse's own advice has it (one run moves by several points with what else the machine does).
 */
async function measurePage(url: string, page: Page, notes: string[], options: { device: Device; signedIn: boolean }): Promise<PageFigure> {
  const name = `${new URL(url).pathname === '/' ? 'dashboard' : 'login'}, ${options.device.name}`;
  try {
    const flags: Flags = {
      logLevel: 'error',
      onlyCategories: Object.values(CATEGORIES),
      // The sign-in left the refresh cookie; resetting storage would sign the user out.
      disableStorageReset: options.signedIn,
    };
    const runOnce = async () => {
      // Storage stays for a signed-in page, but the HTTP cache goes, so that every run downloads
      // what a first visit downloads (Lighthouse clears both for a signed-out page).
      if (options.signedIn) await clearHttpCache(page);
      const run = await lighthouse(url, flags, options.device.config, page);
      if (!run) throw new Error('Lighthouse returned nothing');
      return run.lhr;
    };
    const results: { scores: PageScores; lhr: Result }[] = [];
    for (let i = 0; i < options.device.runs; i++) {
      let lhr = await runOnce();
      // A trace that was not recorded (NO_NAVSTART, seen in one full run on 2026-12-02) says
      // nothing about the page, and Lighthouse's own message asks for another run: one more, once.
      if (lhr.runtimeError?.message.includes('run Lighthouse again')) {
        notes.push(`${name}: ${lhr.runtimeError.code} in run ${i + 1}, run again`);
        lhr = await runOnce();
      }
      if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
      // A page that ended up elsewhere (the dashboard sent back to the login page) measured the wrong page.
      if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(url).pathname) {
        throw new Error(`Lighthouse ended on ${lhr.finalDisplayedUrl}, not ${url}`);
      }
      const score = (id: string) => {
        const value = lhr.categories[id]?.score;
        return value === null || value === undefined ? null : Math.round(value * 100);
      };
      results.push({
        lhr,
        scores: {
          performance: score(CATEGORIES.performance),
          accessibility: score(CATEGORIES.accessibility),
          bestPractices: score(CATEGORIES.bestPractices),
        },
      });
    }
    results.sort((a, b) => (a.scores.performance ?? -1) - (b.scores.performance ?? -1));
    const middle = results[Math.floor(results.length / 2)] as (typeof results)[number];
    notes.push(
      `${name}: performance ${results.map((r) => r.scores.performance ?? 'n/a').join(', ')} in ${results.length} run${results.length === 1 ? '' : 's'}; the median run: ${describe(middle.lhr)}`,
    );
    return middle.scores;
  } catch (error) {
    return { error: oneLine(error) };
  }
}

async function clearHttpCache(page: Page): Promise<void> {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
}

/** The metrics behind the performance score, the JavaScript the page loaded, and every audit that cost points. */
function describe(lhr: Result): string {
  const metric = (id: string) => lhr.audits[id]?.displayValue ?? '?';
  const summary = lhr.audits['resource-summary']?.details;
  const items =
    summary && 'items' in summary ? (summary.items as { resourceType?: string; transferSize?: number; requestCount?: number }[]) : [];
  const scripts = items.find((item) => item.resourceType === 'script');
  const lost: string[] = [];
  for (const category of Object.values(lhr.categories)) {
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) lost.push(`${ref.id} ${Math.round(audit.score * 100)}`);
    }
  }
  return [
    `FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')}, CLS ${metric('cumulative-layout-shift')}, SI ${metric('speed-index')}`,
    scripts ? `JS ${scripts.requestCount} files, ${((scripts.transferSize ?? 0) / 1000).toFixed(1)} kB over the wire` : 'JS ?',
    lost.length > 0 ? `below 100: ${lost.join(', ')}` : 'no audit below 100',
  ].join('; ');
}

const oneLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0] ?? 'unknown error';

/** Whether a page meets every goal; a page that could not be measured does not. */
export function pageGoalsMet(scores: PageFigure): boolean {
  if ('error' in scores) return false;
  return (
    (scores.performance ?? 0) >= LIGHTHOUSE_GOALS.performance &&
    (scores.accessibility ?? 0) >= LIGHTHOUSE_GOALS.accessibility &&
    (scores.bestPractices ?? 0) >= LIGHTHOUSE_GOALS.bestPractices
  );
}

export function showScores(scores: PageFigure): string {
  if ('error' in scores) return `error: ${scores.error}`;
  const show = (v: number | null) => (v === null ? 'n/a' : String(v));
  return `perf ${show(scores.performance)}, a11y ${show(scores.accessibility)}, best practices ${show(scores.bestPractices)}`;
}
