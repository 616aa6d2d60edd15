import { randomUUID } from 'node:crypto';
import {
  type ApiTokenInfo,
  type CreateApiTokenRequest,
  type CreatedApiTokenResponse,
  MAX_API_TOKENS_PER_USER,
  ROLE_SCOPES,
} from '@spa-auth/contract';
import { challenge, type SessionCaller } from '../auth/bearer.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { AccountEvents } from '../events.ts';
import type { ApiTokenRecord, ApiTokenStore } from './api-tokens.ts';
import type { ApiTokenAuthentication } from './authenticator.ts';
import { generateApiToken } from './format.ts';

const DAY_MS = 86_400_000;
/** How long a revoked or expired token stays in the database before the retention job deletes it. */
export const ENDED_API_TOKEN_RETENTION_MS = 30 * DAY_MS;

const infoOf = (token: ApiTokenRecord): ApiTokenInfo => ({
  id: token.id,
  name: token.name,
  scopes: token.scopes,
  prefix: token.displayPrefix,
  createdAt: token.createdAt.toISOString(),
  expiresAt: token.expiresAt.toISOString(),
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  lastUsedIp: token.lastUsedIp,
});

const refOf = (token: Pick<ApiTokenRecord, 'id' | 'name'>) => ({ id: token.id, name: token.name });

export type ApiTokenService = ReturnType<typeof createApiTokenService>;

/** Who ended a token: its owner, an admin, or a change to the account that ends every token. */
type RevokedBy = 'user' | 'admin' | 'account_disabled' | 'password_reset';

export function createApiTokenService(deps: {
  store: ApiTokenStore;
  clock: Clock;
  events: AccountEvents;
  authentication: Pick<ApiTokenAuthentication, 'forget'>;
}) {
  const { store, clock, events, authentication } = deps;

  const revoked = async (userId: string, tokens: ApiTokenRecord[], by: RevokedBy) => {
    if (tokens.length === 0) return;
    await authentication.forget(tokens.map((token) => token.id));
    events.publish({ type: 'api_token_revoked', userId, tokens: tokens.map(refOf), by });
  };

  return {
    async list(userId: string): Promise<ApiTokenInfo[]> {
      return (await store.listApiTokens(userId)).map(infoOf);
    },

    /** Makes a token for the signed-in person; the secret is in the answer and nowhere else. */
    async create(caller: SessionCaller, request: CreateApiTokenRequest): Promise<CreatedApiTokenResponse> {
      const beyondRole = request.scopes.filter((scope) => !ROLE_SCOPES[caller.role].includes(scope));
      if (beyondRole.length > 0) {
        const description = `Your role cannot grant ${beyondRole.join(', ')}`;
        throw new AppError(403, 'insufficient_scope', description, {
          headers: { 'WWW-Authenticate': challenge('insufficient_scope', description, `, scope="${beyondRole.join(' ')}"`) },
        });
      }
      const now = clock.now();
      const { secret, hash, displayPrefix } = generateApiToken();
      const record = {
        id: randomUUID(),
        userId: caller.sub,
        name: request.name,
        scopes: [...request.scopes],
        displayPrefix,
        tokenHash: hash,
        createdAt: new Date(now),
        expiresAt: new Date(now + request.expiresInDays * DAY_MS),
      };
      const created = await store.createApiToken(record, { maxLive: MAX_API_TOKENS_PER_USER, now: new Date(now) });
      if (created === 'limit_reached') {
        throw new AppError(409, 'api_token_limit', `An account holds at most ${MAX_API_TOKENS_PER_USER} live API tokens; revoke one first`);
      }
      events.publish({ type: 'api_token_created', userId: caller.sub, token: refOf(record) });
      return { token: infoOf({ ...record, lastUsedAt: null, lastUsedIp: null, revokedAt: null }), secret };
    },

    /** False when the user holds no live token with that id. */
    async revoke(userId: string, tokenId: string, by: 'user' | 'admin'): Promise<boolean> {
      const token = await store.revokeApiToken(userId, tokenId, new Date(clock.now()));
      if (token) await revoked(userId, [token], by);
      return token !== null;
    },

    async revokeAll(userId: string, by: Exclude<RevokedBy, 'user'>): Promise<number> {
      const tokens = await store.revokeUserApiTokens(userId, new Date(clock.now()));
      await revoked(userId, tokens, by);
      return tokens.length;
    },

    /** The user's role changed: their tokens' scopes are capped anew on every instance at once. */
    async roleChanged(userId: string): Promise<void> {
      await authentication.forget((await store.listApiTokens(userId)).map((token) => token.id));
    },

    /**
     * Reports each token that expired since the last look, once; returns how many. Only expiries
     * within ENDED_API_TOKEN_RETENTION_MS are looked for: older tokens are being deleted anyway.
     */
    async noteExpired(limit: number): Promise<number> {
      const now = clock.now();
      const window = { after: new Date(now - ENDED_API_TOKEN_RETENTION_MS), until: new Date(now) };
      const expired = await store.noteExpiredApiTokens(window, limit);
      for (const token of expired) {
        events.publish({ type: 'api_token_expired', userId: token.userId, token: refOf(token), expiredAt: token.expiresAt });
      }
      return expired.length;
    },
  };
}
