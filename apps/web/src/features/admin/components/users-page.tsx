import { ApiError } from '@spa-auth/http-client';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';
import { adminUsersQuery } from '../api/users.ts';

/** For a non-admin the API answers 403: a Forbidden page, no refresh, and the user stays signed in. */
export function AdminUsersPage() {
  const client = useClient();
  const users = useQuery(adminUsersQuery(client));
  if (users.error instanceof ApiError && users.error.code === 'insufficient_scope') {
    return (
      <Page title="Forbidden">
        <p>This page is for administrators, and your account does not have the admin role.</p>
        <p>
          <Link to="/">Back to the dashboard</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title="Users">
      {users.error ? <Alert tone="error">{toFormProblem(users.error).form}</Alert> : null}
      {users.isPending ? <p role="status">Loading users…</p> : null}
      {users.data ? (
        <table>
          <caption>Every account, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>{u.role}</td>
                <td>{new Date(u.createdAt).toLocaleDateString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
