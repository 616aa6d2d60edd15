import type { ApiError } from '@spa-auth/http-client';
import { type KeyboardEvent, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { PasswordField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import type { ReauthenticationBridge, ReauthenticationRequest } from '../../../lib/reauthentication.ts';
import { useClient, useSession } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import './reauthentication-dialog.css';

const MESSAGES = {
  invalid_credentials: 'The password is wrong. Try again.',
  // The API's own words say how long to wait.
  rate_limited: (error: ApiError) => error.message,
};

const BACKDROP = 'modal-backdrop';
const FOCUSABLE = 'input:not([disabled]):not([hidden]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * Asks for the password when the API wants a recent sign-in for what the user just did (ending the
 * other sessions, deleting the account). The request that needed it is sent again by the client once
 * this succeeds, so whatever the user filled in is not lost. Rendered once, beside the router.
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
    <PasswordPrompt request={request} onSettle={bridge.settle} email={session.user.email} returnFocusTo={lastFocused.current} />
  ) : null;
}

/**
 * Gives the focus back to the element the dialog took it from. A button disabled while its request
 * runs gets it once it is enabled again, unless the user has put the focus somewhere meanwhile.
 */
function returnFocus(target: HTMLElement | null): void {
  if (!target?.isConnected) return;
  if (!target.matches(':disabled')) {
    target.focus();
    return;
  }
  const observer = new MutationObserver(() => {
    if (target.matches(':disabled')) return;
    observer.disconnect();
    if (document.activeElement === null || document.activeElement === document.body) target.focus();
  });
  observer.observe(target, { attributes: true, attributeFilter: ['disabled'] });
}

function PasswordPrompt(props: {
  request: ReauthenticationRequest;
  email: string;
  returnFocusTo: HTMLElement | null;
  onSettle: (reauthenticated: boolean) => void;
}) {
  const { request, onSettle, returnFocusTo } = props;
  const client = useClient();
  const form = useForm({ password: '' }, MESSAGES);
  const id = useId();
  const dialog = useRef<HTMLDivElement>(null);
  // Fixed when the dialog opens: the focus moving into it must not change where it goes back to.
  const [focusOnClose] = useState(returnFocusTo);

  useEffect(() => {
    dialog.current?.querySelector<HTMLInputElement>('input[type="password"]')?.focus();
    return () => returnFocus(focusOnClose);
  }, [focusOnClose]);

  const submit = form.handleSubmit(async ({ password }) => {
    await client.reauthenticate(password);
    onSettle(true);
    return undefined;
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onSettle(false);
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    // Keep the focus inside the dialog, as a modal must: the page behind it cannot be used meanwhile.
    const items = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items.at(-1);
    const active = document.activeElement as HTMLElement | null;
    if (event.shiftKey && (active === first || !items.includes(active as HTMLElement))) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  const minutes = request.maxAgeSeconds === undefined ? null : Math.max(1, Math.round(request.maxAgeSeconds / 60));
  return (
    <div className={BACKDROP}>
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-description`}
        className="card modal"
        onKeyDown={onKeyDown}
      >
        <h2 id={`${id}-title`}>Confirm it is you</h2>
        <p id={`${id}-description`}>
          This action needs a recent sign-in
          {minutes === null ? '' : ` (within the last ${minutes} minute${minutes === 1 ? '' : 's'})`}. Enter your password to continue; what
          you asked for then goes ahead.
        </p>
        <form onSubmit={submit} noValidate>
          <FormStatus {...form.status} />
          {/* For password managers: whose password this is. */}
          <input type="text" name="username" autoComplete="username" value={props.email} readOnly hidden />
          <PasswordField {...form.field('password')} purpose="current" required />
          <div className="actions">
            <button type="submit" className="button primary" disabled={form.busy}>
              {form.busy ? 'Confirming…' : 'Confirm'}
            </button>
            <button type="button" className="button" onClick={() => onSettle(false)}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
