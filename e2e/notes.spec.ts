import AxeBuilder from '@axe-core/playwright';
import type { Request } from '@playwright/test';
import { expect, pagesOf, REFRESH_URL, test } from './fixtures.ts';
import { NOTES_URL, NotesPage } from './pages/notes-page.ts';

// The notes service: another service than the API that accepts the same access token (the
// resource-server kit: the API's keys, and introspection for revocation). The browser sends it the
// token as to the API, refreshes once for any number of its requests, and a session ended elsewhere
// leads from it to the sign-in page, as from the API.

const isNoteCall = (request: Request) => request.url().startsWith(`${NOTES_URL}/notes`) && request.method() !== 'OPTIONS';

test.describe('notes', () => {
  test('when the user adds two notes and deletes one, then the other is listed, also after a reload', async ({
    page,
    signedIn: _,
    dashboardPage,
  }) => {
    const notesPage = new NotesPage(page);
    await dashboardPage.openFromNav('Notes');
    await expect(notesPage.heading).toBeFocused();
    await expect(page.getByText('No notes yet.')).toBeVisible();

    await notesPage.addNote('first note');
    await notesPage.addNote('second note');
    await expect(notesPage.texts).toHaveText(['second note', 'first note']);

    await notesPage.deleteButton('first note').click();
    await expect(page.getByText('Note deleted.')).toBeFocused();
    await expect(notesPage.texts).toHaveText(['second note']);

    await page.reload();
    await expect(notesPage.heading).toBeVisible();
    await expect(notesPage.texts).toHaveText(['second note']);

    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });

  test('when notes are deleted and added at once on an expired access token, then exactly one refresh, and each succeeds', async ({
    page,
    signedIn: _,
    dashboardPage,
    refreshes,
  }) => {
    const notesPage = new NotesPage(page);
    await dashboardPage.openFromNav('Notes');
    for (const text of ['a', 'b', 'c']) await notesPage.addNote(text);
    await dashboardPage.openFromNav('Dashboard');
    await dashboardPage.waitForExpiry();

    // The refresh is held until every request below is on its way: they all meet the one refresh.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(REFRESH_URL, async (route) => {
      await held;
      await route.continue();
    });
    const answers: number[] = [];
    page.on('response', (response) => {
      if (isNoteCall(response.request())) answers.push(response.status());
    });
    const before = refreshes.length;

    await notesPage.openFromNav('Notes');
    await expect(notesPage.texts).toHaveText(['c', 'b', 'a']);
    await notesPage.deleteButton('a').click();
    await notesPage.deleteButton('b').click();
    await notesPage.text.fill('d');
    await notesPage.add.click();
    await expect(notesPage.deleteButton('a')).toHaveText('Deleting…');
    await expect(notesPage.deleteButton('b')).toHaveText('Deleting…');
    await expect(notesPage.add).toHaveText('Adding…');
    expect(refreshes.slice(before)).toHaveLength(1);
    release();

    await expect(notesPage.texts).toHaveText(['d', 'c']);
    await expect(notesPage.formStatus).toHaveText('Note added.');
    expect(refreshes.slice(before)).toHaveLength(1);
    expect((await refreshes[before]?.response())?.status()).toBe(200);
    // Every note call waited for the new token: none was refused.
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(answers.filter((status) => status >= 400)).toEqual([]);
  });

  test('when the user signs out in another tab, then the Notes page goes to the sign-in page', async ({
    page,
    context,
    signedIn,
    dashboardPage,
  }) => {
    const notesPage = new NotesPage(page);
    await dashboardPage.openFromNav('Notes');
    await notesPage.addNote('written before signing out');

    const other = pagesOf(await context.newPage());
    await other.dashboardPage.goto();
    await expect(other.dashboardPage.heading).toBeVisible();
    await other.dashboardPage.signOut.click();
    await expect(other.loginPage.heading).toBeVisible();

    await expect(page).toHaveURL(`/login?returnTo=${encodeURIComponent('/notes')}`);
    await expect(pagesOf(page).loginPage.heading).toBeVisible();
    await expect(notesPage.list).toBeHidden();

    // Signing in again returns to the notes, which the service kept.
    expect(await pagesOf(page).loginPage.signIn(signedIn)).toBe(200);
    await expect(page).toHaveURL('/notes');
    await expect(notesPage.texts).toHaveText(['written before signing out']);
  });

  test('when the session is ended through the API, then the notes service refuses its token and the next note leads to the sign-in page', async ({
    page,
    context,
    playwright,
    signedIn,
    dashboardPage,
    apiURL,
  }) => {
    const notesPage = new NotesPage(page);
    await dashboardPage.openFromNav('Notes');
    const sent = page.waitForRequest((request) => isNoteCall(request) && request.method() === 'POST');
    await notesPage.addNote('written before the sign-out');
    const token = (await (await sent).allHeaders()).authorization;
    expect(token).toMatch(/^Bearer /);

    // The browser's own refresh cookie signs the session out (POST /auth/logout), with no tab told.
    const logout = await context.request.post(`${apiURL}/auth/logout`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    expect(logout.status()).toBe(204);
    // The service asks the API again once its 2 s cache of the answer runs out (or the token expires).
    const notes = await playwright.request.newContext();
    await expect
      .poll(async () => (await notes.get(`${NOTES_URL}/notes`, { headers: { Authorization: token ?? '' } })).status(), { timeout: 10_000 })
      .toBe(401);
    await notes.dispose();

    await notesPage.text.fill('written after the sign-out');
    await notesPage.add.click();
    await expect(page).toHaveURL(`/login?returnTo=${encodeURIComponent('/notes')}`);

    expect(await pagesOf(page).loginPage.signIn(signedIn)).toBe(200);
    await expect(page).toHaveURL('/notes');
    await expect(notesPage.texts).toHaveText(['written before the sign-out']);
  });
});
