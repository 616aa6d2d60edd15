import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiTokenRecord, ApiTokenStore, NewApiTokenRecord } from '../../src/api-tokens/api-tokens.ts';
import { generateApiToken } from '../../src/api-tokens/format.ts';
import type { UserStore } from '../../src/users/users.ts';
import { uniqueEmail } from '../support.ts';

/**
 * The API tokens' port contract, with the users port beside it (a token reports its owner as they
 * are now): every adapter runs it (test/adapters). The database may hold other tests' rows, so each
 * test makes its own users, and the tests of the store-wide sweeps date their tokens in an era of
 * their own.
 */
export function testApiTokenStore(setup: () => Promise<{ users: UserStore; apiTokens: ApiTokenStore }>): void {
  const T0 = new Date('2026-03-01T12:00:00Z');
  const DAY = 86_400_000;
  const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
  const newUser = async (users: UserStore, createdAt = T0) => {
    const user = await users.createUser({
      id: randomUUID(),
      email: uniqueEmail('pat'),
      name: 'Token Owner',
      role: 'user',
      passwordHash: 'h',
      now: createdAt,
    });
    if (!user) throw new Error('no user');
    return user;
  };
  const newToken = (userId: string, overrides: Partial<NewApiTokenRecord> = {}): NewApiTokenRecord => {
    const { hash, displayPrefix } = generateApiToken();
    return {
      id: randomUUID(),
      userId,
      name: 'deploy script',
      scopes: ['profile:read', 'activity:read'],
      displayPrefix,
      tokenHash: hash,
      createdAt: T0,
      expiresAt: later(30 * DAY),
      ...overrides,
    };
  };
  /** Creates the token with no cap in the way; the cap has its own tests. */
  const stored = async (apiTokens: ApiTokenStore, token: NewApiTokenRecord) => {
    expect(await apiTokens.createApiToken(token, { maxLive: 1000, now: token.createdAt })).toBe('created');
    return token;
  };
  const asRecord = (token: NewApiTokenRecord, changes: Partial<ApiTokenRecord> = {}): ApiTokenRecord => ({
    ...token,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
    ...changes,
  });
  const idsOf = (tokens: { id: string }[]) => tokens.map((t) => t.id);

  const findByHash = async (apiTokens: ApiTokenStore, hash: Buffer) => (await apiTokens.findApiTokensByHash([hash]))[0] ?? null;

  describe('the API tokens port', () => {
    it('when a token is found by its hash, then it comes with its owner as the owner is now, and an unknown hash gives null', async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const token = await stored(apiTokens, newToken(user.id));

      const found = await findByHash(apiTokens, token.tokenHash);
      expect(found).toEqual({ ...asRecord(token), owner: { role: 'user', emailVerified: false, disabled: false } });
      expect(Buffer.isBuffer(found?.tokenHash)).toBe(true);
      expect(found?.tokenHash.equals(token.tokenHash)).toBe(true);

      expect(await users.markEmailVerified(user.id, user.email, later(1))).toBe(true);
      expect((await findByHash(apiTokens, token.tokenHash))?.owner).toEqual({ role: 'user', emailVerified: true, disabled: false });
      // Disabled first: an enabled admin made here could be the last one, which cannot be disabled.
      expect(await users.updateUserAccess(user.id, { disabled: true }, later(2))).not.toBeNull();
      expect((await findByHash(apiTokens, token.tokenHash))?.owner).toEqual({ role: 'user', emailVerified: true, disabled: true });
      expect(await users.updateUserAccess(user.id, { role: 'admin' }, later(3))).not.toBeNull();
      expect((await findByHash(apiTokens, token.tokenHash))?.owner).toEqual({ role: 'admin', emailVerified: true, disabled: true });

      expect(await findByHash(apiTokens, generateApiToken().hash)).toBeNull();
    });

    it('when several hashes are asked for at once, then one call finds the tokens that exist, whatever else is asked', async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const a = await stored(apiTokens, newToken(user.id));
      const b = await stored(apiTokens, newToken(user.id));
      const found = await apiTokens.findApiTokensByHash([b.tokenHash, generateApiToken().hash, a.tokenHash]);
      expect(found.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
      expect(found.every((t) => Buffer.isBuffer(t.tokenHash))).toBe(true);
      expect(found.find((t) => t.id === b.id)?.tokenHash.equals(b.tokenHash)).toBe(true);
      expect(await apiTokens.findApiTokensByHash([])).toEqual([]);
    });

    it("when tokens are listed, then the owner's not-revoked ones come newest first, expired ones included, never another user's", async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const other = await newUser(users);
      const oldest = await stored(apiTokens, newToken(user.id, { createdAt: T0, expiresAt: later(DAY) }));
      const revoked = await stored(apiTokens, newToken(user.id, { createdAt: later(1000) }));
      // Expired long before the list is asked for: still the owner's to see (and delete).
      const expired = await stored(apiTokens, newToken(user.id, { createdAt: later(2000), expiresAt: later(3000) }));
      const newest = await stored(apiTokens, newToken(user.id, { createdAt: later(4000), name: 'newest', scopes: ['admin:read'] }));
      await stored(apiTokens, newToken(other.id, { createdAt: later(5000) }));
      expect(await apiTokens.revokeApiToken(user.id, revoked.id, later(6000))).not.toBeNull();

      const listed = await apiTokens.listApiTokens(user.id);
      expect(listed).toEqual([asRecord(newest), asRecord(expired), asRecord(oldest)]);
      expect(listed.every((t) => Buffer.isBuffer(t.tokenHash))).toBe(true);
      expect(await apiTokens.listApiTokens(randomUUID())).toEqual([]);
      expect(await apiTokens.listApiTokens('not-a-uuid')).toEqual([]);
    });

    it('when the owner holds maxLive live tokens, then the next is refused, and revoked or expired ones do not count', async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const limits = { maxLive: 3, now: T0 };
      const shortLived = newToken(user.id, { expiresAt: later(DAY) });
      const toRevoke = newToken(user.id);
      expect(await apiTokens.createApiToken(shortLived, limits)).toBe('created');
      expect(await apiTokens.createApiToken(toRevoke, limits)).toBe('created');
      expect(await apiTokens.createApiToken(newToken(user.id), limits)).toBe('created');
      const refused = newToken(user.id);
      expect(await apiTokens.createApiToken(refused, limits)).toBe('limit_reached');
      expect(await findByHash(apiTokens, refused.tokenHash)).toBeNull();

      expect(await apiTokens.revokeApiToken(user.id, toRevoke.id, later(1))).not.toBeNull();
      expect(await apiTokens.createApiToken(newToken(user.id), limits)).toBe('created');
      expect(await apiTokens.createApiToken(newToken(user.id), limits)).toBe('limit_reached');

      // A day on, the short-lived one has expired and frees its place.
      const dayLater = { maxLive: 3, now: later(DAY) };
      expect(await apiTokens.createApiToken(newToken(user.id, { createdAt: later(DAY) }), dayLater)).toBe('created');
      expect(await apiTokens.createApiToken(newToken(user.id, { createdAt: later(DAY) }), dayLater)).toBe('limit_reached');
      expect(await apiTokens.listApiTokens(user.id)).toHaveLength(4);
    });

    it('when ten tokens are created at once against a cap of five, then exactly five are created', async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => apiTokens.createApiToken(newToken(user.id, { createdAt: later(i) }), { maxLive: 5, now: T0 })),
      );
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(5);
      expect(outcomes.filter((o) => o === 'limit_reached')).toHaveLength(5);
      expect(await apiTokens.listApiTokens(user.id)).toHaveLength(5);
    });

    it("when a token is revoked, then only the owner's live token is, once, and revoking all returns just the ones it revoked", async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const other = await newUser(users);
      const a = await stored(apiTokens, newToken(user.id, { createdAt: T0 }));
      const b = await stored(apiTokens, newToken(user.id, { createdAt: later(1) }));
      const c = await stored(apiTokens, newToken(user.id, { createdAt: later(2) }));
      const foreign = await stored(apiTokens, newToken(other.id));

      // Someone else's token cannot be revoked through this user.
      expect(await apiTokens.revokeApiToken(user.id, foreign.id, later(10))).toBeNull();
      expect(await apiTokens.revokeApiToken(user.id, 'not-a-uuid', later(10))).toBeNull();
      expect(await apiTokens.revokeApiToken('not-a-uuid', a.id, later(10))).toBeNull();
      expect(await apiTokens.revokeApiToken(user.id, a.id, later(10))).toEqual(asRecord(a, { revokedAt: later(10) }));
      expect(await apiTokens.revokeApiToken(user.id, a.id, later(11))).toBeNull();
      expect((await findByHash(apiTokens, a.tokenHash))?.revokedAt).toEqual(later(10));

      const all = await apiTokens.revokeUserApiTokens(user.id, later(20));
      expect(all.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
        [asRecord(b, { revokedAt: later(20) }), asRecord(c, { revokedAt: later(20) })].sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
      expect(await apiTokens.revokeUserApiTokens(user.id, later(30))).toEqual([]);
      expect(await apiTokens.revokeUserApiTokens('not-a-uuid', later(30))).toEqual([]);
      expect(await apiTokens.listApiTokens(user.id)).toEqual([]);
      // The first revocation's time stays.
      expect((await findByHash(apiTokens, a.tokenHash))?.revokedAt).toEqual(later(10));
      expect(await apiTokens.listApiTokens(other.id)).toEqual([asRecord(foreign)]);
    });

    it('when a use is recorded, then the last use is kept and an address is new only the first time it is seen', async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const token = await stored(apiTokens, newToken(user.id));
      const lastUse = async () => {
        const [listed] = await apiTokens.listApiTokens(user.id);
        return { at: listed?.lastUsedAt, ip: listed?.lastUsedIp };
      };

      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(1000), ip: '203.0.113.1' })).toEqual({ newIp: true });
      expect(await lastUse()).toEqual({ at: later(1000), ip: '203.0.113.1' });
      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(2000), ip: '203.0.113.1' })).toEqual({ newIp: false });
      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(3000), ip: '2001:db8::1' })).toEqual({ newIp: true });
      expect(await lastUse()).toEqual({ at: later(3000), ip: '2001:db8::1' });
      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(4000), ip: '203.0.113.1' })).toEqual({ newIp: false });
      expect(await lastUse()).toEqual({ at: later(4000), ip: '203.0.113.1' });
      expect(await apiTokens.recordApiTokenUse(randomUUID(), { at: later(5000), ip: '203.0.113.1' })).toEqual({ newIp: false });
    });

    it('when eight uses from one new address are recorded at once, then exactly one reports it new, every time', async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const token = await stored(apiTokens, newToken(user.id));
      // A single burst does not always overlap enough to show a lost update (the first one seldom
      // does), so there are many, each from an address not seen before.
      const newIpCounts: number[] = [];
      for (let round = 0; round < 25; round++) {
        const ip = `198.51.100.${round + 1}`;
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => apiTokens.recordApiTokenUse(token.id, { at: later(round * 10 + i), ip })),
        );
        newIpCounts.push(results.filter((r) => r.newIp).length);
      }
      expect(newIpCounts).toEqual(Array.from({ length: 25 }, () => 1));
      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(1000), ip: '198.51.100.25' })).toEqual({ newIp: false });
    });

    it('when a token was used from 21 addresses, then it remembers the latest 20 and the first is new again', async () => {
      const { users, apiTokens } = await setup();
      const user = await newUser(users);
      const token = await stored(apiTokens, newToken(user.id));
      const address = (i: number) => `192.0.2.${i + 1}`;
      for (let i = 0; i < 21; i++) {
        expect(await apiTokens.recordApiTokenUse(token.id, { at: later(i), ip: address(i) })).toEqual({ newIp: true });
      }
      // The 21st is still known; the 2nd, the oldest still kept, is too (asked before the 1st
      // returns and pushes it out).
      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(100), ip: address(20) })).toEqual({ newIp: false });
      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(101), ip: address(1) })).toEqual({ newIp: false });
      expect(await apiTokens.recordApiTokenUse(token.id, { at: later(102), ip: address(0) })).toEqual({ newIp: true });
    });

    it('when tokens expired, then noting them returns each not-revoked one once, up to the limit per call', async () => {
      const { users, apiTokens } = await setup();
      // The sweep is store-wide and other tests' expired tokens may be waiting too, so only this
      // test's tokens are asserted on; 2010 keeps them clear of the deletion test's 2001 cut-off,
      // and the window keeps other tests' sweeps (of recent expiries) away from them.
      const start = new Date('2010-01-01T00:00:00Z');
      const now = later(10 * DAY, start);
      const user = await newUser(users, start);
      const at = (days: number) => later(days * DAY, start);
      const expired = [
        await stored(apiTokens, newToken(user.id, { createdAt: start, expiresAt: at(1) })),
        await stored(apiTokens, newToken(user.id, { createdAt: start, expiresAt: at(2) })),
        // Expiring at the very moment counts as expired.
        await stored(apiTokens, newToken(user.id, { createdAt: start, expiresAt: now })),
      ];
      const live = await stored(apiTokens, newToken(user.id, { createdAt: start, expiresAt: at(11) }));
      const revoked = await stored(apiTokens, newToken(user.id, { createdAt: start, expiresAt: at(3) }));
      expect(await apiTokens.revokeApiToken(user.id, revoked.id, at(1))).not.toBeNull();

      const firstBatch = await apiTokens.noteExpiredApiTokens({ after: start, until: now }, 2);
      expect(firstBatch).toHaveLength(2);
      const rest = await apiTokens.noteExpiredApiTokens({ after: start, until: now }, 1000);
      const mine = [...firstBatch, ...rest].filter((t) => t.userId === user.id);
      expect(mine.map((t) => t.id).sort()).toEqual(idsOf(expired).sort());
      expect(mine.find((t) => t.id === expired[0]?.id)).toEqual(asRecord(expired[0] as NewApiTokenRecord));
      const again = idsOf(await apiTokens.noteExpiredApiTokens({ after: start, until: now }, 1000));
      expect(again.filter((id) => idsOf(expired).includes(id))).toEqual([]);

      // The live one is noted once it expires, and only then.
      expect(idsOf(await apiTokens.noteExpiredApiTokens({ after: start, until: at(11) }, 1000))).toContain(live.id);
      expect(idsOf(await apiTokens.noteExpiredApiTokens({ after: start, until: at(11) }, 1000))).not.toContain(live.id);
      expect(idsOf(await apiTokens.listApiTokens(user.id)).sort()).toEqual([...idsOf(expired), live.id].sort());
    });

    it('when tokens ended before the cut-off, then they are deleted in batches and live or recently ended ones stay', async () => {
      const { users, apiTokens } = await setup();
      // Long before any other test's tokens, so the cut-off reaches only these.
      const start = new Date('2001-01-01T00:00:00Z');
      const at = (days: number) => later(days * DAY, start);
      const user = await newUser(users, start);
      const token = (expiresInDays: number) => stored(apiTokens, newToken(user.id, { createdAt: start, expiresAt: at(expiresInDays) }));
      const ended = [await token(1), await token(2), await token(30)];
      const kept = [await token(400), await token(30), await token(20)];
      // Revoked before the cut-off, though it would expire long after.
      expect(await apiTokens.revokeApiToken(user.id, ended[2]?.id as string, at(3))).not.toBeNull();
      // Revoked after the cut-off: ended, but recently.
      expect(await apiTokens.revokeApiToken(user.id, kept[1]?.id as string, at(15))).not.toBeNull();
      const cutoff = at(10);

      expect(await apiTokens.deleteEndedApiTokens(cutoff, 2)).toBe(2);
      expect(await apiTokens.deleteEndedApiTokens(cutoff, 2)).toBe(1);
      expect(await apiTokens.deleteEndedApiTokens(cutoff, 2)).toBe(0);
      for (const gone of ended) expect(await findByHash(apiTokens, gone.tokenHash)).toBeNull();
      for (const stays of kept) expect((await findByHash(apiTokens, stays.tokenHash))?.id).toBe(stays.id);
    });
  });
}
