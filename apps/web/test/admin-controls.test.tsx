import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

/** The admin page, signed in as the demo admin, once the first page of users has arrived. */
async function adminPage(prepare?: (apiDouble: ReturnType<typeof installApiDouble>) => void) {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(DEMO_ADMIN);
  prepare?.(apiDouble);
  const app = renderApp('/admin');
  const table = await screen.findByRole('table', { name: 'Every account, oldest first' });
  return { apiDouble, app, table };
}

const rowOf = (email: string) => screen.getByRole('cell', { name: email }).closest('tr') as HTMLElement;
const bodyRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

describe('admin controls', () => {
  it('when a search is submitted, then only the matching accounts show, under a caption that says so', async () => {
    const { app } = await adminPage();

    await app.user.type(screen.getByRole('searchbox', { name: 'Search by email or name' }), 'admin@');
    await app.user.click(screen.getByRole('button', { name: 'Search' }));

    const table = await screen.findByRole('table', { name: 'Accounts matching “admin@”, oldest first' });
    expect(bodyRows(table)).toHaveLength(1);
    expect(within(table).getByRole('cell', { name: DEMO_ADMIN.email })).toBeInTheDocument();
  });

  it('when a search matches nothing, then the page says so', async () => {
    const { app } = await adminPage();

    await app.user.type(screen.getByRole('searchbox', { name: 'Search by email or name' }), 'nobody-has-this');
    await app.user.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByText('No account matches “nobody-has-this”.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('when there are more accounts than a page, then "Load more" adds the next page', async () => {
    const { app, table } = await adminPage((apiDouble) => {
      for (let i = 0; i < 50; i += 1) apiDouble.addUnverifiedUser();
    });
    expect(bodyRows(table)).toHaveLength(50);

    await app.user.click(screen.getByRole('button', { name: 'Load more' }));

    await waitFor(() => expect(bodyRows(table)).toHaveLength(52));
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(bodyRows(table).at(-1)).toHaveTextContent('email unconfirmed');
  });

  it('when the admin disables a user, then the API disables it, the list is fetched again and shows it, and Enable undoes it', async () => {
    const { apiDouble, app } = await adminPage();
    expect(rowOf(DEMO_USER.email)).toHaveTextContent('Active');
    const listsBefore = apiDouble.count('GET', '/api/admin/users');

    await app.user.click(screen.getByRole('button', { name: `Disable ${DEMO_USER.email}` }));

    expect(await screen.findByRole('status')).toHaveTextContent(`${DEMO_USER.email} is disabled, and signed out everywhere.`);
    expect(apiDouble.isDisabled(DEMO_USER)).toBe(true);
    await waitFor(() => expect(rowOf(DEMO_USER.email)).toHaveTextContent('Disabled'));
    expect(apiDouble.count('GET', '/api/admin/users')).toBeGreaterThan(listsBefore);

    await app.user.click(screen.getByRole('button', { name: `Enable ${DEMO_USER.email}` }));

    expect(await screen.findByText(`${DEMO_USER.email} is enabled again.`)).toBeInTheDocument();
    expect(apiDouble.isDisabled(DEMO_USER)).toBe(false);
    await waitFor(() => expect(rowOf(DEMO_USER.email)).toHaveTextContent('Active'));
  });

  it('when the admin makes a user an admin, then the role changes and the button turns into "Make user"', async () => {
    const { apiDouble, app } = await adminPage();

    await app.user.click(screen.getByRole('button', { name: `Make admin ${DEMO_USER.email}` }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      `${DEMO_USER.email} is now an admin, and signs in again with the new role.`,
    );
    expect(apiDouble.roleOf(DEMO_USER)).toBe('admin');
    expect(await screen.findByRole('button', { name: `Make user ${DEMO_USER.email}` })).toBeInTheDocument();
  });

  it('when the admin tries to demote themselves, then the API’s 409 admin_lockout shows in its own words and nothing changes', async () => {
    const { apiDouble, app } = await adminPage();

    await app.user.click(screen.getByRole('button', { name: `Make user ${DEMO_ADMIN.email}` }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This would leave no admin able to sign in: an admin cannot demote or disable themselves, nor the last admin',
    );
    expect(apiDouble.roleOf(DEMO_ADMIN)).toBe('admin');
    // Still signed in and still on the page: a refused change is not a session problem.
    expect(app.client.getSession()?.user.email).toBe(DEMO_ADMIN.email);
    expect(app.url()).toBe('/admin');
  });

  it('when "End all sessions" is pressed, then the API is asked once for that user and the page says it is done', async () => {
    const { apiDouble, app } = await adminPage();

    await app.user.click(screen.getByRole('button', { name: `End all sessions of ${DEMO_USER.email}` }));

    expect(await screen.findByRole('status')).toHaveTextContent(`Every session of ${DEMO_USER.email} was ended.`);
    expect(apiDouble.count('POST', `/api/admin/users/${DEMO_USER.id}/sessions/revoke`)).toBe(1);
  });

  it('when the admin’s sign-in is old, then the password dialog asks, and the change is made without pressing Disable again', async () => {
    const { apiDouble, app } = await adminPage();
    apiDouble.ageSignIns();

    await app.user.click(screen.getByRole('button', { name: `Disable ${DEMO_USER.email}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    expect(apiDouble.isDisabled(DEMO_USER)).toBe(false);
    await app.user.type(within(dialog).getByLabelText('Password'), DEMO_ADMIN.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('status')).toHaveTextContent(`${DEMO_USER.email} is disabled, and signed out everywhere.`);
    expect(apiDouble.isDisabled(DEMO_USER)).toBe(true);
    expect(apiDouble.count('PATCH', `/api/admin/users/${DEMO_USER.id}`)).toBe(2);
  });

  it('when the admin opens a user’s activity, then that user’s events show in the activity table, named after the user', async () => {
    const { apiDouble, app } = await adminPage((double) => {
      double.recordActivity(DEMO_USER, 1, 'sign_in_failed');
      double.recordActivity(DEMO_ADMIN, 1, 'role_changed', 'to admin by an admin');
    });

    await app.user.click(screen.getByRole('link', { name: `Activity of ${DEMO_USER.email}` }));

    expect(await screen.findByRole('heading', { level: 1, name: `Activity of ${DEMO_USER.email}` })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Security events of this account, newest first' });
    expect(bodyRows(table)).toHaveLength(1);
    expect(bodyRows(table)[0]).toHaveTextContent('Failed sign-in');
    expect(app.url()).toBe(`/admin/users/${DEMO_USER.id}/activity`);
    expect(apiDouble.count('GET', `/api/admin/users/${DEMO_USER.id}/activity`)).toBe(1);

    await app.user.click(screen.getByRole('link', { name: 'Back to the users' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Users' })).toBeInTheDocument();
  });

  it('when a user without the admin role opens another user’s activity, then "Forbidden", still signed in', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const app = renderApp(`/admin/users/${DEMO_ADMIN.id}/activity`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Forbidden' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
  });
});
