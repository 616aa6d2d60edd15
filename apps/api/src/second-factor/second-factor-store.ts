/** An authenticator app of a user: its secret sealed (secret-box.ts), pending until confirmed. */
export type TotpFactorRecord = {
  userId: string;
  /** The 20-byte secret, encrypted with MFA_ENCRYPTION_KEY: never stored in clear. */
  secretEncrypted: Buffer;
  createdAt: Date;
  /** Null while the enrolment waits for its first code. */
  confirmedAt: Date | null;
  /** The time step of the last code accepted: it and every earlier step are refused (replay). */
  lastUsedStep: number | null;
};

/** What the sign-in challenge binds, handed back when a second step claims it. */
export type ChallengeClaim = {
  userId: string;
  /** SHA-256 of the password hash the first step checked: a password change voids the challenge. */
  passwordFingerprint: string;
  /** Codes tried with it so far, this one included. */
  attempts: number;
};

/** What a user has of a second factor, in one read (every sign-in asks it). */
export type SecondFactorSummary = {
  totpConfirmedAt: Date | null;
  totpPending: boolean;
  recoveryCodesLeft: number;
};

/**
 * The second-factor feature's port: authenticator apps, recovery codes (SHA-256 only) and the
 * challenges of a sign-in's second step (SHA-256 only). Every method is one statement or one
 * transaction, so that instances sharing the database never both use one code or one challenge;
 * test/ports/second-factor-store.ts is the suite every adapter passes.
 */
export type SecondFactorStore = {
  summarize(userId: string): Promise<SecondFactorSummary>;
  findTotpFactor(userId: string): Promise<TotpFactorRecord | null>;
  /** Saves a pending enrolment, replacing one that is pending; false (nothing written) when one is confirmed. */
  savePendingTotp(userId: string, secretEncrypted: Buffer, now: Date): Promise<boolean>;
  /**
   * Confirms the pending enrolment whose secret is `secretEncrypted` (not one that replaced it
   * meanwhile), with the step of its first code, and makes these the user's recovery codes. False
   * when no such enrolment is pending.
   */
  confirmTotp(userId: string, secretEncrypted: Buffer, step: number, recoveryCodeHashes: Buffer[], now: Date): Promise<boolean>;
  /** Removes the confirmed authenticator app and every recovery code; false when there was none. */
  deleteTotp(userId: string): Promise<boolean>;
  /** Records a code's step as used, only if it is later than the last one used: false for a replay. */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** Replaces every recovery code; false (nothing written) when the user has no confirmed authenticator app. */
  replaceRecoveryCodes(userId: string, hashes: Buffer[], now: Date): Promise<boolean>;
  /** Uses one unused recovery code with this hash; false when there is none (wrong, or used). */
  useRecoveryCode(userId: string, hash: Buffer, now: Date): Promise<boolean>;
  createChallenge(challenge: { hash: Buffer; userId: string; passwordFingerprint: string; now: Date; expiresAt: Date }): Promise<void>;
  /** The user a challenge was made for, whatever its state; null for an unknown one. */
  findChallengeUser(hash: Buffer): Promise<string | null>;
  /** The user of a challenge that can still be claimed (unused, not expired, fewer than `maxAttempts`); null otherwise. */
  findLiveChallengeUser(hash: Buffer, now: Date, maxAttempts: number): Promise<string | null>;
  /**
   * Counts one attempt on a live challenge (unused, not expired, fewer than `maxAttempts` so far)
   * and returns what it binds; null for anything else. Concurrent attempts are counted one by one,
   * so no more than `maxAttempts` codes are ever checked against one challenge.
   */
  claimChallenge(hash: Buffer, now: Date, maxAttempts: number): Promise<ChallengeClaim | null>;
  /** Uses the challenge up: true for exactly one caller, and only while it is unused and not expired. */
  consumeChallenge(hash: Buffer, now: Date): Promise<boolean>;
  /** Deletes up to `limit` challenges that expired before `before`; returns how many. */
  deleteExpiredChallenges(before: Date, limit: number): Promise<number>;
};
