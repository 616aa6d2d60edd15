import { randomUUID, timingSafeEqual } from 'node:crypto';
import { type CreatedServiceClientResponse, type IntrospectionResponse, ROLE_SCOPES, type ServiceClientInfo } from '@spa-auth/contract';
import { JWT_ALGORITHM, verifyPinnedJwt } from '@spa-auth/resource-server/verify';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { KeySet } from '../auth/keys.ts';
import type { RevocationBus, Revocations } from '../auth/revocations.ts';
import type { Clock } from '../clock.ts';
import { generateClientSecret, hashClientSecret } from './format.ts';
import type { ServiceClientRecord, ServiceClientStore } from './service-clients.ts';

// A revoked client's tokens are refused on another instance within this time even with no bus,
// because its cached row is re-read from the shared database: the bound sessions have.
const STALE_AFTER_MS = 2_000;
/**
 * The service token's `typ`: not `at+jwt`, so the bearer check (which pins `at+jwt`) and any
 * RFC 9068 resource server refuse it as an access token; its audience is not the API's either.
 */
export const SERVICE_TOKEN_TYPE = 'service+jwt';
export const SERVICE_TOKEN_SCOPE = 'introspect';
/** How often a client's "last used" is written while it keeps asking for tokens. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

type Entry = { found: Promise<ServiceClientRecord | null>; checkedAt: number };

const infoOf = (client: ServiceClientRecord): ServiceClientInfo => ({
  id: client.id,
  name: client.name,
  createdAt: client.createdAt.toISOString(),
  lastUsedAt: client.lastUsedAt?.toISOString() ?? null,
});

export type ServiceClientService = ReturnType<typeof createServiceClientService>;

/**
 * Service clients (made, listed and revoked by an admin), the client credentials grant that gives
 * one a short-lived ES256 token limited to introspection, and the introspection of access tokens.
 */
