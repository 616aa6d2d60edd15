import type { PasskeyAssertion, SecondFactor } from '@spa-auth/contract';
import { AppError } from '../errors.ts';
import type { UserRecord } from '../users/users.ts';

/**
 * A proof of the second factor as a request carries it: a code of the authenticator app, a recovery
 * code, or a passkey's assertion with the id of the ceremony whose options it answers.
 */
export type SecondFactorProof = { code: string } | { recoveryCode: string } | { passkey: PasskeyAssertion };

/** The proof in a body that may hold one (`code`, `recoveryCode` or `passkey`), or undefined. */
export function proofIn(body: {
  code?: string | undefined;
  recoveryCode?: string | undefined;
  passkey?: PasskeyAssertion | undefined;
}): SecondFactorProof | undefined {
  if (body.code !== undefined) return { code: body.code };
  if (body.recoveryCode !== undefined) return { recoveryCode: body.recoveryCode };
  if (body.passkey !== undefined) return { passkey: body.passkey };
  return undefined;
}

/** The kind of a proof, as `factors` and the activity log name it. */
export function factorOf(proof: SecondFactorProof): SecondFactor {
  if ('code' in proof) return 'totp';
  return 'recoveryCode' in proof ? 'recovery_code' : 'passkey';
}

/**
 * RFC 8176 `amr` of a sign-in made with these methods: each once, and `mfa` when more than one
 * factor was used (a password and a one-time code, a password and a passkey). A method list that
 * says `mfa` already (a passkey with user verification, which is two factors in one device) keeps it.
 */
export function combineMethods(...methods: string[]): string[] {
  const distinct = [...new Set(methods.filter((method) => method !== 'mfa'))];
  return distinct.length > 1 || methods.includes('mfa') ? [...distinct, 'mfa'] : distinct;
}

/** Where a proof is given: the second step of a sign-in, or a re-authentication. */
export type ProofPurpose = 'sign_in' | 'reauthenticate';

/**
 * Why a proof was refused: `invalid` (a wrong or used code), or a passkey's own reasons, each its
 * problem code (spec section 18).
 */
export type ProofFailure = 'invalid' | 'passkey_challenge_invalid' | 'passkey_invalid' | 'passkey_unknown' | 'passkey_cloned';

/** The problem code of a refused proof: a passkey's own, or `second_factor_invalid` for a wrong or used code. */
export type ProofProblem = 'second_factor_invalid' | Exclude<ProofFailure, 'invalid'>;
export const proofProblem = (failure: ProofFailure): ProofProblem => (failure === 'invalid' ? 'second_factor_invalid' : failure);

const PROOF_REFUSALS: Record<ProofProblem, string> = {
  second_factor_invalid: 'The code is wrong or was used already',
  passkey_challenge_invalid: 'This passkey ceremony is unknown, used, expired or of another kind: ask for new options and try again',
  passkey_invalid: "The passkey's answer did not verify (origin, relying party, challenge, user verification or signature)",
  passkey_unknown: 'This passkey is not registered here, or was removed',
  passkey_cloned:
    "The passkey's signature counter went back, as a copy of it would: it was refused, and the account's activity log says so",
};

/** The problem of a refused proof: 401 at a sign-in (no session yet), 400 where the caller is signed in. */
export function proofRefused(status: 400 | 401, problem: ProofProblem): AppError {
  return new AppError(status, problem, PROOF_REFUSALS[problem]);
}

/** The RFC 8176 methods a right proof adds (`otp`; `hwk` or `swk` with `mfa`), or why it was refused. */
export type ProofResult = { methods: string[] } | { failure: ProofFailure };

/**
 * One feature's part of the second factor (the authenticator app's, the passkeys'): which proofs an
 * account can give with it, whether having one makes a password sign-in two steps, and the check of
 * the proofs of its kinds. app.ts combines the parts into the gate below.
 */
export type SecondFactorPart = {
  /** The proofs of this part the account can give; empty when it has none. */
  factorsOf(userId: string): Promise<SecondFactor[]>;
  /**
   * True when one of this part's factors makes a password sign-in two steps (the authenticator
   * app); false for a part whose factors only join a second step another part asks for (passkeys,
   * which sign in on their own and bring no recovery codes to fall back on).
   */
  gatesSignIn: boolean;
  /** Checks a proof of this part's kinds, used up by being right; null for a proof of another kind. */
  verifyProof(userId: string, proof: SecondFactorProof, purpose: ProofPurpose): Promise<ProofResult> | null;
  /** The part that keeps the second step's challenges (the authenticator app's). */
  challenges?: {
    /**
     * A single-use challenge for the second step, bound to the user and to the password hash the
     * first step checked (`user.passwordHash`): any change of it voids the challenge.
     */
    issue(user: UserRecord): Promise<string>;
    /** The user of a challenge that can still be completed (unused, not expired, attempts left); null otherwise. */
    liveUser(challenge: string): Promise<string | null>;
  };
};

/**
 * The auth core's port for a second factor, combined from the features' parts: whether a sign-in
 * needs a second step, the challenge that step completes, and the check of a proof. Without it, a
 * password alone signs in.
 */
export type SecondFactorGate = {
  /** Every proof the user can give (for a step-up: none means there is nothing to ask for). */
  factorsOf(userId: string): Promise<SecondFactor[]>;
  /**
   * The proofs a password sign-in (and a re-authentication with the password) must be completed
   * with: every proof the user can give when a part that gates sign-in has one, else none.
   */
  secondStepFactorsOf(userId: string): Promise<SecondFactor[]>;
  /** A challenge for the second step (see SecondFactorPart.challenges). */
  issueChallenge(user: UserRecord): Promise<string>;
  /** The user of a live challenge, or null. */
  challengeUser(challenge: string): Promise<string | null>;
  /** Checks a proof for this user: the methods it adds, or why not. A proof counts once. */
  verifyProof(userId: string, proof: SecondFactorProof, purpose: ProofPurpose): Promise<ProofResult>;
};

/** The gate of these parts; undefined when there is none (a password alone signs in). */
export function combineSecondFactors(parts: SecondFactorPart[]): SecondFactorGate | undefined {
  const challenges = parts.find((part) => part.challenges)?.challenges;
  if (parts.length === 0) return undefined;
  const factorsByPart = (userId: string) => Promise.all(parts.map(async (part) => ({ part, factors: await part.factorsOf(userId) })));
  return {
    async factorsOf(userId) {
      return (await factorsByPart(userId)).flatMap(({ factors }) => factors);
    },
    async secondStepFactorsOf(userId) {
      // No part keeps challenges: nothing could complete a second step, so none is asked for.
      if (!challenges) return [];
      const all = await factorsByPart(userId);
      const gated = all.some(({ part, factors }) => part.gatesSignIn && factors.length > 0);
      return gated ? all.flatMap(({ factors }) => factors) : [];
    },
    issueChallenge(user) {
      if (!challenges) throw new Error('No second-factor part keeps challenges');
      return challenges.issue(user);
    },
    async challengeUser(challenge) {
      return challenges ? challenges.liveUser(challenge) : null;
    },
    async verifyProof(userId, proof, purpose) {
      for (const part of parts) {
        const checked = part.verifyProof(userId, proof, purpose);
        if (checked) return checked;
      }
      return { failure: 'invalid' };
    },
  };
}

/** What a sign-in's first step answers when the account has a second factor: no session, a challenge. */
export type SecondStepRequired = { secondFactor: { challenge: string; factors: SecondFactor[] } };
