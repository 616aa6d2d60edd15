import { type ApiClient, ApiError } from '@spa-auth/http-client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLinkToken } from './link-token.ts';
import { meQuery } from './me.ts';
import { toFormProblem } from './problem.ts';
import { useClient } from './services.tsx';

export type LinkOutcome<Refusal extends string> =
  | { state: 'confirming' }
  | { state: 'confirmed' }
  | { state: 'refused'; code: Refusal }
  | { state: 'failed'; message: string };

/**
 * What a page an emailed link leads to does (confirm an address, confirm a new one): reads the token
 * from the fragment, sends it once, and when this browser is signed in refreshes the session (so the
 * access token carries the change) and fetches /api/me and everything under it again. `refusals`
 * are the problem codes the page words itself; a token of the wrong shape counts as link_invalid.
 */
export function useLinkConfirmation<Refusal extends string>(
  apply: (client: ApiClient, token: string) => Promise<unknown>,
  refusals: readonly Refusal[],
) {
  const client = useClient();
  const queryClient = useQueryClient();
  const token = useLinkToken();
  const invalid = 'link_invalid' as Refusal;
  const [outcome, setOutcome] = useState<LinkOutcome<Refusal>>(token ? { state: 'confirming' } : { state: 'refused', code: invalid });

  const confirm = useCallback(
    async (linkToken: string) => {
      setOutcome({ state: 'confirming' });
      try {
        await apply(client, linkToken);
      } catch (error) {
        if (error instanceof ApiError && (refusals as readonly string[]).includes(error.code)) {
          setOutcome({ state: 'refused', code: error.code as Refusal });
        } else if (error instanceof ApiError && error.code === 'validation_failed') {
          // A token of the wrong shape: a link cut short or changed on its way.
          setOutcome({ state: 'refused', code: invalid });
        } else {
          setOutcome({ state: 'failed', message: toFormProblem(error).form ?? 'Something went wrong. Try again.' });
        }
        return;
      }
      if (client.getSession()) {
        // The change is made either way; the refresh only brings this tab's token up to date. ['me']
        // and everything under it, on screen or not, so the pages show the change at once.
        await client.refreshSession().catch(() => {});
        await queryClient.invalidateQueries({ queryKey: meQuery(client).queryKey, refetchType: 'all' });
      }
      setOutcome({ state: 'confirmed' });
    },
    [client, queryClient, apply, refusals, invalid],
  );

  // Once per page: a link works once, so StrictMode's second effect run must not send it again.
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    void confirm(token);
  }, [token, confirm]);

  return { token, outcome, retry: token ? () => void confirm(token) : undefined };
}
