import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';
import type { AccessTokenClaims, AccessTokens } from './access-tokens.ts';

export type VerifiedTokenCache = AccessTokens & {
  /** How many verified tokens are held now; never more than `max`. */
  readonly size: number;
};

type Entry = { claims: AccessTokenClaims; validFrom: number; validUntil: number };

/**
 * Remembers the claims of access tokens that passed verification, so a token seen again skips the
 * ES256 check (about 100 µs of CPU). Revocation is not cached here: requireAuth still asks
 * Revocations for every request, cached token or not.
 */
export function createVerifiedTokenCache(tokens: AccessTokens, options: { clock: Clock; max: number }): VerifiedTokenCache {
  const { clock } = options;
  const cache = new LRUCache<string, Entry>({ max: options.max });

  return {
    signAccessToken: (subject) => tokens.signAccessToken(subject),

    verifyAccessToken(token) {
      // Safe because the key is the exact token string (any altered byte misses), only successes are
      // stored, and an entry is served only between iat and exp: outside that window, CLOCK_TOLERANCE
      // included, the real verifier decides again.
      const now = clock.now();
      const cached = cache.get(token);
      if (cached && now >= cached.validFrom && now < cached.validUntil) return { ok: true, claims: cached.claims };
      if (cached) cache.delete(token);
      const result = tokens.verifyAccessToken(token);
      if (result.ok) {
        const validFrom = result.claims.iat * 1000;
        const validUntil = result.claims.exp * 1000;
        // Frozen: one claims object is now handed to every request that presents this token.
        if (now >= validFrom && now < validUntil) cache.set(token, { claims: Object.freeze(result.claims), validFrom, validUntil });
      }
      return result;
    },

    get size() {
      return cache.size;
    },
  };
}
