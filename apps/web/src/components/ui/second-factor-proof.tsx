import type { SecondFactor } from '@spa-auth/contract/wire';
import type { SecondFactorProof } from '@spa-auth/http-client';
import { type ComponentProps, forwardRef } from 'react';
import { passkeysSupported } from '../../lib/passkeys.ts';
import { Field } from './field.tsx';

type ProofKind = {
  /** The body member that carries it, and the field's name (so a validation error lands on it). */
  name: 'code' | 'recoveryCode';
  label: string;
  hint: string;
  /** The button that switches to it from another kind. */
  switchTo: string;
  input: Pick<ComponentProps<'input'>, 'inputMode' | 'autoComplete' | 'spellCheck' | 'autoCapitalize'>;
};

/**
 * How each typed proof of a second factor is asked for, by the kind the API lists in `factors`. A
 * passkey is not typed: it has a control of its own where this is used (`offersPasskey`).
 */
const PROOF_KINDS: Partial<Record<SecondFactor, ProofKind>> = {
  totp: {
    name: 'code',
    label: 'Authentication code',
    hint: 'The 6-digit code your authenticator app shows for this account now.',
    switchTo: 'Use your authenticator app instead',
    input: { inputMode: 'numeric', autoComplete: 'one-time-code' },
  },
  recovery_code: {
    name: 'recoveryCode',
    label: 'Recovery code',
    hint: 'One of the recovery codes you saved, such as abcd-efgh-ijkl. Each works once.',
    switchTo: 'Use a recovery code instead',
    input: { autoComplete: 'off', spellCheck: false, autoCapitalize: 'none' },
  },
};

export type TypedProof = 'totp' | 'recovery_code';

/** The kinds of `factors` this app can ask for, in the API's order (the first is asked first). */
export function offeredProofs(factors: readonly string[]): TypedProof[] {
  return factors.filter((kind): kind is TypedProof => PROOF_KINDS[kind as SecondFactor] !== undefined);
}

export const proofKind = (kind: TypedProof) => PROOF_KINDS[kind] as ProofKind;

/** The button that switches to a passkey from a typed proof. */
export const USE_PASSKEY = 'Use a passkey instead';

/** Whether `factors` lists a passkey and this browser can use one (WebAuthn). */
export const offersPasskey = (factors: readonly string[]) => factors.includes('passkey') && passkeysSupported();

/** What the API takes for a typed value: an app's code without the spaces some apps show in it. */
export function proofOf(kind: TypedProof, value: string): SecondFactorProof {
  return kind === 'totp' ? { code: value.replace(/\s+/g, '') } : { recoveryCode: value.trim() };
}

/** The labelled field for one kind of proof, with its hint and the input hints phones and password managers use. */
export const ProofField = forwardRef<HTMLInputElement, Omit<ComponentProps<typeof Field>, 'label'> & { kind: TypedProof }>(
  function ProofField({ kind, ...props }, ref) {
    const { label, hint, input } = proofKind(kind);
    return <Field ref={ref} label={label} hint={hint} {...input} {...props} />;
  },
);
