import { randomBytes } from 'node:crypto';
import {
  RECOVERY_CODE_COUNT,
  type SecondFactor,
  type SecondFactorStatusResponse,
  SIGN_IN_CHALLENGE_MAX_ATTEMPTS,
  SIGN_IN_CHALLENGE_TTL_SECONDS,
} from '@spa-auth/contract';
import {
  combineMethods,
  factorOf,
  type ProofFailure,
  type ProofResult,
  type SecondFactorGate,
  type SecondFactorPart,
  type SecondFactorProof,
} from '../auth/second-factor.ts';
import type { AuthService, IssuedSession } from '../auth/service.ts';
import type { Clock } from '../clock.ts';
import { passwordFingerprint } from '../email-links/email-links.ts';
import type { AccountEvents } from '../events.ts';
import type { UserRecord, UserStore } from '../users/users.ts';
import { challengeHash, enrolmentOf, matchingStep, newRecoveryCode, newTotpSecret, recoveryCodeHash } from './codes.ts';
import type { SecondFactorStore } from './second-factor-store.ts';
import { createSecretBox } from './secret-box.ts';

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;

/**
 * An authenticator app (TOTP) with recovery codes as the second factor: enrolment, the checks of a
 * proof, and the second step of a sign-in. No req/res here.
 */
