/** WebAuthn's backup eligibility: a passkey synced between devices, or one bound to its authenticator. */
export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

/** A registered passkey: its public key and what the server keeps of its uses. Never a private key. */
export type PasskeyRecord = {
  id: string;
  userId: string;
  /** The credential id the authenticator chose, base64url: unique across every account. */
  credentialId: string;
  /** The COSE public key from the registration. */
  publicKey: Buffer;
  /** The authenticator's signature counter at the last use; 0 for authenticators that keep none. */
  counter: number;
  transports: string[];
  deviceType: PasskeyDeviceType;
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

/**
 * What a ceremony's options were for: registering a passkey (for a user), a sign-in with no email
 * typed (for nobody yet), the second step of a sign-in or a re-authentication (for a user).
 */
export type CeremonyKind = 'registration' | 'sign_in' | 'second_step' | 'reauthentication';

/** What happened to a use: recorded, refused as the counter did not move forward, or the passkey is gone. */
export type PasskeyUse = { result: 'used' } | { result: 'counter_not_increased'; storedCounter: number } | { result: 'gone' };

/**
 * The passkeys feature's port: the passkeys and the ceremonies (challenges) their options started.
 * Every method is one statement or one transaction, so that instances sharing the database never
 * both use one ceremony or both let a counter go back; test/ports/passkey-store.ts is the suite
 * every adapter passes.
 */
export type PasskeyStore = {
  /** Keeps a ceremony: the SHA-256 of its id, its kind, its user (none for a sign-in) and its challenge. */
  createCeremony(ceremony: {
    hash: Buffer;
    kind: CeremonyKind;
    userId: string | null;
    challenge: string;
    now: Date;
    expiresAt: Date;
  }): Promise<void>;
  /**
   * Uses up the ceremony with this hash if it is of this kind and for this user (null: for nobody),
   * unused and not expired, and answers its challenge: for exactly one caller. Null for anything
   * else, and then nothing is used up.
   */
  consumeCeremony(hash: Buffer, expected: { kind: CeremonyKind; userId: string | null }, now: Date): Promise<string | null>;
  /** Deletes up to `limit` ceremonies that expired before `before`; returns how many. */
  deleteExpiredCeremonies(before: Date, limit: number): Promise<number>;
  /**
   * Adds a passkey unless its user has `maxPerUser` already (`limit`, nothing written; counted under
   * a lock of the user, so concurrent additions never pass it) or its credential id is registered
   * (`duplicate`).
   */
  addPasskey(passkey: PasskeyRecord, maxPerUser: number): Promise<'added' | 'limit' | 'duplicate'>;
  /** The user's passkeys, oldest first. */
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  countPasskeys(userId: string): Promise<number>;
  findPasskeyByCredentialId(credentialId: string): Promise<PasskeyRecord | null>;
  /** The passkey renamed; null when it is not one of the user's. */
  renamePasskey(userId: string, id: string, name: string): Promise<PasskeyRecord | null>;
  /** The passkey deleted; null when it is not one of the user's. */
  deletePasskey(userId: string, id: string): Promise<PasskeyRecord | null>;
  /** Every passkey of the user, deleted. */
  deleteAllPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Records an assertion: the new counter, backup state and time of use, only if the counter moved
   * forward (or both it and the stored one are 0, an authenticator that keeps none), in one
   * conditional update.
   */
  recordPasskeyUse(id: string, use: { counter: number; backedUp: boolean; now: Date }): Promise<PasskeyUse>;
};
