import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_ADMIN, DEMO_USER, installApiDouble, problem, server } from './support/api-double.ts';
import { installNotesDouble, NOTES_URL, notesProblem } from './support/notes-double.ts';
import { renderApp } from './support/render-app.tsx';

const LIST = 'Notes, newest first';
const TEXT_RULE = 'A note is 1 to 1000 characters, not counting spaces at either end.';

/** The Notes page, signed in as `user`, with the notes service at NOTES_URL, once the list has arrived. */
async function notesPage(prepare?: (notes: ReturnType<typeof installNotesDouble>) => void, user: { id: string } = DEMO_USER) {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(user);
  const notes = installNotesDouble(apiDouble);
  prepare?.(notes);
  const app = renderApp('/notes', { notesUrl: NOTES_URL });
  expect(await screen.findByRole('heading', { level: 1, name: 'Notes' })).toBeInTheDocument();
  await waitFor(() => expect(screen.queryByText('Loading notes…')).not.toBeInTheDocument());
  return { apiDouble, notes, app, form: screen.getByRole('form', { name: 'Add a note' }) };
}

const listed = () => within(screen.getByRole('list', { name: LIST })).getAllByRole('listitem');
const textsListed = () => listed().map((item) => item.querySelector('.notes-text')?.textContent);

describe('Notes page', () => {
  it('when the user opens "Notes" from the header, then their own notes show, newest first, fetched with the access token', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const notes = installNotesDouble(apiDouble);
    notes.addNote(DEMO_USER, 'buy milk');
    notes.addNote(DEMO_ADMIN, 'the admin’s own note');
    notes.addNote(DEMO_USER, 'call the bank\nbefore noon');
    const app = renderApp('/', { notesUrl: NOTES_URL });
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });

    await app.user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Notes' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Notes' })).toBeInTheDocument();
    expect(app.url()).toBe('/notes');
    await screen.findByRole('list', { name: LIST });
    expect(textsListed()).toEqual(['call the bank\nbefore noon', 'buy milk']);
    expect(screen.getByText('2 of 100 notes.')).toBeInTheDocument();
    expect(within(listed()[1] as HTMLElement).getByRole('time')).toHaveAttribute('datetime', '2025-01-01T10:00:00.000Z');
    // A token origin's request: the access token, but neither the API's CSRF header nor a cookie.
    const [list] = notes.requests;
    expect(list).toMatchObject({ method: 'GET', path: '/notes' });
    expect(list?.headers.get('Authorization')).toMatch(/^Bearer at-\d+\.u-demo\./);
    expect(list?.headers.get('X-Requested-With')).toBeNull();
  });

  it('when the user has no notes, then the page says so and offers the form', async () => {
    const { form } = await notesPage();

    expect(screen.getByText('No notes yet.')).toBeInTheDocument();
    expect(within(form).getByLabelText('Note')).toHaveAccessibleDescription('Up to 1000 characters. Only you can see your notes.');
  });

  it('when a note is added, then it is first in the list, the field is empty again and "Note added." is announced', async () => {
    const { app, form, notes } = await notesPage((n) => n.addNote(DEMO_USER, 'older note'));

    await app.user.type(within(form).getByLabelText('Note'), '  pick up the parcel  ');
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));

    expect(await within(form).findByRole('status')).toHaveTextContent('Note added.');
    expect(within(form).getByLabelText('Note')).toHaveValue('');
    await waitFor(() => expect(textsListed()).toEqual(['pick up the parcel', 'older note']));
    expect(notes.textsOf(DEMO_USER)).toEqual(['pick up the parcel', 'older note']);
  });

  it('when the text is only spaces, then the service’s validation_failed is shown on the field, which takes the focus', async () => {
    const { app, form, notes } = await notesPage();
    const field = within(form).getByLabelText('Note');

    await app.user.type(field, '   ');
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));

    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(`Up to 1000 characters. Only you can see your notes. ${TEXT_RULE}`);
    expect(field).toHaveFocus();
    expect(notes.textsOf(DEMO_USER)).toEqual([]);
    expect(notes.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('when the text is longer than 1000 characters, then the field says the rule, and a note of 1000 is taken', async () => {
    const { app, form, notes } = await notesPage();
    const field = within(form).getByLabelText('Note');

    // Pasted rather than typed: a thousand keystrokes would only slow the test.
    field.focus();
    await app.user.paste('x'.repeat(1001));
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));
    expect(await within(form).findByText(TEXT_RULE)).toBeInTheDocument();

    await app.user.type(field, '{Backspace}');
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Note added.');
    expect(field).not.toHaveAttribute('aria-invalid');
    expect(within(form).queryByText(TEXT_RULE)).not.toBeInTheDocument();
    expect(notes.textsOf(DEMO_USER)).toEqual(['x'.repeat(1000)]);
  });

  it('when the user has 100 notes, then adding one says so in the form’s alert, which takes the focus, and the text stays', async () => {
    const { app, form } = await notesPage((n) => {
      for (let i = 0; i < 100; i += 1) n.addNote(DEMO_USER, `note ${i}`);
    });
    const field = within(form).getByLabelText('Note');

    await app.user.type(field, 'one too many');
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));

    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('You have 100 notes, the most the notes service keeps. Delete one, then add this one.');
    expect(alert).toHaveFocus();
    expect(field).toHaveValue('one too many');
    expect(field).not.toHaveAttribute('aria-invalid');
  });

  it('when the notes service is briefly unavailable, then adding says so, and the next try works', async () => {
    const { app, form, notes } = await notesPage();
    server.use(http.post(`${NOTES_URL}/notes`, () => notesProblem(503, 'service_unavailable', { 'Retry-After': '5' }), { once: true }));

    await app.user.type(within(form).getByLabelText('Note'), 'try again');
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('The notes service is briefly unavailable. Try again in a moment.');

    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Note added.');
    expect(notes.textsOf(DEMO_USER)).toEqual(['try again']);
  });

  it('when a note is deleted, then it leaves the list, "Note deleted." takes the focus, and the others stay', async () => {
    const { app, notes } = await notesPage((n) => {
      n.addNote(DEMO_USER, 'keep me');
      n.addNote(DEMO_USER, 'delete me');
    });

    await app.user.click(screen.getByRole('button', { name: 'Delete the note “delete me”' }));

    const message = await screen.findByText('Note deleted.');
    await waitFor(() => expect(message).toHaveFocus());
    expect(textsListed()).toEqual(['keep me']);
    expect(notes.textsOf(DEMO_USER)).toEqual(['keep me']);
    expect(notes.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('when a note was deleted elsewhere meanwhile, then its Delete says it was already deleted and it leaves the list', async () => {
    let elsewhere = '';
    const { app, notes } = await notesPage((n) => {
      n.addNote(DEMO_USER, 'keep me');
      elsewhere = n.addNote(DEMO_USER, 'gone in another tab').id;
    });
    notes.forget(elsewhere);

    await app.user.click(screen.getByRole('button', { name: 'Delete the note “gone in another tab”' }));

    expect(await screen.findByText('That note was already deleted.')).toBeInTheDocument();
    expect(textsListed()).toEqual(['keep me']);
  });

  it('when the access token is refused by the notes service, then one refresh and a retry, and the note is added', async () => {
    const { apiDouble, app, form, notes } = await notesPage();
    const refreshes = apiDouble.count('POST', '/auth/refresh');
    apiDouble.revokeAccessTokens();

    await app.user.type(within(form).getByLabelText('Note'), 'after a refresh');
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));

    expect(await within(form).findByRole('status')).toHaveTextContent('Note added.');
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(refreshes + 1);
    const posts = notes.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.headers.get('Authorization')).not.toBe(posts[0]?.headers.get('Authorization'));
    expect(notes.textsOf(DEMO_USER)).toEqual(['after a refresh']);
  });

  it('when the session has ended, then the notes service’s refusal leads to the login page with returnTo /notes, and no note is added', async () => {
    const { apiDouble, app, form, notes } = await notesPage();
    apiDouble.revokeAccessTokens();
    server.use(http.post(api('/auth/refresh'), () => problem(401, 'session_revoked')));

    await app.user.type(within(form).getByLabelText('Note'), 'too late');
    await app.user.click(within(form).getByRole('button', { name: 'Add note' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(app.url()).toBe('/login?returnTo=%2Fnotes');
    expect(app.onSessionExpired).toHaveBeenCalledWith({ code: 'session_revoked' });
    expect(notes.textsOf(DEMO_USER)).toEqual([]);
  });
});

describe('without a notes service', () => {
  it('when VITE_NOTES_URL is unset, then the header has no Notes and /notes is not found', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    renderApp('/notes');

    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
  });

  it('when VITE_NOTES_URL is unset, then the signed-in header lists no Notes link', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });

    expect(within(nav).getByRole('link', { name: 'API tokens' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Notes' })).not.toBeInTheDocument();
  });
});
