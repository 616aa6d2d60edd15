import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

// The Sessions page's chunk cannot be had, as after a deploy that replaced it or on a dropped
// connection: its dynamic import rejects.
vi.mock('../src/app/routes/sessions.tsx', () => {
  throw new Error('the chunk is gone');
});

describe('pages in chunks of their own', () => {
  it('when a page’s chunk cannot be fetched, then the page says so and offers a reload, and other pages still open', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    // React reports the error it caught; the page is what this test is about.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = renderApp('/sessions');

    expect(await screen.findByRole('heading', { level: 1, name: 'This page could not be shown' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();

    app.navigate('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(app.client.getSession()?.user.email).toBe(DEMO_USER.email);
  });

  it('when a signed-out visit opens a signed-in page whose chunk cannot be fetched, then the sign-in page shows, not the failure', async () => {
    installApiDouble();
    const app = renderApp('/sessions');
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(app.url()).toBe('/login?returnTo=%2Fsessions');
    expect(screen.queryByText('This page could not be shown')).not.toBeInTheDocument();
  });
});
