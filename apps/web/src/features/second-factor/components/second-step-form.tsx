import { ApiError } from '@spa-auth/http-client';
import { useEffect, useId, useRef, useState } from 'react';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { offeredProofs, ProofField, proofKind, proofOf, type TypedProof } from '../../../components/ui/second-factor-proof.tsx';
import type { SignInChallenge } from '../../../lib/second-factor.ts';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';

/** Said on the password step when this one cannot go on: the challenge expired, was used, or its tries are spent. */
export const CHALLENGE_ENDED = 'This sign-in has expired or was used up. Enter your password again to get a new one.';

const WRONG: Record<TypedProof, string> = {
  totp: 'The code is wrong or was used already. Enter the newest code your app shows (check the time on your device).',
  recovery_code: 'The recovery code is wrong or was used already. Each recovery code works once.',
};

/**
 * The second step of a sign-in (requirement 17.8): the challenge the password step received and a
 * proof of the second factor, one of the kinds the API listed (`factors`). The session then starts
 * as after a password alone, and the sign-in page goes on to where the user was headed. When the
 * challenge is no longer good, `onRestart` takes the user back to the password with that said.
 */
export function SecondStepForm(props: {
  challenge: SignInChallenge;
  onRestart: (notice: string | null) => void;
  /** The button that gives up this step; the sign-in page's goes back to the password. */
  restartLabel?: string;
}) {
  const offered = offeredProofs(props.challenge.factors);
  const [kind, setKind] = useState<TypedProof | undefined>(offered[0]);
  const id = useId();
  return (
    <section aria-labelledby={`${id}-heading`} className="second-step">
      <h2 id={`${id}-heading`}>Two-factor authentication</h2>
      <p>The password is right. To finish signing in, prove it is you with your second factor.</p>
      {kind ? (
        // A new form per kind: no value or error is carried from a code to a recovery code.
        <ProofForm
          key={kind}
          kind={kind}
          challenge={props.challenge.challenge}
          others={offered.filter((other) => other !== kind)}
          onSwitch={setKind}
          onRestart={props.onRestart}
        />
      ) : (
        <p>This account's second factor cannot be used in this app. Sign in where you set it up.</p>
      )}
      <button type="button" className="button" onClick={() => props.onRestart(null)}>
        {props.restartLabel ?? 'Back to the password'}
      </button>
    </section>
  );
}

function ProofForm(props: {
  kind: TypedProof;
  challenge: string;
  others: TypedProof[];
  onSwitch: (kind: TypedProof) => void;
  onRestart: (notice: string) => void;
}) {
  const { kind, challenge, onRestart } = props;
  const client = useClient();
  const { name } = proofKind(kind);
  const form = useForm<string>({ [name]: '' }, { second_factor_invalid: WRONG[kind] });
  const box = useRef<HTMLDivElement>(null);

  // The step, or the kind just switched to, starts at its field: the label and hint are read out from there.
  useEffect(() => {
    box.current?.querySelector('input')?.focus();
  }, []);

  const submit = form.handleSubmit(async (values) => {
    try {
      await client.completeSignIn(challenge, proofOf(kind, values[name] ?? ''));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'second_factor_challenge_invalid') {
        onRestart(CHALLENGE_ENDED);
        return undefined;
      }
      throw error;
    }
    return undefined;
  });

  return (
    <form onSubmit={submit} noValidate>
      <FormStatus {...form.status} />
      <div ref={box}>
        <ProofField kind={kind} {...form.field(name)} required />
      </div>
      <div className="actions">
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? 'Verifying…' : 'Verify'}
        </button>
        {props.others.map((other) => (
          <button key={other} type="button" className="button" onClick={() => props.onSwitch(other)}>
            {proofKind(other).switchTo}
          </button>
        ))}
      </div>
    </form>
  );
}
