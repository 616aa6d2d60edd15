import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecondFactorStore } from '../../src/second-factor/second-factor-store.ts';
import type { UserStore } from '../../src/users/users.ts';
import { storedUser } from '../support.ts';

/**
 * The second-factor port's contract, with the users port beside it (every row belongs to a user):
 * every adapter runs it (test/adapters). Each test makes its own user; the expiry sweep's test dates
 * its challenges in an era of its own, as the database holds other tests' rows.
 */
export function testSecondFactorStore(setup: () => Promise<{ users: UserStore; secondFactors: SecondFactorStore }>): void {
  const T0 = new Date('2026-03-01T12:00:00Z');
  const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
  const hash = (text: string) => createHash('sha256').update(text).digest();
  const newUser = async (users: UserStore) => (await storedUser(users, T0, 'mfa')).id;
  /** A user with a confirmed authenticator app (step 100) and two recovery codes. */
  const enrolled = async () => {
    const { users, secondFactors } = await setup();
    const userId = await newUser(users);
    const secret = randomBytes(40);
    expect(await secondFactors.savePendingTotp(userId, secret, T0)).toBe(true);
    expect(await secondFactors.confirmTotp(userId, secret, 100, [hash('one'), hash('two')], later(1000))).toBe(true);
    return { secondFactors, userId, secret };
  };

  describe('the second-factor port', () => {
    it('when a user has nothing, then the summary says so and nothing can be used', async () => {
      const { users, secondFactors } = await setup();
      const userId = await newUser(users);
      expect(await secondFactors.summarize(userId)).toEqual({ totpConfirmedAt: null, totpPending: false, recoveryCodesLeft: 0 });
      expect(await secondFactors.summarize('not-a-uuid')).toEqual({ totpConfirmedAt: null, totpPending: false, recoveryCodesLeft: 0 });
      expect(await secondFactors.findTotpFactor(userId)).toBeNull();
      expect(await secondFactors.useTotpStep(userId, 1)).toBe(false);
      expect(await secondFactors.useRecoveryCode(userId, hash('one'), T0)).toBe(false);
      expect(await secondFactors.deleteTotp(userId)).toBe(false);
      expect(await secondFactors.replaceRecoveryCodes(userId, [hash('x')], T0)).toBe(false);
    });

    it('when an enrolment is pending, then a new one replaces it, and only the secret pending confirms', async () => {
      const { users, secondFactors } = await setup();
      const userId = await newUser(users);
      const first = randomBytes(40);
      const second = randomBytes(40);
      await secondFactors.savePendingTotp(userId, first, T0);
      expect(await secondFactors.summarize(userId)).toEqual({ totpConfirmedAt: null, totpPending: true, recoveryCodesLeft: 0 });
      expect(await secondFactors.savePendingTotp(userId, second, later(1000))).toBe(true);
      expect((await secondFactors.findTotpFactor(userId))?.secretEncrypted.equals(second)).toBe(true);
      // A confirmation of the secret that was replaced finds nothing pending.
      expect(await secondFactors.confirmTotp(userId, first, 5, [hash('a')], later(2000))).toBe(false);
      expect(await secondFactors.confirmTotp(userId, second, 5, [hash('a')], later(2000))).toBe(true);
      expect(await secondFactors.findTotpFactor(userId)).toMatchObject({ userId, confirmedAt: later(2000), lastUsedStep: 5 });
      // A confirmed factor is not replaced by a new enrolment, nor confirmed twice.
      expect(await secondFactors.savePendingTotp(userId, first, later(3000))).toBe(false);
      expect(await secondFactors.confirmTotp(userId, second, 6, [hash('b')], later(3000))).toBe(false);
    });

    it('when a step is used, then it and every earlier step are refused, and of two uses of one step exactly one wins', async () => {
      const { secondFactors, userId } = await enrolled();
      // The step that confirmed the enrolment is used already.
      expect(await secondFactors.useTotpStep(userId, 100)).toBe(false);
      const results = await Promise.all([secondFactors.useTotpStep(userId, 101), secondFactors.useTotpStep(userId, 101)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await secondFactors.useTotpStep(userId, 100)).toBe(false);
      expect(await secondFactors.useTotpStep(userId, 102)).toBe(true);
      expect((await secondFactors.findTotpFactor(userId))?.lastUsedStep).toBe(102);
    });

    it('when recovery codes are used, then each works once, the summary counts what is left, and new ones replace them all', async () => {
      const { secondFactors, userId } = await enrolled();
      expect((await secondFactors.summarize(userId)).recoveryCodesLeft).toBe(2);
      const results = await Promise.all([
        secondFactors.useRecoveryCode(userId, hash('one'), T0),
        secondFactors.useRecoveryCode(userId, hash('one'), T0),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await secondFactors.useRecoveryCode(userId, hash('wrong'), T0)).toBe(false);
      expect((await secondFactors.summarize(userId)).recoveryCodesLeft).toBe(1);
      expect(await secondFactors.replaceRecoveryCodes(userId, [hash('three'), hash('four'), hash('five')], later(5000))).toBe(true);
      expect(await secondFactors.useRecoveryCode(userId, hash('two'), T0)).toBe(false);
      expect((await secondFactors.summarize(userId)).recoveryCodesLeft).toBe(3);
      expect(await secondFactors.useRecoveryCode(userId, hash('four'), T0)).toBe(true);
    });

    it('when the authenticator app is removed, then its recovery codes go with it', async () => {
      const { secondFactors, userId } = await enrolled();
      expect(await secondFactors.deleteTotp(userId)).toBe(true);
      expect(await secondFactors.summarize(userId)).toEqual({ totpConfirmedAt: null, totpPending: false, recoveryCodesLeft: 0 });
      expect(await secondFactors.useRecoveryCode(userId, hash('two'), T0)).toBe(false);
      expect(await secondFactors.deleteTotp(userId)).toBe(false);
    });

    it('when a challenge is claimed, then each claim counts, it is refused past the attempts, and it is used up once', async () => {
      const { users, secondFactors } = await setup();
      const userId = await newUser(users);
      const challenge = hash(randomUUID());
      await secondFactors.createChallenge({ hash: challenge, userId, passwordFingerprint: 'fp', now: T0, expiresAt: later(300_000) });
      expect(await secondFactors.findChallengeUser(challenge)).toBe(userId);
      expect(await secondFactors.findChallengeUser(hash('unknown'))).toBeNull();
      expect(await secondFactors.findLiveChallengeUser(challenge, later(1000), 3)).toBe(userId);
      expect(await secondFactors.findLiveChallengeUser(hash('unknown'), later(1000), 3)).toBeNull();
      const claims = await Promise.all([1, 2, 3].map(() => secondFactors.claimChallenge(challenge, later(1000), 3)));
      expect(claims.map((claim) => claim?.attempts).sort()).toEqual([1, 2, 3]);
      expect(claims[0]).toMatchObject({ userId, passwordFingerprint: 'fp' });
      expect(await secondFactors.claimChallenge(challenge, later(1000), 3)).toBeNull();
      // Its attempts are spent: it names its user still, but not as a live one.
      expect(await secondFactors.findChallengeUser(challenge)).toBe(userId);
      expect(await secondFactors.findLiveChallengeUser(challenge, later(1000), 3)).toBeNull();
      expect(await secondFactors.claimChallenge(challenge, later(1000), 4)).toMatchObject({ attempts: 4 });

      const other = hash(randomUUID());
      await secondFactors.createChallenge({ hash: other, userId, passwordFingerprint: 'fp', now: T0, expiresAt: later(300_000) });
      const consumed = await Promise.all([
        secondFactors.consumeChallenge(other, later(1000)),
        secondFactors.consumeChallenge(other, later(1000)),
      ]);
      expect(consumed.filter(Boolean)).toHaveLength(1);
      expect(await secondFactors.claimChallenge(other, later(2000), 5)).toBeNull();
      expect(await secondFactors.findLiveChallengeUser(other, later(2000), 5)).toBeNull();
    });

    it('when a challenge expires, then it can be neither claimed nor used, and the sweep deletes it', async () => {
      const { users, secondFactors } = await setup();
      const userId = await newUser(users);
      const era = new Date('2001-01-01T00:00:00Z');
      const challenge = hash(randomUUID());
      await secondFactors.createChallenge({ hash: challenge, userId, passwordFingerprint: 'fp', now: era, expiresAt: later(300_000, era) });
      expect(await secondFactors.findLiveChallengeUser(challenge, later(299_999, era), 5)).toBe(userId);
      expect(await secondFactors.findLiveChallengeUser(challenge, later(300_000, era), 5)).toBeNull();
      expect(await secondFactors.claimChallenge(challenge, later(300_000, era), 5)).toBeNull();
      expect(await secondFactors.consumeChallenge(challenge, later(300_000, era))).toBe(false);
      expect(await secondFactors.deleteExpiredChallenges(later(300_001, era), 1000)).toBeGreaterThanOrEqual(1);
      expect(await secondFactors.findChallengeUser(challenge)).toBeNull();
    });
  });
}
