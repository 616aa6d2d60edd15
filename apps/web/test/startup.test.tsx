import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, DEMO_USER, deferred, installApiDouble, problem, server } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

/** Holds the start-up refresh until the test releases it, then lets the API double answer. */
function holdRefresh() {
  const release = deferred();
  const arrived = deferred();
  server.use(
    http.post(
      api('/auth/refresh'),
      async () => {
        arrived.resolve();
        await release.promise;
        // Fall through to the API double's own answer.
        return undefined;
      },
      { once: true },
    ),
  );
  return { arrived: arrived.promise, release: release.resolve };
}

/**
 * Records whether the "Sign in" heading ever entered the page, however briefly: a flash of the login
 * page can be one render long, and a query made afterwards would miss it.
 */
function watchForSignInHeading() {
  let seen = false;
  const inspect = (records: MutationRecord[]) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof HTMLElement)) continue;
        // Queried on a copy: the node may have left the page again by now.
        const copy = document.createElement('div');
        copy.append(node.cloneNode(true));
        if (within(copy).queryByRole('heading', { name: 'Sign in', hidden: true })) seen = true;
      }
    }
  };
  const observer = new MutationObserver(inspect);
  observer.observe(document.body, { childList: true, subtree: true });
  return {
    wasSeen: () => {
      inspect(observer.takeRecords());
      observer.disconnect();
      return seen;
    },
  };
}

describe('start-up', () => {
  it('when the restore refresh has not answered yet, then a neutral loading status shows and not the login form', async () => {
    installApiDouble();
    const held = holdRefresh();
    const watch = watchForSignInHeading();
    const app = renderApp('/sessions');
    await held.arrived;

    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    expect(screen.queryByRole('heading', { name: 'Sign in' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    expect(app.url()).toBe('/sessions');

    held.release();

    // No cookie: once the refresh answers 401 refresh_missing, and only then, the guard sends the user to sign in.
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(app.url()).toBe('/login?returnTo=%2Fsessions');
    // The watcher does see a login page when there is one.
    expect(watch.wasSeen()).toBe(true);
  });

  it('when the browser holds a valid refresh cookie, then the dashboard shows without the login page ever appearing', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    const held = holdRefresh();
    const watch = watchForSignInHeading();
    const app = renderApp('/');
    await held.arrived;
    expect(screen.getByRole('status')).toHaveTextContent('Loading…');

    held.release();

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(watch.wasSeen()).toBe(false);
    expect(app.url()).toBe('/');
  });

  it('when the app starts in StrictMode, then exactly one refresh restores the session', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    renderApp('/settings');

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue(DEMO_USER.name));
    expect(apiDouble.count('POST', '/auth/refresh')).toBe(1);
  });

  it('when the server cannot be reached at start-up, then a retry screen shows instead of the login page', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    server.use(http.post(api('/auth/refresh'), () => problem(503, 'service_unavailable'), { once: true }));
    const app = renderApp('/sessions');

    expect(await screen.findByRole('heading', { level: 1, name: 'Cannot reach the server' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Sign in' })).not.toBeInTheDocument();

    await app.user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
  });
});
