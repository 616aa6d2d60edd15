import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { describeDevice } from '../../../lib/device.ts';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';
import { revokeOtherSessions, revokeSession, sessionsQuery } from '../api/sessions.ts';

const when = (iso: string) => new Date(iso).toLocaleString();

/** Every session of the signed-in account, with a way to end any of the others. */
export function SessionsPage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const sessions = useQuery(sessionsQuery(client));
  const [message, setMessage] = useState<string | null>(null);
  const done = (text: string) => {
    setMessage(text);
    return queryClient.invalidateQueries({ queryKey: ['sessions'] });
  };
  const revoke = useMutation({ mutationFn: (id: string) => revokeSession(client, id), onSuccess: () => done('The session was revoked.') });
  const revokeOthers = useMutation({
    mutationFn: () => revokeOtherSessions(client),
    onSuccess: () => done('All other sessions were signed out.'),
  });
  const failure = revoke.error ?? revokeOthers.error ?? sessions.error;

  return (
    <Page title="Sessions">
      <p>Every device where this account is signed in. Revoking a session signs that device out within seconds.</p>
      {failure ? <Alert tone="error">{toFormProblem(failure).form}</Alert> : null}
      {message ? <Alert tone="success">{message}</Alert> : null}
      {sessions.isPending ? <p role="status">Loading sessions…</p> : null}
      {sessions.data ? (
        <ul className="session-list" aria-label="Active sessions">
          {sessions.data.map((s) => (
            <li key={s.id} className="card session">
              <div>
                <strong>{describeDevice(s.userAgent)}</strong>
                {s.current ? <span className="badge">This device</span> : null}
                <p className="meta">
                  Signed in {when(s.createdAt)} · last used {when(s.lastUsedAt)}
                </p>
              </div>
              {s.current ? null : (
                <button
                  type="button"
                  className="button"
                  onClick={() => revoke.mutate(s.id)}
                  disabled={revoke.isPending}
                  aria-label={`Revoke ${describeDevice(s.userAgent)}, signed in ${when(s.createdAt)}`}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <button
        type="button"
        className="button"
        onClick={() => revokeOthers.mutate()}
        disabled={revokeOthers.isPending || (sessions.data?.length ?? 0) < 2}
      >
        Sign out other sessions
      </button>
    </Page>
  );
}
