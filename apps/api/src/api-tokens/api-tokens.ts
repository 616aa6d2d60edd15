import type { Role, Scope } from '@spa-auth/contract';

export type ApiTokenRecord = {
  id: string;
  userId: string;
  name: string;
  scopes: Scope[];
  /** The prefix and the first random characters, shown to tell tokens apart. Not secret. */
  displayPrefix: string;
  /** SHA-256 of the whole token; the token itself is never stored. */
  tokenHash: Buffer;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
};

/** A token found by its hash, with what the bearer check needs of its owner as they are now. */
export type ApiTokenWithOwner = ApiTokenRecord & { owner: { role: Role; emailVerified: boolean; disabled: boolean } };

export type NewApiTokenRecord = Omit<ApiTokenRecord, 'lastUsedAt' | 'lastUsedIp' | 'revokedAt'>;

/**
 * The API tokens' port, owned by this feature. test/ports/api-token-store.ts is the suite every
 * adapter passes.
 */
export type ApiTokenStore = {
  /**
   * Stores the token unless its owner already holds `maxLive` tokens that are neither revoked nor
   * expired at `now`; concurrent creations for one owner take turns, so the cap holds.
   */
  createApiToken(token: NewApiTokenRecord, limits: { maxLive: number; now: Date }): Promise<'created' | 'limit_reached'>;
  /** The tokens with these SHA-256 hashes that exist (revoked and expired ones included), in no particular order. */
  findApiTokensByHash(tokenHashes: readonly Buffer[]): Promise<ApiTokenWithOwner[]>;
  /** The owner's tokens that are not revoked (expired ones included), newest first. */
  listApiTokens(userId: string): Promise<ApiTokenRecord[]>;
  /** Revokes one live token of `userId`; null when there is none with that id. */
  revokeApiToken(userId: string, tokenId: string, at: Date): Promise<ApiTokenRecord | null>;
  /** Revokes every token of the user not yet revoked; returns them. */
  revokeUserApiTokens(userId: string, at: Date): Promise<ApiTokenRecord[]>;
  /**
   * Records a use: last used time and IP, and adds the IP to the token's known addresses (the 20
   * first seen most recently; using a known one again does not keep it longer). Returns whether the IP was new to the token, as one atomic step, so two instances
   * seeing the same new address report it once.
   */
  recordApiTokenUse(tokenId: string, use: { at: Date; ip: string }): Promise<{ newIp: boolean }>;
  /**
   * Marks up to `limit` tokens that expired after `after` and by `until` (and were not revoked) as
   * noted, and returns them: each expiry is reported once, however many instances look.
   */
  noteExpiredApiTokens(window: { after: Date; until: Date }, limit: number): Promise<ApiTokenRecord[]>;
  /** Deletes up to `limit` tokens revoked or expired before `before`; returns how many. */
  deleteEndedApiTokens(before: Date, limit: number): Promise<number>;
};