export function createSecondFactorService(deps: {
  store: SecondFactorStore;
  users: Pick<UserStore, 'findUserById'>;
  auth: Pick<AuthService, 'signIn'>;
  clock: Clock;
  events: AccountEvents;
  /** MFA_ENCRYPTION_KEY: seals the authenticator apps' secrets. */
  encryptionKey: Buffer;
  /** The name an authenticator app shows beside the account (JWT_ISSUER). */
  issuer: string;
  /**
   * The app's combined gate, read when a second step needs it: a proof of another feature's kind
   * (a passkey) completes a sign-in this feature's challenge began.
   */
  secondFactor?: () => SecondFactorGate | undefined;
}) {
  const { store, users, auth, clock, events } = deps;
  const box = createSecretBox(deps.encryptionKey);
  const now = () => new Date(clock.now());

  const newRecoveryCodes = (userId: string) => {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    return { codes, hashes: codes.map((code) => recoveryCodeHash(userId, code)) };
  };

  const factorsOf = async (userId: string): Promise<SecondFactor[]> => {
    const summary = await store.summarize(userId);
    if (!summary.totpConfirmedAt) return [];
    return summary.recoveryCodesLeft > 0 ? ['totp', 'recovery_code'] : ['totp'];
  };

  /** The RFC 8176 methods a right code adds (`otp`), or null; a code is used up by being right. */
  async function verifyCode(userId: string, proof: { code: string } | { recoveryCode: string }): Promise<string[] | null> {
    if ('recoveryCode' in proof) {
      return (await store.useRecoveryCode(userId, recoveryCodeHash(userId, proof.recoveryCode), now())) ? ['otp'] : null;
    }
    const factor = await store.findTotpFactor(userId);
    if (!factor?.confirmedAt) return null;
    const step = matchingStep(box.open(factor.secretEncrypted, userId), proof.code, clock.now());
    // The same code, or one of an earlier step, after a later one was used: a replay.
    if (step === null || (factor.lastUsedStep !== null && step <= factor.lastUsedStep)) return null;
    return (await store.useTotpStep(userId, step)) ? ['otp'] : null;
  }

  const part: SecondFactorPart = {
    factorsOf,
    // An authenticator app makes a password sign-in two steps; its recovery codes are the way back.
    gatesSignIn: true,
    verifyProof(userId, proof): Promise<ProofResult> | null {
      if ('passkey' in proof) return null;
      return verifyCode(userId, proof).then((methods) => (methods ? { methods } : { failure: 'invalid' }));
    },
    challenges: {
      async issue(user) {
        const challenge = randomBytes(32).toString('base64url');
        const at = clock.now();
        await store.createChallenge({
          hash: challengeHash(challenge),
          userId: user.id,
          passwordFingerprint: passwordFingerprint(user.passwordHash),
          now: new Date(at),
          expiresAt: new Date(at + SIGN_IN_CHALLENGE_TTL_SECONDS * 1000),
        });
        return challenge;
      },
      liveUser: (challenge) => store.findLiveChallengeUser(challengeHash(challenge), now(), SIGN_IN_CHALLENGE_MAX_ATTEMPTS),
    },
  };

  /** A proof of any kind: this feature's codes here, another feature's (a passkey) through the app's gate. */
  const verifyProof = async (userId: string, proof: SecondFactorProof): Promise<ProofResult> =>
    (await (part.verifyProof(userId, proof, 'sign_in') ?? deps.secondFactor?.()?.verifyProof(userId, proof, 'sign_in'))) ?? {
      failure: 'invalid',
    };

  return {
    part,

    async status(userId: string): Promise<SecondFactorStatusResponse> {
      const summary = await store.summarize(userId);
      return {
        totp: summary.totpConfirmedAt ? { enrolledAt: summary.totpConfirmedAt.toISOString() } : null,
        totpPending: summary.totpPending,
        recoveryCodesLeft: summary.recoveryCodesLeft,
      };
    },

    /** A new secret, pending until its first code confirms it; it replaces one that is pending. */
    async startTotp(user: Pick<UserRecord, 'id' | 'email'>) {
      const secret = newTotpSecret();
      if (!(await store.savePendingTotp(user.id, box.seal(secret, user.id), now()))) return 'already_enrolled' as const;
      return enrolmentOf(secret, user.email, deps.issuer);
    },

    /** The first code makes the pending secret the account's factor; the recovery codes are made with it. */
    async confirmTotp(userId: string, code: string): Promise<{ recoveryCodes: string[] } | 'not_pending' | 'invalid'> {
      const pending = await store.findTotpFactor(userId);
      if (!pending || pending.confirmedAt) return 'not_pending';
      const step = matchingStep(box.open(pending.secretEncrypted, userId), code, clock.now());
      if (step === null) return 'invalid';
      const { codes, hashes } = newRecoveryCodes(userId);
      // The step is recorded as used: the code that confirmed cannot sign in as well.
      if (!(await store.confirmTotp(userId, pending.secretEncrypted, step, hashes, now()))) return 'not_pending';
      const user = await users.findUserById(userId);
      if (user) events.publish({ type: 'second_factor_enrolled', user, factor: 'totp' });
      return { recoveryCodes: codes };
    },

    async removeTotp(userId: string): Promise<'removed' | 'not_enrolled'> {
      if (!(await store.deleteTotp(userId))) return 'not_enrolled';
      const user = await users.findUserById(userId);
      if (user) events.publish({ type: 'second_factor_removed', user, factor: 'totp' });
      return 'removed';
    },

    /** New recovery codes; the old ones stop working in the same transaction. */
    async regenerateRecoveryCodes(userId: string): Promise<{ recoveryCodes: string[] } | 'not_enrolled'> {
      const { codes, hashes } = newRecoveryCodes(userId);
      if (!(await store.replaceRecoveryCodes(userId, hashes, now()))) return 'not_enrolled';
      events.publish({ type: 'recovery_codes_regenerated', userId });
      return { recoveryCodes: codes };
    },

    /** Whose challenge this is, for the limits of the second step; null for an unknown one. */
    challengeUser(challenge: string): Promise<string | null> {
      return store.findChallengeUser(challengeHash(challenge));
    },

    /**
     * The second step of a sign-in: the challenge is claimed (one attempt counted, at most five),
     * the proof checked, the challenge used up, and the session started as login starts one. A
     * challenge is void once the account's password changed or the account was disabled.
     */
    async completeSignIn(
      challenge: string,
      proof: SecondFactorProof,
      userAgent: string | null,
    ): Promise<IssuedSession | 'challenge_invalid' | { failure: ProofFailure }> {
      const hash = challengeHash(challenge);
      const claim = await store.claimChallenge(hash, now(), SIGN_IN_CHALLENGE_MAX_ATTEMPTS);
      if (!claim) return 'challenge_invalid';
      const user = await users.findUserById(claim.userId);
      if (!user || user.disabledAt || passwordFingerprint(user.passwordHash) !== claim.passwordFingerprint) return 'challenge_invalid';
      const factor = factorOf(proof);
      const result = await verifyProof(user.id, proof);
      if ('failure' in result) {
        events.publish({ type: 'second_factor_failed', userId: user.id, factor, purpose: 'sign_in' });
        return result;
      }
      if (!(await store.consumeChallenge(hash, now()))) return 'challenge_invalid';
      // Null when the password changed in the instant since the check: that change wins.
      const session = await auth.signIn(user, userAgent, combineMethods('pwd', ...result.methods));
      if (!session) return 'challenge_invalid';
      events.publish({ type: 'second_factor_used', userId: user.id, factor, purpose: 'sign_in' });
      events.publish({ type: 'signed_in', user, sessionId: session.sessionId, via: 'second_factor' });
      return session;
    },
  };
}
