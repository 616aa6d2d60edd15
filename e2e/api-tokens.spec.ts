import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_TOKEN_PATTERN } from '@spa-auth/contract/wire';
import { expect, test } from './fixtures.ts';
import { ApiTokensPage } from './pages/api-tokens-page.ts';

// A token made in the browser, used by the real command-line client against the running API, then
// revoked in the browser: the client is refused from that moment.
const CLI = path.join(import.meta.dirname, '..', 'apps', 'cli', 'src', 'main.ts');

/** Runs `spa-auth <args>` with the token in its environment, as a script in CI would; never throws. */
async function cli(args: string[], env: { token: string; apiUrl: string }) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', SPA_AUTH_TOKEN: env.token, SPA_AUTH_API_URL: env.apiUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('when a token is made on the API tokens page, then the CLI works with it until it is revoked there', async ({
  page,
  context,
  signedIn,
  apiURL,
  dashboardPage,
}) => {
  const tokensPage = new ApiTokensPage(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await dashboardPage.openFromNav('API tokens');
  await expect(tokensPage.heading).toBeVisible();

  await tokensPage.name.fill('e2e script');
  await tokensPage.scope('profile:read').check();
  await tokensPage.scope('sessions:read').check();
  await tokensPage.lifetime(7).check();
  await tokensPage.create.click();

  // Read once, through the clipboard, as a person would take it from the page.
  await expect(tokensPage.secret).toBeVisible();
  await tokensPage.copy.click();
  await expect(page.getByText('Copied', { exact: true })).toBeVisible();
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toMatch(API_TOKEN_PATTERN);
  await expect(tokensPage.secret).toHaveValue(token);
  await tokensPage.done.click();
  await expect(tokensPage.secret).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);
  await expect(tokensPage.tokens.filter({ hasText: 'e2e script' })).toContainText(token.slice(0, 12));

  const me = await cli(['me', '--json'], { token, apiUrl: apiURL });
  expect(me, me.stderr).toMatchObject({ code: 0 });
  expect(JSON.parse(me.stdout).user.email).toBe(signedIn.email);
  const sessions = await cli(['sessions', 'list'], { token, apiUrl: apiURL });
  expect(sessions.code, sessions.stderr).toBe(0);
  // A scope it was not given: refused, and the CLI names the scope.
  const revokeAttempt = await cli(['sessions', 'revoke', crypto.randomUUID()], { token, apiUrl: apiURL });
  expect(revokeAttempt.code).toBe(4);
  expect(revokeAttempt.stderr).toContain('sessions:write');

  // The page shows the use (time and IP) once it is loaded again.
  await page.reload();
  await expect(tokensPage.tokens.filter({ hasText: 'e2e script' })).not.toContainText('Never');

  await tokensPage.revoke('e2e script');
  await expect(tokensPage.tokens.filter({ hasText: 'e2e script' })).toHaveCount(0);
  const refused = await cli(['me'], { token, apiUrl: apiURL });
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain('revoked');
  expect(refused.stderr).not.toContain(token);
});
