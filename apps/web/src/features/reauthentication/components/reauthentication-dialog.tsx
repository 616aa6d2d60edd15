import { type ComponentProps, lazy, Suspense, useEffect, useRef, useSyncExternalStore } from 'react';
import type { ReauthenticationBridge } from '../../../lib/reauthentication.ts';
import { useSession } from '../../../lib/services.tsx';
import { BACKDROP } from './backdrop.ts';

// Mounted on every page, shown on few: the prompt itself is a chunk of its own, fetched when the API
// first asks, so the sign-in page's first load carries only this listener. It queries the account's
// factors, so it brings the app's QueryClient with it (it is shown outside the router's pages).
const PasswordPrompt = lazy(async () => {
  const [{ PasswordPrompt: Prompt }, { WithQueries }] = await Promise.all([
    import('./password-prompt.tsx'),
    import('../../../lib/with-queries.tsx'),
  ]);
  return {
    default: (props: ComponentProps<typeof Prompt>) => (
      <WithQueries>
        <Prompt {...props} />
      </WithQueries>
    ),
  };
});

/**
 * Asks for the password (and a code of the second factor, when the API wants one or the account has
 * one) when the API wants a recent sign-in for what the user just did (ending the other sessions,
 * deleting the account, an admin page with REQUIRE_MFA_FOR_ADMIN). The request that needed it is sent
 * again by the client once this succeeds, so whatever the user filled in is not lost. Rendered once,
 * beside the router.
 */
export function ReauthenticationDialog(props: { bridge: ReauthenticationBridge }) {
  const { bridge } = props;
  const request = useSyncExternalStore(bridge.subscribe, bridge.getRequest);
  const session = useSession();
  // The prompt opens after the API answered, when the button that was pressed may already be disabled
  // (and so no longer focused): remember the last element focused on the page instead.
  const lastFocused = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const remember = (event: FocusEvent) => {
      const target = event.target as HTMLElement;
      if (!target.closest?.(`.${BACKDROP}`)) lastFocused.current = target;
    };
    document.addEventListener('focusin', remember);
    return () => document.removeEventListener('focusin', remember);
  }, []);
  // A session that ended meanwhile (signed out in another tab) has nothing left to confirm.
  useEffect(() => {
    if (request && !session) bridge.settle(false);
  }, [bridge, request, session]);
  // A new form per request: no password or error is left over from the last one.
  return request && session ? (
    <Suspense fallback={null}>
      <PasswordPrompt request={request} onSettle={bridge.settle} email={session.user.email} returnFocusTo={lastFocused.current} />
    </Suspense>
  ) : null;
}
