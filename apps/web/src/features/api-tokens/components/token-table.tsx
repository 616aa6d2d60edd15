import type { ApiTokenInfo } from '@spa-auth/contract';
import { ApiError } from '@spa-auth/http-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';
import { apiTokensQuery, revokeApiToken } from '../api/api-tokens.ts';

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
const moment = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What the API did with a revocation: revoked it, or found it gone already (revoked elsewhere, by an admin). */
type Revocation = 'revoked' | 'gone';

/**
 * The account's tokens, newest first, each with a way to revoke it. `now` decides which have
 * expired: the API lists expired tokens until they are deleted.
 */
export function TokenTable(props: { now: () => number }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const query = apiTokensQuery(client);
  const tokens = useQuery(query);
  const [message, setMessage] = useState<string | null>(null);
  const messageRef = useRef<HTMLDivElement>(null);

  const revoke = useMutation({
    mutationFn: async (token: ApiTokenInfo): Promise<Revocation> => {
      try {
        await revokeApiToken(client, token.id);
        return 'revoked';
      } catch (error) {
        if (error instanceof ApiError && error.code === 'not_found') return 'gone';
        throw error;
      }
    },
    onMutate: () => setMessage(null),
    onSuccess: (outcome, token) => {
      queryClient.setQueryData(query.queryKey, (list) => list?.filter((t) => t.id !== token.id));
      setMessage(
        outcome === 'revoked'
          ? `“${token.name}” was revoked: a program that uses it is refused from its next request on.`
          : `“${token.name}” was already revoked.`,
      );
      return queryClient.invalidateQueries({ queryKey: query.queryKey });
    },
  });

  // The row whose button had the focus is gone: the focus goes to the message that says so.
  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  const now = props.now();
  return (
    <section aria-labelledby="api-tokens-list-heading" className="api-token-list">
      <h2 id="api-tokens-list-heading">Your tokens</h2>
      <div aria-live="polite">
        {revoke.error ? <Alert tone="error">{toFormProblem(revoke.error).form}</Alert> : null}
        {message ? (
          <Alert ref={messageRef} tone="success">
            {message}
          </Alert>
        ) : null}
      </div>
      {tokens.error ? <Alert tone="error">{toFormProblem(tokens.error).form}</Alert> : null}
      {tokens.isPending ? <p role="status">Loading tokens…</p> : null}
      {tokens.data?.length === 0 ? <p>This account has no API tokens.</p> : null}
      {tokens.data?.length ? (
        <div className="api-token-table">
          <table>
            <caption>API tokens of this account, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>
                    <ul className="scope-list">
                      {token.scopes.map((scope) => (
                        <li key={scope}>
                          <code>{scope}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>
                    <time dateTime={token.createdAt}>{day(token.createdAt)}</time>
                  </td>
                  <td>
                    {token.lastUsedAt ? (
                      <>
                        <time dateTime={token.lastUsedAt}>{moment(token.lastUsedAt)}</time> from {token.lastUsedIp ?? 'an unknown address'}
                      </>
                    ) : (
                      'Never'
                    )}
                  </td>
                  <td>{Date.parse(token.expiresAt) <= now ? 'Expired' : <time dateTime={token.expiresAt}>{day(token.expiresAt)}</time>}</td>
                  <td>
                    <RevokeControl token={token} busy={revoke.isPending} onConfirm={() => revoke.mutate(token)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/**
 * "Revoke", then a question in its place: a program that uses the token stops working, and the
 * token cannot be brought back. The focus goes to "Cancel", the harmless answer, and back to
 * "Revoke" when cancelled.
 */
function RevokeControl(props: { token: ApiTokenInfo; busy: boolean; onConfirm: () => void }) {
  const { token } = props;
  const [confirming, setConfirming] = useState(false);
  // Unset until the user first presses a button here, so that no row takes the focus on first render.
  const [asked, setAsked] = useState(false);
  const revokeButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asked) (confirming ? cancelButton : revokeButton).current?.focus();
  }, [asked, confirming]);

  const answer = (next: boolean) => {
    setAsked(true);
    setConfirming(next);
  };

  if (!confirming) {
    return (
      <button
        ref={revokeButton}
        type="button"
        className="button small"
        aria-label={`Revoke ${token.name} (${token.prefix}…)`}
        onClick={() => answer(true)}
      >
        Revoke
      </button>
    );
  }
  return (
    <fieldset className="revoke-question">
      <legend>Revoke “{token.name}”? Whatever uses it stops working at once.</legend>
      <div className="actions">
        <button type="button" className="button small danger" disabled={props.busy} onClick={props.onConfirm}>
          Revoke token
        </button>
        <button ref={cancelButton} type="button" className="button small" onClick={() => answer(false)}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
