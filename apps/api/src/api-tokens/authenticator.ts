import { timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '@spa-auth/contract';
import { API_TOKEN_PREFIX, ROLE_SCOPES } from '@spa-auth/contract/wire';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import { createBatchedReads } from '../auth/batched-reads.ts';
import type { ApiTokenAuthenticator, ApiTokenCaller } from '../auth/bearer.ts';
import { challenge } from '../auth/bearer.ts';
import type { RevocationBus } from '../auth/revocations.ts';
import type { BackgroundWork } from '../background.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { ApiTokenStore, ApiTokenWithOwner } from './api-tokens.ts';
import { hashApiToken, isWellFormedApiToken } from './format.ts';

// A revocation, an expiry of the owner's access or a role change reaches this instance within this
// time even with no bus, because the cached token is re-read from the shared database: the same
// bound as for sessions (requirement 4: refused within 5 s).
const STALE_AFTER_MS = 2_000;
/** How often a token's "last used" is written while it keeps being used from a known address. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;
/** Addresses remembered per token on this instance; the database keeps the authoritative list. */
const KNOWN_IPS_PER_TOKEN = 20;

type Usage = { writtenAt: number; ips: Set<string> };

export type ApiTokenAuthentication = ApiTokenAuthenticator & {
  /** Refuses these tokens at once here and on every instance (through the bus), re-reading them. */
  forget(tokenIds: string[]): Promise<void>;
};

function refused(code: ErrorCode, description: string): AppError {
  return new AppError(401, code, description, {
    headers: { 'WWW-Authenticate': challenge('invalid_token', description) },
  });
}

/**
 * The bearer check's API-token half: format and checksum first (no I/O for a mistyped token),
 * then the token by its SHA-256, with the owner's role and state as they are now, each answer
 * trusted for two seconds and the reads batched (`createBatchedReads`); tokens that were not found
 * are not read ahead. Records "last used" without a write per request.
 */
export function createApiTokenAuthentication(deps: {
  store: Pick<ApiTokenStore, 'findApiTokensByHash' | 'recordApiTokenUse'>;
  clock: Clock;
  events: AccountEvents;
  background: BackgroundWork;
  bus?: RevocationBus | undefined;
  max?: number;
}): ApiTokenAuthentication {
  const { store, clock, events, background, bus } = deps;
  const tokens = createBatchedReads<ApiTokenWithOwner | null>({
    async read(keys) {
      const found = await store.findApiTokensByHash(keys.map((key) => Buffer.from(key, 'base64')));
      const byKey = new Map(found.map((token) => [token.tokenHash.toString('base64'), token]));
      return keys.map((key) => byKey.get(key) ?? null);
    },
    readAhead: (token) => token !== null,
    clock,
    staleAfterMs: STALE_AFTER_MS,
    max: deps.max ?? 10_000,
  });
  const usage = new LRUCache<string, Usage>({ max: deps.max ?? 10_000 });

  const forgetLocally = (tokenIds: string[]) => {
    const ids = new Set(tokenIds);
    tokens.forget((token) => token !== null && ids.has(token.id));
  };
  bus?.subscribe(forgetLocally);

  const recordUse = (token: ApiTokenWithOwner, req: Request, now: number) => {
    const ip = req.ip ?? '';
    const seen = usage.get(token.id) ?? { writtenAt: Number.NEGATIVE_INFINITY, ips: new Set<string>() };
    const newHere = !seen.ips.has(ip);
    if (!newHere && now - seen.writtenAt < LAST_USED_WRITE_INTERVAL_MS) return;
    if (seen.ips.size >= KNOWN_IPS_PER_TOKEN) seen.ips.clear();
    seen.ips.add(ip);
    seen.writtenAt = now;
    usage.set(token.id, seen);
    const userAgent = req.get('User-Agent')?.slice(0, 512) ?? null;
    background.run('api token use', async () => {
      // The database says whether the address is new to the token, once across every instance.
      const { newIp } = await store.recordApiTokenUse(token.id, { at: new Date(now), ip });
      if (newIp) {
        events.publish({
          type: 'api_token_used_from_new_ip',
          userId: token.userId,
          token: { id: token.id, name: token.name },
          use: { ip, userAgent },
        });
      }
    });
  };

  const admit = (token: ApiTokenWithOwner | null, hash: Buffer, req: Request, now: number): ApiTokenCaller => {
    // The row was found by its hash; comparing the two again in constant time costs nothing and
    // keeps the check independent of how the database matched it.
    if (!token || !timingSafeEqual(token.tokenHash, hash)) throw refused('token_invalid', 'The API token is not valid');
    if (token.revokedAt !== null || token.owner.disabled) throw refused('token_revoked', 'The API token was revoked');
    if (token.expiresAt.getTime() <= now) throw refused('token_expired', 'The API token has expired');
    recordUse(token, req, now);
    const allowed = ROLE_SCOPES[token.owner.role];
    return {
      via: 'api_token',
      sub: token.userId,
      role: token.owner.role,
      email_verified: token.owner.emailVerified,
      // Capped by the owner's role now: a demoted admin's token loses the admin scopes.
      scopes: token.scopes.filter((scope) => allowed.includes(scope)),
      tokenId: token.id,
    };
  };

  return {
    prefix: API_TOKEN_PREFIX,
    authenticate(token, req) {
      if (!isWellFormedApiToken(token)) throw refused('token_invalid', 'The API token is not valid');
      const hash = hashApiToken(token);
      const key = hash.toString('base64');
      const now = clock.now();
      // Synchronous when the token is already known, as for all but a few requests per token every
      // two seconds: no promise on the hot path, as with access tokens.
      const known = tokens.known(key);
      if (known !== undefined) return admit(known, hash, req, now);
      return tokens.get(key).then((found) => admit(found, hash, req, now));
    },
    async forget(tokenIds) {
      if (tokenIds.length === 0) return;
      forgetLocally(tokenIds);
      await bus?.publish(tokenIds);
    },
  };
}
