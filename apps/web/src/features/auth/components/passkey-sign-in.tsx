import { ApiError, type PasskeyProof } from '@spa-auth/http-client';
import { useEffect, useRef, useState } from 'react';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { cancelPasskeyCeremony, forgetUnknownPasskey, passkeyProblem, passkeyProof } from '../../../lib/passkey-ceremonies.ts';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';

const formWords = (error: unknown) => toFormProblem(error).form ?? 'Something went wrong. Try again.';

/**
 * Signing in with a passkey, no email typed (requirement 18.9, 18.10): a button that opens the
 * browser's passkey dialog, and, where the browser can, the passkeys offered among the email field's
 * suggestions (conditional mediation: the field's autocomplete ends in `webauthn`). The autofill
 * request starts after the page has rendered, waits until the person picks a passkey, and ends when
 * the page is left or the button is used (a new ceremony ends the one waiting). After the button it
 * starts again with new options; after a refused passkey (a `passkey_challenge_invalid` of a page left
 * open past the options' five minutes, a removed passkey), once the person goes back to the email
 * field: an authenticator that answers without a touch would otherwise offer the same refused passkey
 * again and again, each a failed sign-in counted against the address. The session then starts as a password's does, and the sign-in page goes
 * on to where the user was headed. A cancelled dialog says nothing: it is the person's own choice.
 *
 * A chunk of its own with @simplewebauthn/browser (the sign-in page loads it after its first render,
 * only where the browser has WebAuthn), so the page's first JavaScript does not carry it.
 */
export function PasskeySignIn() {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Bumped to offer the autofill again, with new options: after the button, or back in the field after a refusal.
  const [round, setRound] = useState(0);
  const [autofillPaused, setAutofillPaused] = useState(false);
  const alert = useRef<HTMLDivElement>(null);

  /** The person picked a passkey (in the dialog or the field): now the API decides. */
  const finish = async (proof: PasskeyProof) => {
    try {
      await client.signInWithPasskey(proof);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'passkey_unknown') forgetUnknownPasskey(proof);
      throw error;
    }
  };
  /** Says what went wrong, if anything did (a cancelled dialog is nothing); answers whether it said something. */
  const fail = (error: unknown) => {
    const message = passkeyProblem(error, formWords);
    if (message === null) return false;
    setProblem(message);
    return true;
  };
  useEffect(() => {
    if (problem) alert.current?.focus();
  }, [problem]);

  // Back in the email field after a refusal: the autofill is offered again.
  useEffect(() => {
    if (!autofillPaused) return;
    const resume = (event: FocusEvent) => {
      if (!(event.target as Element | null)?.matches?.('input[autocomplete$="webauthn"]')) return;
      setAutofillPaused(false);
      setRound((n) => n + 1);
    };
    document.addEventListener('focusin', resume);
    return () => document.removeEventListener('focusin', resume);
  }, [autofillPaused]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` restarts the autofill with new options.
  useEffect(() => {
    if (autofillPaused) return;
    let left = false;
    (async () => {
      let proof: PasskeyProof | null;
      try {
        proof = await passkeyProof(client, '/auth/passkey/options', undefined, { autofill: true, wanted: () => !left });
      } catch {
        // Nobody acted yet: the options could not be had, or the request ended (the button, the page
        // left). Nothing to say; the button still works.
        return;
      }
      if (!proof || left) return;
      setProblem(null);
      try {
        await finish(proof);
      } catch (error) {
        if (fail(error)) setAutofillPaused(true);
        else setRound((n) => n + 1);
      }
    })().catch(() => {});
    return () => {
      left = true;
      cancelPasskeyCeremony();
    };
  }, [client, round, autofillPaused]);

  const signIn = async () => {
    setBusy(true);
    setProblem(null);
    let refused = false;
    try {
      await finish(await passkeyProof(client, '/auth/passkey/options'));
    } catch (error) {
      refused = fail(error);
    } finally {
      setBusy(false);
      // The autofill this ceremony ended: offered again at once after a cancel, after a refusal once back in the field.
      setAutofillPaused(refused);
      setRound((n) => n + 1);
    }
  };

  return (
    <>
      <FormStatus ref={alert} error={problem} />
      <button type="button" className="button" disabled={busy} onClick={() => void signIn()}>
        {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </button>
    </>
  );
}
