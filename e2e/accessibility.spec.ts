import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

// Axe on every page a user meets; "serious" and "critical" are the impacts that block people.

async function expectNoSeriousViolations(page: Page, name: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`,
    )
    .join('\n');
  expect.soft(blocking, `${name} page:\n${report}`).toEqual([]);
}

test('when axe checks the login, register, dashboard, sessions, settings and forbidden pages, then none has a serious or critical violation', async ({
  page,
  account,
  loginPage,
  registerPage,
  dashboardPage,
  sessionsPage,
  settingsPage,
  adminPage,
}) => {
  await loginPage.goto();
  await expect(loginPage.heading).toBeVisible();
  await expectNoSeriousViolations(page, 'login');

  await registerPage.goto();
  await expect(registerPage.heading).toBeVisible();
  await expectNoSeriousViolations(page, 'register');

  expect((await registerPage.register(account)).status()).toBe(201);
  await expect(dashboardPage.whoAmI).toContainText(account.email);
  await expectNoSeriousViolations(page, 'dashboard');

  await sessionsPage.openFromNav('Sessions');
  await expect(sessionsPage.sessions).toHaveCount(1);
  await expectNoSeriousViolations(page, 'sessions');

  await settingsPage.openFromNav('Settings');
  await expect(settingsPage.name).toHaveValue(account.name);
  await expectNoSeriousViolations(page, 'settings');

  await adminPage.openFromNav('Admin');
  await expect(adminPage.forbidden).toBeVisible();
  await expectNoSeriousViolations(page, 'forbidden');
});
