import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import {
  MAX_PASSKEYS_PER_USER,
  PASSKEY_CEREMONY_TTL_SECONDS,
  type PasskeyAssertion,
  type PasskeyAuthenticationOptionsResponse,
  type PasskeyInfo,
  type PasskeyRegistrationCredential,
  type PasskeyRegistrationOptionsResponse,
  type SecondFactor,
} from '@spa-auth/contract';
import type { ProofFailure, SecondFactorPart } from '../auth/second-factor.ts';
import type { AuthService, IssuedSession } from '../auth/service.ts';
import type { Clock } from '../clock.ts';
import type { AccountEvents, PasskeyRef } from '../events.ts';
import type { UserRecord, UserStore } from '../users/users.ts';
import type { CeremonyKind, PasskeyRecord, PasskeyStore } from './passkey-store.ts';
import {
  assertionResponseOf,
  descriptorsOf,
  PASSKEY_ALGORITHMS,
  registrationResponseOf,
  userHandleOf,
  userHandleText,
  wireDescriptorsOf,
} from './webauthn.ts';

/** The relying party: WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME and WEBAUTHN_ORIGINS. */
export type RelyingParty = { rpId: string; rpName: string; origins: string[] };

/** The name of a passkey registered without one. */
const DEFAULT_NAME = 'Passkey';

const ceremonyHash = (ceremonyId: string) => createHash('sha256').update(ceremonyId).digest();
const refOf = (passkey: PasskeyRecord): PasskeyRef => ({ id: passkey.id, name: passkey.name });

export const passkeyInfo = (passkey: PasskeyRecord): PasskeyInfo => ({
  id: passkey.id,
  name: passkey.name,
  createdAt: passkey.createdAt.toISOString(),
  lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
  deviceType: passkey.deviceType,
  backedUp: passkey.backedUp,
  transports: passkey.transports,
});

/**
 * RFC 8176 methods of an assertion with user verification: a proof of possession of the key, `hwk`
 * when it cannot leave its authenticator (a security key, a platform's secure hardware) or `swk`
 * when it is synced (backup eligible: it lives in a provider's software and crosses devices), and
 * `mfa`, as the authenticator checked a PIN or a biometric besides (which of them it does not say).
 */
const methodsOf = (synced: boolean) => [synced ? 'swk' : 'hwk', 'mfa'];

/** A refused passkey sign-in: a proof failure, or a right passkey of a disabled account. */
export type PasskeySignInFailure = Exclude<ProofFailure, 'invalid'> | 'account_disabled';

export type PasskeyService = ReturnType<typeof createPasskeyService>;

/**
 * Passkeys (WebAuthn, with @simplewebauthn/server): their registration ceremony, the list, renaming
 * and removal, a sign-in with no email typed, and the part of the second factor through which a
 * passkey completes a second step or a re-authentication. No req/res here.
 */
