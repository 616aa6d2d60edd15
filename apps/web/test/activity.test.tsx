import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

const TABLE = 'Security events of this account, newest first';
const bodyRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

describe('security activity page', () => {
  it('when the user opens Activity from the header, then the events show newest first, with a name, device, IP and detail each', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    apiDouble.recordActivity(DEMO_USER, 1, 'signed_in');
    apiDouble.recordActivity(DEMO_USER, 1, 'sign_in_failed');
    apiDouble.recordActivity(DEMO_USER, 1, 'email_changed', 'from old@example.com to demo@example.com');
    const app = renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });

    await app.user.click(screen.getByRole('link', { name: 'Activity' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Security activity' })).toBeInTheDocument();
    const rows = bodyRows(await screen.findByRole('table', { name: TABLE }));
    expect(rows.map((row) => within(row).getAllByRole('cell')[1]?.textContent)).toEqual([
      'Email address changed',
      'Failed sign-in',
      'Signed in',
    ]);
    const [changed] = rows;
    expect(changed).toHaveTextContent('Firefox on Linux');
    expect(changed).toHaveTextContent('192.0.2.2');
    expect(changed).toHaveTextContent('from old@example.com to demo@example.com');
    // The API's instant, machine-readable; the text is the reader's own locale.
    expect(within(changed as HTMLElement).getByRole('time')).toHaveAttribute('datetime', '2025-01-01T10:00:02.000Z');
    expect(app.url()).toBe('/activity');
  });

  it('when there are more events than a page, then "Load more" fetches the next page with the cursor and adds it below', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    apiDouble.recordActivity(DEMO_USER, 1, 'registered');
    apiDouble.recordActivity(DEMO_USER, 51, 'signed_in');
    const app = renderApp('/activity');
    const table = await screen.findByRole('table', { name: TABLE });
    expect(bodyRows(table)).toHaveLength(50);
    expect(within(table).queryByText('Account created')).not.toBeInTheDocument();

    await app.user.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await within(table).findByText('Account created')).toBeInTheDocument();
    expect(bodyRows(table)).toHaveLength(52);
    // The oldest event, last; and no further page to ask for.
    expect(bodyRows(table).at(-1)).toHaveTextContent('Account created');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(apiDouble.count('GET', '/api/me/activity')).toBe(2);
  });

  it('when nothing has been recorded, then the page says so and offers no table', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    renderApp('/activity');

    expect(await screen.findByText('No activity recorded yet.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });
});