export function createServiceClientService(deps: {
  store: ServiceClientStore;
  clock: Clock;
  keys: KeySet;
  issuer: string;
  serviceTokenTtlMs: number;
  clockToleranceMs: number;
  /** The bearer check's own verifier and session liveness: an introspection answers as it would. */
  tokens: Pick<AccessTokens, 'verifyAccessToken'>;
  revocations: Pick<Revocations, 'isSessionActive'>;
  bus?: RevocationBus | undefined;
}) {
  const { store, clock, keys, issuer, tokens, revocations, bus } = deps;
  const ttl = Math.max(1, Math.round(deps.serviceTokenTtlMs / 1000));
  const tolerance = Math.round(deps.clockToleranceMs / 1000);
  // The service token's audience: this API's introspection, never the API itself.
  const audience = `${issuer}/oauth/introspect`;
  const cache = new LRUCache<string, Entry>({ max: 10_000 });
  const lastWritten = new LRUCache<string, number>({ max: 10_000 });
  const verifiedServiceTokens = new LRUCache<string, { clientId: string; validFrom: number; validUntil: number }>({ max: 1_000 });
  const forgetLocally = (ids: string[]) => {
    for (const id of ids) cache.delete(id);
  };
  bus?.subscribe(forgetLocally);

  /** The client's row, read at most once per two seconds per client on this instance. */
  const clientById = (id: string): Promise<ServiceClientRecord | null> => {
    const now = clock.now();
    const cached = cache.get(id);
    if (cached && now - cached.checkedAt < STALE_AFTER_MS) return cached.found;
    const entry: Entry = { found: store.findServiceClient(id), checkedAt: now };
    cache.set(id, entry);
    entry.found.catch(() => {
      if (cache.peek(id) === entry) cache.delete(id);
    });
    return entry.found;
  };
  const liveClient = async (id: string) => {
    const client = await clientById(id);
    return client && client.revokedAt === null ? client : null;
  };

  return {
    async list(): Promise<ServiceClientInfo[]> {
      return (await store.listServiceClients()).map(infoOf);
    },

    /** Makes a client; the secret is in the answer and nowhere else. */
    async create(name: string, createdBy: string): Promise<CreatedServiceClientResponse> {
      const { secret, hash } = generateClientSecret();
      const record = { id: randomUUID(), name, secretHash: hash, createdBy, createdAt: new Date(clock.now()) };
      await store.createServiceClient(record);
      return { client: infoOf({ ...record, lastUsedAt: null, revokedAt: null }), clientSecret: secret };
    },

    /** False when there is no live client with that id. Its tokens are refused from now on. */
    async revoke(id: string): Promise<boolean> {
      const revoked = await store.revokeServiceClient(id, new Date(clock.now()));
      if (!revoked) return false;
      forgetLocally([id]);
      await bus?.publish([id]);
      return true;
    },

    /** The live client whose id and secret these are, or null; the secret compared in constant time. */
    async authenticate(id: string, secret: string): Promise<ServiceClientRecord | null> {
      const hash = hashClientSecret(secret);
      const client = await liveClient(id);
      if (!client || !timingSafeEqual(client.secretHash, hash)) return null;
      const now = clock.now();
      if (now - (lastWritten.get(id) ?? Number.NEGATIVE_INFINITY) >= LAST_USED_WRITE_INTERVAL_MS) {
        lastWritten.set(id, now);
        await store.recordServiceClientUse(id, new Date(now));
      }
      return client;
    },

    /** A token for the client: ES256 with the API's key, no `sub`, scope introspect, SERVICE_TOKEN_TTL. */
    issueToken(client: ServiceClientRecord): { token: string; expiresIn: number } {
      const iat = Math.floor(clock.now() / 1000);
      const claims = {
        iss: issuer,
        aud: audience,
        client_id: client.id,
        scope: SERVICE_TOKEN_SCOPE,
        jti: randomUUID(),
        iat,
        exp: iat + ttl,
      };
      const token = jwt.sign(claims, keys.signing.privateKey, {
        algorithm: JWT_ALGORITHM,
        header: { alg: JWT_ALGORITHM, typ: SERVICE_TOKEN_TYPE, kid: keys.signing.kid },
      });
      return { token, expiresIn: ttl };
    },

    /** The live client a service token was issued to, or null for anything else. */
    async verifyServiceToken(token: string): Promise<ServiceClientRecord | null> {
      const now = clock.now();
      // A service asks many times with one token: its ES256 check is done once, as the bearer check's
      // cache does for access tokens (same rules: the exact string, successes only, between iat and
      // exp). The client's liveness is still read for every question, through its 2 s cache.
      const cached = verifiedServiceTokens.get(token);
      if (cached && now >= cached.validFrom && now < cached.validUntil) return liveClient(cached.clientId);
      if (cached) verifiedServiceTokens.delete(token);
      const verified = verifyPinnedJwt(token, {
        key: (kid) => keys.verifying.get(kid),
        type: SERVICE_TOKEN_TYPE,
        issuer,
        audience,
        toleranceSeconds: tolerance,
        nowSeconds: Math.floor(now / 1000),
      });
      if (!verified.ok) return null;
      const { payload } = verified;
      const { client_id, scope, sub, iat, exp } = payload;
      if (typeof client_id !== 'string' || sub !== undefined || typeof scope !== 'string') return null;
      if (!scope.split(' ').includes(SERVICE_TOKEN_SCOPE)) return null;
      if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > ttl + tolerance) return null;
      if (now >= iat * 1000 && now < exp * 1000) {
        verifiedServiceTokens.set(token, { clientId: client_id, validFrom: iat * 1000, validUntil: exp * 1000 });
      }
      return liveClient(client_id);
    },

    /**
     * RFC 7662 for an access token: verified exactly as the bearer check does (the same verifier),
     * and its session live (the same two-second cache and revocation bus). Anything else is inactive.
     */
    async introspect(token: string): Promise<IntrospectionResponse> {
      const result = tokens.verifyAccessToken(token);
      if (!result.ok) return { active: false };
      const { claims } = result;
      if (!(await revocations.isSessionActive(claims.sid))) return { active: false };
      return {
        active: true,
        sub: claims.sub,
        client_id: claims.client_id,
        sid: claims.sid,
        // A browser sign-in holds every scope of its role (requirement 14).
        scope: ROLE_SCOPES[claims.role].join(' '),
        role: claims.role,
        exp: claims.exp,
        iat: claims.iat,
        iss: claims.iss,
        aud: claims.aud,
        token_type: 'Bearer',
        auth_time: claims.auth_time,
        amr: claims.amr,
        acr: claims.acr,
      };
    },
  };
}
