import type { SecondFactor } from '@spa-auth/contract';
import type { UserRecord } from '../users/users.ts';

/** A proof of the second factor as a request carries it: a code of the authenticator app, or a recovery code. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

/** The proof in a body that may hold one (`code` or `recoveryCode`), or undefined. */
export function proofIn(body: { code?: string | undefined; recoveryCode?: string | undefined }): SecondFactorProof | undefined {
  if (body.code !== undefined) return { code: body.code };
  if (body.recoveryCode !== undefined) return { recoveryCode: body.recoveryCode };
  return undefined;
}

/**
 * RFC 8176 `amr` of a sign-in made with these methods: each once, and `mfa` when more than one
 * factor was used (a password and a one-time code, later a password and a passkey).
 */
export function combineMethods(...methods: string[]): string[] {
  const distinct = [...new Set(methods.filter((method) => method !== 'mfa'))];
  return distinct.length > 1 ? [...distinct, 'mfa'] : distinct;
}

/**
 * The auth core's port for a second factor, implemented by the second-factor feature (and later
 * by passkeys): whether a sign-in needs a second step, the challenge that step completes, and the
 * check of a proof given with a re-authentication. Without it, a password alone signs in.
 */
export type SecondFactorGate = {
  /** The proofs the user can give at a second step; empty when the user has no second factor. */
  factorsOf(userId: string): Promise<SecondFactor[]>;
  /**
   * A single-use challenge for the second step, bound to the user and to the password hash the
   * first step checked (`user.passwordHash`): any change of it voids the challenge.
   */
  issueChallenge(user: UserRecord): Promise<string>;
  /**
   * Checks a proof for a signed-in user (re-authentication): the RFC 8176 methods it adds (`otp`),
   * or null when it is wrong or used already. A proof counts once: a code's time step, a recovery code.
   */
  verifyProof(userId: string, proof: SecondFactorProof): Promise<string[] | null>;
};

/** What a sign-in's first step answers when the account has a second factor: no session, a challenge. */
export type SecondStepRequired = { secondFactor: { challenge: string; factors: SecondFactor[] } };
