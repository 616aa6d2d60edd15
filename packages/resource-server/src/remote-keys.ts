import { KeyObject } from 'node:crypto';
import { type CryptoKey, createRemoteJWKSet, customFetch, errors } from 'jose';
import { JWT_ALGORITHM } from './verify.ts';

export type RemoteKeysOptions = {
  /** The API's JWK Set, `<API>/.well-known/jwks.json`. */
  url: URL;
  /**
   * How long a fetched key set is trusted before it is fetched again on the next request, in
   * milliseconds: a key the API stopped publishing is still accepted here for at most this long.
   * Default 5 minutes.
   */
  maxAgeMs?: number;
  /**
   * The least time between two fetches caused by an unknown `kid`, so that tokens naming made-up
   * keys cannot make this service hammer the API. Default 30 seconds.
   */
  cooldownMs?: number;
};

/** Why a key could not be had: the token names a key the set lacks, or the set could not be fetched. */
export type KeyFailure = 'unknown' | 'unavailable';

export type RemoteKeys = {
  /** The public key with this `kid` from the API's key set, fetched or re-fetched as needed. */
  get(kid: string): Promise<{ ok: true; key: KeyObject } | { ok: false; failure: KeyFailure }>;
  /**
   * True when `key` is known, with no waiting, to be the set's key for `kid` still: `get` answered it
   * since the set was last fetched, and the set is not stale. False means "ask `get`", not "gone".
   */
  isCurrent(kid: string, key: KeyObject): boolean;
};

/**
 * The API's public keys, fetched from its JWK Set with jose's remote key set: cached, re-fetched
 * when stale, and re-fetched (at most once per cooldown) when a token names a key not yet seen, which
 * is how a new signing key is picked up during a rotation.
 */
export function createRemoteKeys(options: RemoteKeysOptions): RemoteKeys {
  // The keys `get` answered since the set was last fetched. jose changes its set only by fetching,
  // so these are still in it until the next fetch starts, which forgets them all.
  const confirmed = new Map<string, KeyObject>();
  const keySet = createRemoteJWKSet(options.url, {
    cacheMaxAge: options.maxAgeMs ?? 5 * 60_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    [customFetch]: (url, init) => {
      confirmed.clear();
      return fetch(url, init);
    },
  });
  // jose hands back the same CryptoKey for a key while it stays in the set; the verifier wants a
  // KeyObject, so each is converted once.
  const converted = new WeakMap<CryptoKey, KeyObject>();
  return {
    async get(kid) {
      let cryptoKey: CryptoKey;
      try {
        cryptoKey = await keySet({ alg: JWT_ALGORITHM, kid });
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
          return { ok: false, failure: 'unknown' };
        return { ok: false, failure: 'unavailable' };
      }
      let key = converted.get(cryptoKey);
      if (!key) {
        key = KeyObject.from(cryptoKey);
        converted.set(cryptoKey, key);
      }
      confirmed.set(kid, key);
      return { ok: true, key };
    },
    isCurrent(kid, key) {
      return keySet.fresh && !keySet.reloading && confirmed.get(kid) === key;
    },
  };
}
