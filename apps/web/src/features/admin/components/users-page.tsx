import type { AdminUser, UpdateUserAccessRequest } from '@spa-auth/contract';
import { ApiError } from '@spa-auth/http-client';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient, useSession } from '../../../lib/services.tsx';
import { ADMIN_USERS_KEY, adminUsersQuery, endUserSessions, revokeUserApiTokens, updateUserAccess } from '../api/users.ts';
import { ForbiddenPage } from './forbidden-page.tsx';
import { SecondFactorNeededPage, secondFactorNeededBy } from './second-factor-needed-page.tsx';
import { activityState } from './user-activity-page.tsx';
import './users-page.css';

type Action = { user: AdminUser } & (
  | { kind: 'access'; change: UpdateUserAccessRequest }
  | { kind: 'end-sessions' }
  | { kind: 'revoke-tokens' }
);

// admin_lockout's own detail says why (yourself, or the last admin), so it is shown as the API words it.
const MESSAGES = {
  insufficient_user_authentication: 'The change needs your password again; it was not made.',
  second_factor_not_enrolled: 'The change needs two-factor authentication on your account: set it up in Settings. It was not made.',
};

/** What an action did, in words, once the API has done it. */
function doneMessage(action: Action): string {
  const { email } = action.user;
  if (action.kind === 'end-sessions') return `Every session of ${email} was ended.`;
  if (action.kind === 'revoke-tokens') return `Every API token of ${email} was revoked.`;
  if (action.change.disabled === true) return `${email} is disabled, and signed out everywhere.`;
  if (action.change.disabled === false) return `${email} is enabled again.`;
  return `${email} is now ${action.change.role === 'admin' ? 'an admin' : 'a user'}, and signs in again with the new role.`;
}

/**
 * Every account, searchable and page by page, with an admin's controls over each. For a non-admin
 * the API answers 403: a Forbidden page, no refresh, and the user stays signed in. With
 * REQUIRE_MFA_FOR_ADMIN, an admin whose sign-in did not use the second factor is asked for it (the
 * re-authentication dialog) before the list shows, and one without a factor is sent to Settings.
 */
export function AdminUsersPage() {
  const client = useClient();
  const session = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const users = useInfiniteQuery(adminUsersQuery(client, search));
  const [done, setDone] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: async (action: Action): Promise<void> => {
      if (action.kind === 'access') await updateUserAccess(client, action.user.id, action.change);
      else if (action.kind === 'end-sessions') await endUserSessions(client, action.user.id);
      else await revokeUserApiTokens(client, action.user.id);
    },
    onMutate: () => setDone(null),
    onSuccess: (_result, action) => {
      setDone(doneMessage(action));
      return queryClient.invalidateQueries({ queryKey: ADMIN_USERS_KEY });
    },
  });

  if (users.error instanceof ApiError && users.error.code === 'insufficient_scope') return <ForbiddenPage />;
  const need = secondFactorNeededBy(users.error);
  if (need) return <SecondFactorNeededPage need={need} onRetry={() => void users.refetch()} />;

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    act.reset();
    setSearch(draft.trim());
  };
  const rows = users.data?.pages.flatMap((page) => page.users) ?? [];

  return (
    <Page title="Users">
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is not known to jsdom (the web tests) nor to browsers before 2023; the role says the same */}
      <form role="search" className="admin-search" onSubmit={onSearch}>
        <label htmlFor="admin-search">Search by email or name</label>
        <input id="admin-search" type="search" value={draft} onChange={(event) => setDraft(event.target.value)} maxLength={100} />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <div aria-live="polite">
        {act.error ? <Alert tone="error">{toFormProblem(act.error, MESSAGES).form}</Alert> : null}
        {done ? <Alert tone="success">{done}</Alert> : null}
      </div>
      {users.error ? <Alert tone="error">{toFormProblem(users.error).form}</Alert> : null}
      {users.isPending ? <p role="status">Loading users…</p> : null}
      {users.data && rows.length === 0 ? <p>No account matches “{search}”.</p> : null}
      {rows.length > 0 ? (
        <div className="admin-users">
          <table>
            <caption>{search ? `Accounts matching “${search}”, oldest first` : 'Every account, oldest first'}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.id}>
                  <td>
                    {u.name}
                    {u.id === session?.user.id ? <span className="badge">You</span> : null}
                  </td>
                  <td>{u.email}</td>
                  <td>{u.role}</td>
                  <td>
                    {u.disabled ? 'Disabled' : 'Active'}
                    {u.emailVerified ? '' : ', email unconfirmed'}
                  </td>
                  <td>{new Date(u.createdAt).toLocaleDateString()}</td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="button small"
                        disabled={act.isPending}
                        aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                        onClick={() => act.mutate({ kind: 'access', user: u, change: { disabled: !u.disabled } })}
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                      <button
                        type="button"
                        className="button small"
                        disabled={act.isPending}
                        aria-label={`${u.role === 'admin' ? 'Make user' : 'Make admin'} ${u.email}`}
                        onClick={() => act.mutate({ kind: 'access', user: u, change: { role: u.role === 'admin' ? 'user' : 'admin' } })}
                      >
                        {u.role === 'admin' ? 'Make user' : 'Make admin'}
                      </button>
                      <button
                        type="button"
                        className="button small"
                        disabled={act.isPending}
                        aria-label={`End all sessions of ${u.email}`}
                        onClick={() => act.mutate({ kind: 'end-sessions', user: u })}
                      >
                        End all sessions
                      </button>
                      <button
                        type="button"
                        className="button small"
                        disabled={act.isPending}
                        aria-label={`Revoke API tokens of ${u.email}`}
                        onClick={() => act.mutate({ kind: 'revoke-tokens', user: u })}
                      >
                        Revoke API tokens
                      </button>
                      <Link
                        to={`/admin/users/${encodeURIComponent(u.id)}/activity`}
                        state={activityState(u)}
                        aria-label={`Activity of ${u.email}`}
                      >
                        Activity
                      </Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {users.hasNextPage ? (
        <button type="button" className="button" onClick={() => void users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          {users.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </Page>
  );
}
