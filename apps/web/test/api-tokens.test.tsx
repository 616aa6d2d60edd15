import { API_TOKEN_PATTERN, MAX_API_TOKENS_PER_USER, ROLE_SCOPES, SCOPE_DESCRIPTIONS, SCOPES } from '@spa-auth/contract';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { absoluteApiUrl } from '../src/features/api-tokens/credentials.ts';
import { API_URL, DEMO_ADMIN, DEMO_USER, installApiDouble } from './support/api-double.ts';
import { renderApp } from './support/render-app.tsx';

const TABLE = 'API tokens of this account, newest first';
const SECRET_LABEL = 'Your new API token';

/** The API tokens page, signed in as `user`, once the form and the list have arrived. */
async function tokensPage(user: { id: string } = DEMO_USER, prepare?: (apiDouble: ReturnType<typeof installApiDouble>) => void) {
  const apiDouble = installApiDouble();
  apiDouble.giveCookie(user);
  prepare?.(apiDouble);
  const app = renderApp('/tokens');
  const form = await screen.findByRole('form', { name: 'Create a token' });
  await waitFor(() => expect(screen.queryByText('Loading tokens…')).not.toBeInTheDocument());
  return { apiDouble, app, form };
}

const rowOf = (name: string) => screen.getByRole('cell', { name }).closest('tr') as HTMLElement;
const bodyRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);
const textsOf = (elements: HTMLElement[]) => elements.map((element) => element.textContent);
const valuesOf = (elements: HTMLElement[]) => elements.map((element) => element.getAttribute('value'));
const secretField = () => screen.getByRole('textbox', { name: SECRET_LABEL }) as HTMLInputElement;

/** Fills in the form and presses "Create token". */
async function fillAndCreate(app: ReturnType<typeof renderApp>, form: HTMLElement, token: { name: string; scopes: string[] }) {
  if (token.name) await app.user.type(within(form).getByLabelText('Name'), token.name);
  for (const scope of token.scopes) await app.user.click(within(form).getByRole('checkbox', { name: scope }));
  await app.user.click(within(form).getByRole('button', { name: 'Create token' }));
}