export function createPasskeyService(deps: {
  store: PasskeyStore;
  users: Pick<UserStore, 'findUserById'>;
  auth: Pick<AuthService, 'signIn'>;
  clock: Clock;
  events: AccountEvents;
  relyingParty: RelyingParty;
}) {
  const { store, users, auth, clock, events, relyingParty } = deps;
  const now = () => new Date(clock.now());
  /**
   * What every ceremony's response must show, a registration's and an assertion's alike: its
   * challenge, an origin of WEBAUTHN_ORIGINS, the RP ID's hash, and user verification.
   */
  const expectationsFor = (challenge: string) => ({
    expectedChallenge: challenge,
    expectedOrigin: relyingParty.origins,
    expectedRPID: relyingParty.rpId,
    requireUserVerification: true,
  });

  /** A new ceremony of this kind: its id for the browser, kept as SHA-256 with its challenge for five minutes. */
  async function startCeremony(kind: CeremonyKind, userId: string | null, challenge: string): Promise<string> {
    const ceremonyId = randomBytes(32).toString('base64url');
    const at = clock.now();
    await store.createCeremony({
      hash: ceremonyHash(ceremonyId),
      kind,
      userId,
      challenge,
      now: new Date(at),
      expiresAt: new Date(at + PASSKEY_CEREMONY_TTL_SECONDS * 1000),
    });
    return ceremonyId;
  }

  /** Options for navigator.credentials.get(): any passkey of the site (`allowCredentials` empty), or these. */
  async function authenticationOptions(
    kind: Exclude<CeremonyKind, 'registration'>,
    userId: string | null,
    passkeys: PasskeyRecord[],
  ): Promise<PasskeyAuthenticationOptionsResponse> {
    const options = await generateAuthenticationOptions({
      rpID: relyingParty.rpId,
      allowCredentials: descriptorsOf(passkeys),
      userVerification: 'required',
      timeout: PASSKEY_CEREMONY_TTL_SECONDS * 1000,
    });
    const ceremonyId = await startCeremony(kind, userId, options.challenge);
    return {
      ceremonyId,
      options: {
        rpId: relyingParty.rpId,
        challenge: options.challenge,
        allowCredentials: wireDescriptorsOf(options.allowCredentials),
        timeout: PASSKEY_CEREMONY_TTL_SECONDS * 1000,
        userVerification: 'required',
      },
    };
  }

  /**
   * Checks an assertion against the ceremony it names (used up first, whatever follows), the
   * passkey its credential id names, the user handle, and then the library's checks: the type, the
   * challenge, an origin of WEBAUTHN_ORIGINS, the RP ID's hash, user presence and verification, and
   * the signature. The counter is compared afterwards, on signed data only, so that a forged
   * assertion can neither pass nor be taken for a cloned authenticator; the library is given a
   * counter of 0 so that the conditional update of the store decides it, atomically.
   */
  async function checkAssertion(
    assertion: PasskeyAssertion,
    expected: { kind: Exclude<CeremonyKind, 'registration'>; userId: string | null },
  ): Promise<
    | { failure: Exclude<ProofFailure, 'invalid'>; passkey?: PasskeyRecord }
    | { passkey: PasskeyRecord; synced: boolean; counter: number; backedUp: boolean }
  > {
    const challenge = await store.consumeCeremony(ceremonyHash(assertion.ceremonyId), expected, now());
    if (!challenge) return { failure: 'passkey_challenge_invalid' };
    const passkey = await store.findPasskeyByCredentialId(assertion.response.id);
    if (!passkey) return { failure: 'passkey_unknown' };
    const handle = assertion.response.response.userHandle;
    if ((expected.userId !== null && passkey.userId !== expected.userId) || (handle && handle !== userHandleText(passkey.userId))) {
      return { failure: 'passkey_invalid', passkey };
    }
    try {
      const verification = await verifyAuthenticationResponse({
        response: assertionResponseOf(assertion.response),
        ...expectationsFor(challenge),
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0, transports: passkey.transports },
      });
      if (!verification.verified) return { failure: 'passkey_invalid', passkey };
      const info = verification.authenticationInfo;
      return {
        passkey,
        // The weaker of what it was and what it says now: a key that was ever synced is software's.
        synced: passkey.deviceType === 'multiDevice' || info.credentialDeviceType === 'multiDevice',
        counter: info.newCounter,
        backedUp: info.credentialBackedUp,
      };
    } catch {
      // The library throws for every check that fails; which one is no business of the caller's.
      return { failure: 'passkey_invalid', passkey };
    }
  }

  /** Records a verified assertion; a counter that did not move forward is refused and reported. */
  async function recordUse(
    passkey: PasskeyRecord,
    use: { counter: number; backedUp: boolean },
  ): Promise<'used' | 'passkey_cloned' | 'passkey_unknown'> {
    const recorded = await store.recordPasskeyUse(passkey.id, { ...use, now: now() });
    if (recorded.result === 'gone') return 'passkey_unknown';
    if (recorded.result === 'counter_not_increased') {
      events.publish({
        type: 'passkey_cloned',
        userId: passkey.userId,
        passkey: refOf(passkey),
        storedCounter: recorded.storedCounter,
        presentedCounter: use.counter,
      });
      return 'passkey_cloned';
    }
    return 'used';
  }

  const part: SecondFactorPart = {
    async factorsOf(userId): Promise<SecondFactor[]> {
      return (await store.countPasskeys(userId)) > 0 ? ['passkey'] : [];
    },
    // A passkey signs in on its own; a password sign-in asks for one only when an authenticator app
    // makes it two steps anyway (spec section 18): passkeys come with no recovery codes to fall back on.
    gatesSignIn: false,
    verifyProof(userId, proof, purpose) {
      if (!('passkey' in proof)) return null;
      return (async () => {
        const checked = await checkAssertion(proof.passkey, { kind: purpose === 'sign_in' ? 'second_step' : 'reauthentication', userId });
        if ('failure' in checked) return { failure: checked.failure };
        const used = await recordUse(checked.passkey, checked);
        return used === 'used' ? { methods: methodsOf(checked.synced) } : { failure: used };
      })();
    },
  };

  return {
    part,

    async list(userId: string): Promise<PasskeyInfo[]> {
      return (await store.listPasskeys(userId)).map(passkeyInfo);
    },

    /** Options for navigator.credentials.create(), or `limit` when the account has as many passkeys as it may. */
    async registrationOptions(user: UserRecord): Promise<PasskeyRegistrationOptionsResponse | 'limit'> {
      const passkeys = await store.listPasskeys(user.id);
      if (passkeys.length >= MAX_PASSKEYS_PER_USER) return 'limit';
      const options = await generateRegistrationOptions({
        rpName: relyingParty.rpName,
        rpID: relyingParty.rpId,
        userID: userHandleOf(user.id),
        userName: user.email,
        userDisplayName: user.name,
        timeout: PASSKEY_CEREMONY_TTL_SECONDS * 1000,
        attestationType: 'none',
        excludeCredentials: descriptorsOf(passkeys),
        // Discoverable, so it signs in with no email typed; verified, so it is two factors in one.
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
      });
      const ceremonyId = await startCeremony('registration', user.id, options.challenge);
      return {
        ceremonyId,
        options: {
          challenge: options.challenge,
          rp: { name: relyingParty.rpName, id: relyingParty.rpId },
          user: options.user,
          pubKeyCredParams: options.pubKeyCredParams.map(({ alg }) => ({ alg, type: 'public-key' as const })),
          timeout: PASSKEY_CEREMONY_TTL_SECONDS * 1000,
          attestation: 'none',
          excludeCredentials: wireDescriptorsOf(options.excludeCredentials),
          authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
          extensions: { credProps: true },
          hints: [],
        },
      };
    },

    /** The new credential of a registration ceremony of this user's, checked and kept. */
    async register(
      user: UserRecord,
      request: { ceremonyId: string; response: PasskeyRegistrationCredential; name?: string | undefined },
    ): Promise<PasskeyInfo | 'passkey_challenge_invalid' | 'passkey_invalid' | 'limit' | 'duplicate'> {
      const challenge = await store.consumeCeremony(ceremonyHash(request.ceremonyId), { kind: 'registration', userId: user.id }, now());
      if (!challenge) return 'passkey_challenge_invalid';
      let info: Extract<Awaited<ReturnType<typeof verifyRegistrationResponse>>, { verified: true }>['registrationInfo'];
      try {
        const verification = await verifyRegistrationResponse({
          response: registrationResponseOf(request.response),
          ...expectationsFor(challenge),
          supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
        });
        if (!verification.verified) return 'passkey_invalid';
        info = verification.registrationInfo;
      } catch {
        return 'passkey_invalid';
      }
      // The id the browser reports is the one the authenticator made.
      if (info.credential.id !== request.response.id) return 'passkey_invalid';
      const at = now();
      const passkey: PasskeyRecord = {
        id: randomUUID(),
        userId: user.id,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey),
        counter: info.credential.counter,
        transports: [...new Set(request.response.response.transports ?? [])],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name: request.name ?? DEFAULT_NAME,
        createdAt: at,
        lastUsedAt: null,
      };
      const added = await store.addPasskey(passkey, MAX_PASSKEYS_PER_USER);
      if (added !== 'added') return added;
      events.publish({ type: 'passkey_added', user, passkey: refOf(passkey) });
      return passkeyInfo(passkey);
    },

    async rename(userId: string, id: string, name: string): Promise<PasskeyInfo | null> {
      const before = (await store.listPasskeys(userId)).find((passkey) => passkey.id === id);
      const renamed = before ? await store.renamePasskey(userId, id, name) : null;
      if (!before || !renamed) return null;
      if (before.name !== renamed.name) {
        events.publish({ type: 'passkey_renamed', userId, passkey: refOf(renamed), previousName: before.name });
      }
      return passkeyInfo(renamed);
    },

    async remove(user: UserRecord, id: string): Promise<boolean> {
      const removed = await store.deletePasskey(user.id, id);
      if (!removed) return false;
      events.publish({ type: 'passkey_removed', user, passkeys: [refOf(removed)], by: 'user' });
      return true;
    },

    /** A reset takes the account back from whoever held it: the passkeys they may have added go. */
    async removeAll(user: UserRecord): Promise<void> {
      const removed = await store.deleteAllPasskeys(user.id);
      if (removed.length > 0) events.publish({ type: 'passkey_removed', user, passkeys: removed.map(refOf), by: 'password_reset' });
    },

    /** Options for a sign-in with any passkey of this site: no account is named. */
    signInOptions(): Promise<PasskeyAuthenticationOptionsResponse> {
      return authenticationOptions('sign_in', null, []);
    },

    /** Options restricted to this account's passkeys, for its second step or a re-authentication; null without one. */
    async accountOptions(userId: string, kind: 'second_step' | 'reauthentication'): Promise<PasskeyAuthenticationOptionsResponse | null> {
      const passkeys = await store.listPasskeys(userId);
      return passkeys.length > 0 ? authenticationOptions(kind, userId, passkeys) : null;
    },

    /**
     * A sign-in with a passkey and no email typed: the assertion checked, the account found by the
     * passkey and enabled, the use recorded, and a session started as login starts one, with the
     * passkey's methods as its amr.
     */
    async signIn(assertion: PasskeyAssertion, userAgent: string | null): Promise<IssuedSession | { failure: PasskeySignInFailure }> {
      const checked = await checkAssertion(assertion, { kind: 'sign_in', userId: null });
      const failed = (failure: PasskeySignInFailure, passkey?: PasskeyRecord) => {
        if (passkey) events.publish({ type: 'passkey_failed', userId: passkey.userId, passkey: refOf(passkey) });
        return { failure };
      };
      if ('failure' in checked) return failed(checked.failure, checked.passkey);
      const { passkey } = checked;
      const user = await users.findUserById(passkey.userId);
      if (!user) return { failure: 'passkey_unknown' };
      // Said only to whoever holds the passkey, as login says it only to whoever knows the password.
      if (user.disabledAt) return failed('account_disabled', passkey);
      const used = await recordUse(passkey, checked);
      if (used !== 'used') return { failure: used };
      // Null only when the password changed in the instant since the account was read: try once more.
      const session =
        (await auth.signIn(user, userAgent, methodsOf(checked.synced))) ??
        (await users
          .findUserById(user.id)
          .then((fresh) => (fresh && !fresh.disabledAt ? auth.signIn(fresh, userAgent, methodsOf(checked.synced)) : null)));
      if (!session) return { failure: 'passkey_challenge_invalid' };
      events.publish({ type: 'signed_in', user, sessionId: session.sessionId, via: 'passkey', passkey: refOf(passkey) });
      return session;
    },
  };
}
