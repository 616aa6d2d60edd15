import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PasskeyRecord, PasskeyStore } from '../../src/passkeys/passkey-store.ts';
import type { UserStore } from '../../src/users/users.ts';
import { storedUser } from '../support.ts';

/**
 * The passkeys port's contract, with the users port beside it (every passkey and most ceremonies
 * belong to a user): every adapter runs it (test/adapters). Each test makes its own user; the
 * expiry sweep's test dates its ceremonies in an era of its own, as the database holds other tests' rows.
 */
export function testPasskeyStore(setup: () => Promise<{ users: UserStore; passkeys: PasskeyStore }>): void {
  const T0 = new Date('2026-04-01T12:00:00Z');
  const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
  const hash = (text: string) => createHash('sha256').update(text).digest();
  const newUser = async (users: UserStore) => (await storedUser(users, T0, 'passkey')).id;
  const passkeyOf = (userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord => ({
    id: randomUUID(),
    userId,
    credentialId: randomBytes(16).toString('base64url'),
    publicKey: randomBytes(77),
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'singleDevice',
    backedUp: false,
    name: 'Laptop',
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  });

  describe('the passkeys port', () => {
    it('when a ceremony is consumed, then only its kind and user get its challenge, once, before it expires', async () => {
      const { users, passkeys } = await setup();
      const userId = await newUser(users);
      const otherId = await newUser(users);
      const ceremony = hash(randomUUID());
      await passkeys.createCeremony({
        hash: ceremony,
        kind: 'registration',
        userId,
        challenge: 'chal-1',
        now: T0,
        expiresAt: later(300_000),
      });
      // The wrong kind, user or an unknown one use nothing up.
      expect(await passkeys.consumeCeremony(ceremony, { kind: 'sign_in', userId: null }, later(1000))).toBeNull();
      expect(await passkeys.consumeCeremony(ceremony, { kind: 'registration', userId: otherId }, later(1000))).toBeNull();
      expect(await passkeys.consumeCeremony(ceremony, { kind: 'registration', userId: null }, later(1000))).toBeNull();
      expect(await passkeys.consumeCeremony(ceremony, { kind: 'registration', userId: 'not-a-uuid' }, later(1000))).toBeNull();
      expect(await passkeys.consumeCeremony(hash('unknown'), { kind: 'registration', userId }, later(1000))).toBeNull();
      const both = await Promise.all([1, 2].map(() => passkeys.consumeCeremony(ceremony, { kind: 'registration', userId }, later(1000))));
      expect(both.filter((challenge) => challenge !== null)).toEqual(['chal-1']);

      const anyone = hash(randomUUID());
      await passkeys.createCeremony({
        hash: anyone,
        kind: 'sign_in',
        userId: null,
        challenge: 'chal-2',
        now: T0,
        expiresAt: later(300_000),
      });
      expect(await passkeys.consumeCeremony(anyone, { kind: 'sign_in', userId }, later(1000))).toBeNull();
      expect(await passkeys.consumeCeremony(anyone, { kind: 'sign_in', userId: null }, later(300_000))).toBeNull();
    });

    it('when ceremonies expire, then the sweep deletes them, and only them', async () => {
      const { users, passkeys } = await setup();
      const userId = await newUser(users);
      const era = new Date('2001-02-01T00:00:00Z');
      const expired = hash(randomUUID());
      const live = hash(randomUUID());
      await passkeys.createCeremony({
        hash: expired,
        kind: 'second_step',
        userId,
        challenge: 'a',
        now: era,
        expiresAt: later(300_000, era),
      });
      await passkeys.createCeremony({
        hash: live,
        kind: 'reauthentication',
        userId,
        challenge: 'b',
        now: era,
        expiresAt: later(900_000, era),
      });
      expect(await passkeys.deleteExpiredCeremonies(later(300_001, era), 1000)).toBeGreaterThanOrEqual(1);
      expect(await passkeys.consumeCeremony(live, { kind: 'reauthentication', userId }, later(300_002, era))).toBe('b');
      expect(await passkeys.consumeCeremony(expired, { kind: 'second_step', userId }, later(1000, era))).toBeNull();
    });

    it('when passkeys are added, then they are listed oldest first, found by credential id, renamed and deleted for their user only', async () => {
      const { users, passkeys } = await setup();
      const userId = await newUser(users);
      const otherId = await newUser(users);
      const first = passkeyOf(userId, { name: 'Laptop' });
      const second = passkeyOf(userId, {
        name: 'Phone',
        deviceType: 'multiDevice',
        backedUp: true,
        transports: [],
        createdAt: later(1000),
      });
      expect(await passkeys.addPasskey(second, 20)).toBe('added');
      expect(await passkeys.addPasskey(first, 20)).toBe('added');
      expect(await passkeys.listPasskeys(userId)).toEqual([first, second]);
      expect(await passkeys.countPasskeys(userId)).toBe(2);
      expect(await passkeys.listPasskeys('not-a-uuid')).toEqual([]);
      expect(await passkeys.countPasskeys(otherId)).toBe(0);
      expect(await passkeys.findPasskeyByCredentialId(first.credentialId)).toEqual(first);
      expect(await passkeys.findPasskeyByCredentialId('unknown')).toBeNull();
      // A credential id is registered once, whoever asks.
      expect(await passkeys.addPasskey(passkeyOf(otherId, { credentialId: first.credentialId }), 20)).toBe('duplicate');

      expect(await passkeys.renamePasskey(otherId, first.id, 'Mine')).toBeNull();
      expect(await passkeys.renamePasskey(userId, first.id, 'Work laptop')).toEqual({ ...first, name: 'Work laptop' });
      expect(await passkeys.deletePasskey(otherId, first.id)).toBeNull();
      expect(await passkeys.deletePasskey(userId, 'not-a-uuid')).toBeNull();
      expect(await passkeys.deletePasskey(userId, first.id)).toEqual({ ...first, name: 'Work laptop' });
      expect(await passkeys.deletePasskey(userId, first.id)).toBeNull();
      expect(await passkeys.findPasskeyByCredentialId(first.credentialId)).toBeNull();

      expect(await passkeys.addPasskey(passkeyOf(userId, { createdAt: later(2000) }), 20)).toBe('added');
      expect((await passkeys.deleteAllPasskeys(userId)).map((passkey) => passkey.createdAt)).toEqual([later(1000), later(2000)]);
      expect(await passkeys.countPasskeys(userId)).toBe(0);
      expect(await passkeys.deleteAllPasskeys(userId)).toEqual([]);
    });

    it('when additions race, then the user never holds more than the limit', async () => {
      const { users, passkeys } = await setup();
      const userId = await newUser(users);
      const results = await Promise.all(Array.from({ length: 6 }, () => passkeys.addPasskey(passkeyOf(userId), 4)));
      expect(results.filter((result) => result === 'added')).toHaveLength(4);
      expect(results.filter((result) => result === 'limit')).toHaveLength(2);
      expect(await passkeys.countPasskeys(userId)).toBe(4);
    });

    it('when a use is recorded, then the counter only moves forward, 0 stays allowed for authenticators that keep none, and of two uses with one value one wins', async () => {
      const { users, passkeys } = await setup();
      const userId = await newUser(users);
      const counted = passkeyOf(userId);
      await passkeys.addPasskey(counted, 20);
      expect(await passkeys.recordPasskeyUse(counted.id, { counter: 5, backedUp: false, now: later(1000) })).toEqual({ result: 'used' });
      expect(await passkeys.recordPasskeyUse(counted.id, { counter: 5, backedUp: false, now: later(2000) })).toEqual({
        result: 'counter_not_increased',
        storedCounter: 5,
      });
      expect(await passkeys.recordPasskeyUse(counted.id, { counter: 0, backedUp: false, now: later(2000) })).toEqual({
        result: 'counter_not_increased',
        storedCounter: 5,
      });
      const raced = await Promise.all(
        [1, 2].map(() => passkeys.recordPasskeyUse(counted.id, { counter: 6, backedUp: true, now: later(3000) })),
      );
      expect(raced.map((use) => use.result).sort()).toEqual(['counter_not_increased', 'used']);
      expect(await passkeys.findPasskeyByCredentialId(counted.credentialId)).toMatchObject({
        counter: 6,
        backedUp: true,
        lastUsedAt: later(3000),
      });

      const uncounted = passkeyOf(userId, { deviceType: 'multiDevice', backedUp: true });
      await passkeys.addPasskey(uncounted, 20);
      for (const at of [1000, 2000]) {
        expect(await passkeys.recordPasskeyUse(uncounted.id, { counter: 0, backedUp: true, now: later(at) })).toEqual({ result: 'used' });
      }
      expect(await passkeys.recordPasskeyUse(randomUUID(), { counter: 1, backedUp: false, now: T0 })).toEqual({ result: 'gone' });
    });
  });
}
