import { ACR_MFA } from '@spa-auth/contract/wire';
import { ApiError } from '@spa-auth/http-client';
import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { PasswordField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { offeredProofs, ProofField, proofKind, proofOf, type TypedProof } from '../../../components/ui/second-factor-proof.tsx';
import { provePasskeyFactor } from '../../../lib/passkey-factor.ts';
import { passkeysQuery } from '../../../lib/passkey-list.ts';
import { passkeysSupported } from '../../../lib/passkeys.ts';
import { toFormProblem } from '../../../lib/problem.ts';
import type { ReauthenticationRequest } from '../../../lib/reauthentication.ts';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { BACKDROP } from './backdrop.ts';
import './reauthentication-dialog.css';

const MESSAGES = {
  invalid_credentials: 'The password is wrong. Try again.',
  second_factor_invalid: 'The code is wrong or was used already. Enter the newest code your app shows, or another recovery code.',
  // The API's own words say how long to wait.
  rate_limited: (error: ApiError) => error.message,
};

/** Until the API lists the account's factors, a route that wants one is answered with these. */
const USUAL_FACTORS = ['totp', 'recovery_code'];

const FOCUSABLE = 'input:not([disabled]):not([hidden]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

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

/**
 * The dialog: the password, and a code of the second factor when one is wanted. A code is asked at
 * once when the API's challenge wants the second factor (`acr_values`), and otherwise when the API
 * answers the password with `second_factor_required` (the account has one: requirement 17.14); the
 * password stays typed, and the kinds the answer lists (`factors`) are offered. An account with a
 * passkey may use it instead of all of that (requirement 18.17): it proves the second factor too.
 */
export function PasswordPrompt(props: {
  request: ReauthenticationRequest;
  email: string;
  returnFocusTo: HTMLElement | null;
  onSettle: (reauthenticated: boolean) => void;
}) {
  const { request, onSettle, returnFocusTo } = props;
  const client = useClient();
  const wantsFactor = request.acrValues?.includes(ACR_MFA) ?? false;
  const [factors, setFactors] = useState<string[] | null>(wantsFactor ? USUAL_FACTORS : null);
  const offered = factors ? offeredProofs(factors) : [];
  const [chosen, setChosen] = useState<TypedProof | null>(null);
  const kind = chosen ?? offered[0] ?? null;
  const form = useForm({ password: '', code: '', recoveryCode: '' }, MESSAGES);
  const id = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const proofBox = useRef<HTMLDivElement>(null);
  // The account's passkeys, where the browser can use one: any of them confirms it is you.
  const passkeys = useQuery({ ...passkeysQuery(client), enabled: passkeysSupported() });
  const offersPasskey = passkeysSupported() && (passkeys.data?.length ?? 0) > 0;
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  const [passkeyProblem, setPasskeyProblem] = useState<string | null>(null);
  const passkeyAlert = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (passkeyProblem) passkeyAlert.current?.focus();
  }, [passkeyProblem]);
  const proveWithPasskey = async () => {
    setPasskeyBusy(true);
    setPasskeyProblem(null);
    const failed = await provePasskeyFactor(
      async (ceremonies) => client.reauthenticate(await ceremonies.passkeyProof(client, '/api/me/passkeys/reauthentication-options')),
      {
        noPasskey: 'This account has no passkey any more: enter your password instead.',
        otherwise: (error) => toFormProblem(error, MESSAGES).form,
      },
    );
    if (failed) {
      setPasskeyBusy(false);
      if (failed.message) setPasskeyProblem(failed.message);
      return;
    }
    onSettle(true);
  };
  // Fixed when the dialog opens: the focus moving into it must not change where it goes back to.
  const [focusOnClose] = useState(returnFocusTo);

  useEffect(() => {
    dialog.current?.querySelector<HTMLInputElement>('input[type="password"]')?.focus();
    return () => returnFocus(focusOnClose);
  }, [focusOnClose]);

  // Asked for a code after the password, or switched to another kind: its field is where to type next.
  const [askedLater, setAskedLater] = useState(false);
  useEffect(() => {
    if (askedLater && kind) proofBox.current?.querySelector('input')?.focus();
  }, [askedLater, kind]);

  const submit = form.handleSubmit(async (values) => {
    const proof = kind ? proofOf(kind, values[proofKind(kind).name]) : undefined;
    try {
      await client.reauthenticate(values.password, proof);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'second_factor_required' || proof) throw error;
      setFactors(error.problem?.factors ?? USUAL_FACTORS);
      setAskedLater(true);
      return undefined;
    }
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
  const recently = minutes === null ? '' : ` (within the last ${minutes} minute${minutes === 1 ? '' : 's'})`;
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
          {factors
            ? `This action needs a recent sign-in with your second factor${recently}. ${offersPasskey ? 'Use a passkey, or enter' : 'Enter'} your password and a code to continue; what you asked for then goes ahead.`
            : `This action needs a recent sign-in${recently}. ${offersPasskey ? 'Use a passkey, or enter' : 'Enter'} your password to continue; what you asked for then goes ahead.`}
        </p>
        {offersPasskey ? (
          <div className="passkey-reauthentication">
            <FormStatus ref={passkeyAlert} error={passkeyProblem} />
            <button type="button" className="button" disabled={passkeyBusy} onClick={() => void proveWithPasskey()}>
              {passkeyBusy ? 'Waiting for your passkey…' : 'Use a passkey'}
            </button>
            <p className="or">or with your password</p>
          </div>
        ) : null}
        <form onSubmit={submit} noValidate>
          <FormStatus {...form.status} />
          {/* For password managers: whose password this is. */}
          <input type="text" name="username" autoComplete="username" value={props.email} readOnly hidden />
          <PasswordField {...form.field('password')} purpose="current" required />
          {factors && !kind ? <p>This account's second factor cannot be used in this app.</p> : null}
          {kind ? (
            <div ref={proofBox} className="stack">
              {askedLater && !chosen ? <p>Your account has two-factor authentication: enter a code as well.</p> : null}
              <ProofField key={kind} kind={kind} {...form.field(proofKind(kind).name)} required />
              {offered
                .filter((other) => other !== kind)
                .map((other) => (
                  <button
                    key={other}
                    type="button"
                    className="button"
                    onClick={() => {
                      setChosen(other);
                      setAskedLater(true);
                    }}
                  >
                    {proofKind(other).switchTo}
                  </button>
                ))}
            </div>
          ) : null}
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
