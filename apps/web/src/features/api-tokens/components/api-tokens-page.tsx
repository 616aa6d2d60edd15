import type { CreatedApiTokenResponse } from '@spa-auth/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { meQuery } from '../../../lib/me.ts';
import { toFormProblem } from '../../../lib/problem.ts';
import { useServices } from '../../../lib/services.tsx';
import { apiTokensQuery } from '../api/api-tokens.ts';
import { CreateTokenForm } from './create-token-form.tsx';
import { NewTokenPanel } from './new-token-panel.tsx';
import { TokenTable } from './token-table.tsx';
import './api-tokens.css';

/**
 * The account's API tokens (personal access tokens): create one, see its secret once, list and
 * revoke them. `now` is the clock that says which have expired.
 */
export function ApiTokensPage(props: { now?: () => number }) {
  const { client, config } = useServices();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery(client));
  // The new token and its secret, from its creation until "Done": this state is the only place it is kept.
  const [created, setCreated] = useState<CreatedApiTokenResponse | null>(null);
  const [backFromPanel, setBackFromPanel] = useState(false);

  const onCreated = (next: CreatedApiTokenResponse) => {
    setCreated(next);
    // The list learns of the token from the API, which never answers with the secret.
    void queryClient.invalidateQueries({ queryKey: apiTokensQuery(client).queryKey });
  };
  const onDone = () => {
    setCreated(null);
    setBackFromPanel(true);
  };

  return (
    <Page title="API tokens">
      <p>
        An API token lets a script or another program call the API as you, without your password. Give each token only the scopes it needs
        and a short life, and revoke it when it is no longer used. A token cannot change your password or email, delete the account, or
        manage tokens.
      </p>
      {created ? (
        <NewTokenPanel created={created} apiUrl={config.apiUrl} onDone={onDone} />
      ) : me.data ? (
        <CreateTokenForm role={me.data.role} focusOnMount={backFromPanel} onCreated={onCreated} />
      ) : me.error ? (
        <Alert tone="error">{toFormProblem(me.error).form}</Alert>
      ) : (
        <p role="status">Loading…</p>
      )}
      <TokenTable now={props.now ?? Date.now} />
    </Page>
  );
}