describe('API tokens page', () => {
  it('when the user opens "API tokens" from the header, then the tokens show: name, scopes, prefix, dates, last use or Never, Expired', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    apiDouble.addApiToken(DEMO_USER, {
      name: 'old backup',
      scopes: ['activity:read'],
      prefix: 'spa_pat_Zz90',
      createdAt: '2024-01-02T09:00:00.000Z',
      expiresAt: '2024-02-01T09:00:00.000Z',
    });
    apiDouble.addApiToken(DEMO_USER, {
      name: 'deploy script',
      scopes: ['profile:read', 'sessions:read'],
      prefix: 'spa_pat_Ab3x',
      createdAt: '2025-01-01T10:00:00.000Z',
      expiresAt: '2099-01-01T10:00:00.000Z',
      lastUsedAt: '2025-01-03T12:30:00.000Z',
      lastUsedIp: '192.0.2.7',
    });
    const app = renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });

    await app.user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'API tokens' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'API tokens' })).toBeInTheDocument();
    expect(app.url()).toBe('/tokens');
    const table = await screen.findByRole('table', { name: TABLE });
    expect(textsOf(within(table).getAllByRole('columnheader'))).toEqual([
      'Name',
      'Scopes',
      'Token',
      'Created',
      'Last used',
      'Expires',
      'Actions',
    ]);
    expect(bodyRows(table).map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['deploy script', 'old backup']);

    const used = rowOf('deploy script');
    expect(textsOf(within(used).getAllByRole('listitem'))).toEqual(['profile:read', 'sessions:read']);
    expect(used).toHaveTextContent('spa_pat_Ab3x…');
    expect(used).toHaveTextContent('from 192.0.2.7');
    const usedTimes = within(used).getAllByRole('time');
    expect(usedTimes.map((time) => time.getAttribute('datetime'))).toEqual([
      '2025-01-01T10:00:00.000Z',
      '2025-01-03T12:30:00.000Z',
      '2099-01-01T10:00:00.000Z',
    ]);
    expect(used).not.toHaveTextContent('Expired');

    const expired = rowOf('old backup');
    const cells = within(expired).getAllByRole('cell');
    expect(cells[4]).toHaveTextContent('Never');
    expect(cells[5]).toHaveTextContent('Expired');
    expect(within(expired).getByRole('button', { name: 'Revoke old backup (spa_pat_Zz90…)' })).toBeInTheDocument();
  });

  it('when a user opens the form, then only the user role’s scopes are offered, each with its description, none checked, and 30 days is chosen', async () => {
    const { form } = await tokensPage(DEMO_USER);

    expect(valuesOf(within(form).getAllByRole('checkbox'))).toEqual([...ROLE_SCOPES.user]);
    expect(within(form).queryByRole('checkbox', { name: 'admin:read' })).not.toBeInTheDocument();
    for (const scope of ROLE_SCOPES.user) {
      const box = within(form).getByRole('checkbox', { name: scope });
      expect(box).not.toBeChecked();
      expect(box).toHaveAccessibleDescription(SCOPE_DESCRIPTIONS[scope]);
    }
    expect(within(form).getByRole('group', { name: 'Expires after' })).toHaveAccessibleDescription(/30 days is chosen/);
    expect(within(form).getByRole('radio', { name: '30 days' })).toBeChecked();
    expect(valuesOf(within(form).getAllByRole('radio'))).toEqual(['7', '30', '90', '365']);
  });

  it('when an admin opens the form, then every scope is offered, the admin ones included', async () => {
    const { form } = await tokensPage(DEMO_ADMIN);

    expect(valuesOf(within(form).getAllByRole('checkbox'))).toEqual([...SCOPES]);
    expect(within(form).getByRole('checkbox', { name: 'admin:write' })).toHaveAccessibleDescription(SCOPE_DESCRIPTIONS['admin:write']);
  });

  it('when the sign-in is old, then creating asks for the password, and the token is made without pressing Create again, its secret shown', async () => {
    const { apiDouble, app, form } = await tokensPage();
    apiDouble.ageSignIns();

    await app.user.click(within(form).getByRole('radio', { name: '90 days' }));
    await fillAndCreate(app, form, { name: 'nightly export', scopes: ['activity:read', 'profile:read'] });
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    expect(apiDouble.apiTokensOf(DEMO_USER)).toEqual([]);
    await app.user.type(within(dialog).getByLabelText('Password'), DEMO_USER.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    const panel = await screen.findByRole('region', { name: 'Token “nightly export” created' });
    await waitFor(() => expect(within(panel).getByRole('heading', { level: 2 })).toHaveFocus());
    expect(apiDouble.count('POST', '/api/tokens')).toBe(2);
    const [made] = apiDouble.apiTokensOf(DEMO_USER);
    // In the role's order, whatever the order they were checked in.
    expect(made?.scopes).toEqual(['profile:read', 'activity:read']);
    expect(Date.parse(made?.expiresAt ?? '') - Date.parse(made?.createdAt ?? '')).toBe(90 * 86_400_000);
    const secret = secretField();
    expect(secret.value).toMatch(API_TOKEN_PATTERN);
    expect(secret).toHaveAttribute('readonly');
    expect(secret).toHaveAccessibleDescription(
      'Copy it now: you will not see it again. Anyone with it can act as you within its scopes. Keep it as you would a password, and revoke it below if it may have leaked.',
    );
    // The list learns of the new token, by its prefix only.
    const table = await screen.findByRole('table', { name: TABLE });
    await waitFor(() => expect(within(table).getByRole('cell', { name: 'nightly export' })).toBeInTheDocument());
    expect(rowOf('nightly export')).toHaveTextContent(`${made?.prefix}…`);
    expect(rowOf('nightly export')).not.toHaveTextContent(secret.value);
  });

  it('when the password dialog is cancelled, then no token is made, the form says why and keeps what was filled in', async () => {
    const { apiDouble, app, form } = await tokensPage();
    apiDouble.ageSignIns();
    await fillAndCreate(app, form, { name: 'nightly export', scopes: ['activity:read'] });

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    await app.user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    expect(await within(form).findByRole('alert')).toHaveTextContent('The token was not created: creating one needs your password.');
    expect(apiDouble.apiTokensOf(DEMO_USER)).toEqual([]);
    expect(within(form).getByLabelText('Name')).toHaveValue('nightly export');
    expect(within(form).getByRole('checkbox', { name: 'activity:read' })).toBeChecked();
  });

  it('when "Done" is pressed, then the secret is gone from the page for good: not on screen, not in storage, not back on a return', async () => {
    const { app, form } = await tokensPage();
    await fillAndCreate(app, form, { name: 'ci', scopes: ['sessions:read'] });
    const secret = (await screen.findByRole('textbox', { name: SECRET_LABEL })).getAttribute('value') as string;
    expect(secret).toMatch(API_TOKEN_PATTERN);
    // While the panel shows, no second token can be started over it.
    expect(screen.queryByRole('form', { name: 'Create a token' })).not.toBeInTheDocument();

    await app.user.click(screen.getByRole('button', { name: 'Done' }));

    expect(screen.queryByRole('textbox', { name: SECRET_LABEL })).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(secret);
    const freshForm = await screen.findByRole('form', { name: 'Create a token' });
    await waitFor(() => expect(within(freshForm).getByRole('heading', { name: 'Create a token' })).toHaveFocus());
    expect(within(freshForm).getByLabelText('Name')).toHaveValue('');
    expect(within(freshForm).getByRole('checkbox', { name: 'sessions:read' })).not.toBeChecked();
    for (const storage of [localStorage, sessionStorage]) {
      expect(Object.values({ ...storage }).join('\n')).not.toContain(secret);
    }

    await app.user.click(screen.getByRole('link', { name: 'Sessions' }));
    await screen.findByRole('heading', { level: 1, name: 'Sessions' });
    await app.user.click(screen.getByRole('link', { name: 'API tokens' }));
    await screen.findByRole('table', { name: TABLE });
    expect(rowOf('ci')).toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('when "Copy" is pressed, then the token is on the clipboard and the page says "Copied"', async () => {
    const { app, form } = await tokensPage();
    await fillAndCreate(app, form, { name: 'ci', scopes: ['profile:read'] });
    const panel = await screen.findByRole('region', { name: 'Token “ci” created' });

    await app.user.click(within(panel).getByRole('button', { name: 'Copy' }));

    expect(await within(panel).findByRole('status')).toHaveTextContent('Copied');
    expect(await navigator.clipboard.readText()).toBe(secretField().value);
  });

  it('when "Download credentials" is pressed, then a .env file with the API’s address and the token is saved, and let go after Done', async () => {
    const files = new Map<string, Blob>();
    const revoked: string[] = [];
    // jsdom has no object URLs and cannot save a file: the URL's blob and the link's click are what a browser saves.
    const realCreate = URL.createObjectURL;
    const realRevoke = URL.revokeObjectURL;
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:${window.location.origin}/file-${files.size + 1}`;
      files.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
    const clicks: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.href, download: this.download });
    });
    onTestFinished(() => {
      URL.createObjectURL = realCreate;
      URL.revokeObjectURL = realRevoke;
      click.mockRestore();
    });
    const { app, form } = await tokensPage();
    await fillAndCreate(app, form, { name: 'backup', scopes: ['profile:read'] });
    const panel = await screen.findByRole('region', { name: 'Token “backup” created' });
    const secret = secretField().value;

    await app.user.click(within(panel).getByRole('button', { name: 'Download credentials' }));

    expect(clicks).toHaveLength(1);
    const [saved] = clicks;
    expect(saved?.download).toBe('spa-auth-credentials.env');
    expect(saved?.href).toMatch(/^blob:/);
    const text = await (files.get(saved?.href ?? '') as Blob).text();
    expect(text.split('\n').filter((line) => !line.startsWith('#') && line !== '')).toEqual([
      `SPA_AUTH_API_URL=${API_URL}`,
      `SPA_AUTH_TOKEN=${secret}`,
    ]);
    expect(text).toContain('Keep this file secret');
    expect(revoked).toEqual([]);

    await app.user.click(within(panel).getByRole('button', { name: 'Done' }));

    expect(revoked).toEqual([saved?.href]);
  });

  it('when "Revoke" is pressed, then it asks first; Cancel keeps the token, and confirming revokes it and the row goes', async () => {
    let kept = '';
    const { apiDouble, app } = await tokensPage(DEMO_USER, (double) => {
      kept = double.addApiToken(DEMO_USER, { name: 'keep me', prefix: 'spa_pat_Keep' }).id;
      double.addApiToken(DEMO_USER, { name: 'leaked', prefix: 'spa_pat_Leak' });
    });
    const table = await screen.findByRole('table', { name: TABLE });
    const revoke = within(rowOf('leaked')).getByRole('button', { name: 'Revoke leaked (spa_pat_Leak…)' });

    await app.user.click(revoke);
    const question = within(rowOf('leaked')).getByRole('group', { name: 'Revoke “leaked”? Whatever uses it stops working at once.' });
    await waitFor(() => expect(within(question).getByRole('button', { name: 'Cancel' })).toHaveFocus());
    expect(apiDouble.count('DELETE', '/api/tokens/tok-2')).toBe(0);
    await app.user.click(within(question).getByRole('button', { name: 'Cancel' }));
    const again = within(rowOf('leaked')).getByRole('button', { name: 'Revoke leaked (spa_pat_Leak…)' });
    await waitFor(() => expect(again).toHaveFocus());
    expect(apiDouble.apiTokensOf(DEMO_USER)).toHaveLength(2);

    await app.user.click(again);
    await app.user.click(within(rowOf('leaked')).getByRole('button', { name: 'Revoke token' }));

    const done = await screen.findByRole('status');
    expect(done).toHaveTextContent('“leaked” was revoked: a program that uses it is refused from its next request on.');
    await waitFor(() => expect(done).toHaveFocus());
    expect(bodyRows(table).map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['keep me']);
    expect(apiDouble.count('DELETE', '/api/tokens/tok-2')).toBe(1);
    expect(apiDouble.apiTokensOf(DEMO_USER).map((t) => t.id)).toEqual([kept]);
  });

  it('when the form is sent without a name or a scope, then the API’s field errors show at the name and at the scopes, and the focus goes to the first', async () => {
    const { apiDouble, app, form } = await tokensPage();

    await app.user.click(within(form).getByRole('button', { name: 'Create token' }));

    const name = within(form).getByLabelText('Name');
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(name).toHaveAccessibleDescription(/Must not be empty\.$/);
    await waitFor(() => expect(name).toHaveFocus());
    const scopes = within(form).getByRole('group', { name: 'Scopes' });
    expect(scopes).toHaveAccessibleDescription(/Must name at least one scope\.$/);

    await app.user.type(name, 'ci');
    await app.user.click(within(form).getByRole('button', { name: 'Create token' }));

    await waitFor(() => expect(name).not.toHaveAttribute('aria-invalid'));
    expect(scopes).toHaveAccessibleDescription(/Must name at least one scope\.$/);
    await waitFor(() => expect(within(scopes).getAllByRole('checkbox')[0]).toHaveFocus());
    expect(apiDouble.count('POST', '/api/tokens')).toBe(2);
    expect(apiDouble.apiTokensOf(DEMO_USER)).toEqual([]);
  });

  it('when the account already holds the most live tokens, then the 409 shows as a message and no panel opens', async () => {
    const { apiDouble, app, form } = await tokensPage(DEMO_USER, (double) => {
      for (let i = 0; i < MAX_API_TOKENS_PER_USER; i += 1) double.addApiToken(DEMO_USER, { name: `token ${i}` });
    });

    await fillAndCreate(app, form, { name: 'one more', scopes: ['profile:read'] });

    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent(
      `This account has ${MAX_API_TOKENS_PER_USER} tokens, the most it may hold. Revoke one it no longer needs, then create this one.`,
    );
    await waitFor(() => expect(alert).toHaveFocus());
    expect(screen.queryByRole('textbox', { name: SECRET_LABEL })).not.toBeInTheDocument();
    expect(apiDouble.apiTokensOf(DEMO_USER)).toHaveLength(MAX_API_TOKENS_PER_USER);
  });

  it('when the activity log holds token events, then they show by name, with the token’s name as the detail', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_USER);
    apiDouble.recordActivity(DEMO_USER, 1, 'api_token_created', 'deploy script');
    apiDouble.recordActivity(DEMO_USER, 1, 'api_token_used_from_new_ip', 'deploy script');
    apiDouble.recordActivity(DEMO_USER, 1, 'api_token_expired', 'old backup');
    apiDouble.recordActivity(DEMO_USER, 1, 'api_token_revoked', 'deploy script');
    renderApp('/activity');

    const table = await screen.findByRole('table', { name: 'Security events of this account, newest first' });
    expect(bodyRows(table).map((row) => [1, 4].map((i) => within(row).getAllByRole('cell')[i]?.textContent))).toEqual([
      ['API token revoked', 'deploy script'],
      ['API token expired', 'old backup'],
      ['API token used from a new IP', 'deploy script'],
      ['API token created', 'deploy script'],
    ]);
  });
});

describe('the credentials file’s API address', () => {
  it('when the app calls the API by a path (one proxy for both), then the file names it absolutely, on the page’s origin', () => {
    expect(absoluteApiUrl('/', 'https://app.example')).toBe('https://app.example');
    expect(absoluteApiUrl('/backend', 'https://app.example')).toBe('https://app.example/backend');
    expect(absoluteApiUrl('https://api.example', 'https://app.example')).toBe('https://api.example');
  });
});

describe('admin: revoke a user’s API tokens', () => {
  it('when the admin’s sign-in is old and "Revoke API tokens" is pressed, then the password is asked once and every token of that user is revoked', async () => {
    const apiDouble = installApiDouble();
    apiDouble.giveCookie(DEMO_ADMIN);
    apiDouble.addApiToken(DEMO_USER, { name: 'one' });
    apiDouble.addApiToken(DEMO_USER, { name: 'two' });
    apiDouble.addApiToken(DEMO_ADMIN, { name: 'the admin’s own' });
    const app = renderApp('/admin');
    await screen.findByRole('table', { name: 'Every account, oldest first' });
    apiDouble.ageSignIns();

    await app.user.click(screen.getByRole('button', { name: `Revoke API tokens of ${DEMO_USER.email}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    expect(apiDouble.apiTokensOf(DEMO_USER)).toHaveLength(2);
    await app.user.type(within(dialog).getByLabelText('Password'), DEMO_ADMIN.password);
    await app.user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByRole('status')).toHaveTextContent(`Every API token of ${DEMO_USER.email} was revoked.`);
    expect(apiDouble.count('POST', `/api/admin/users/${DEMO_USER.id}/tokens/revoke`)).toBe(2);
    expect(apiDouble.apiTokensOf(DEMO_USER)).toEqual([]);
    expect(apiDouble.apiTokensOf(DEMO_ADMIN)).toHaveLength(1);
  });
});
