import type { SecondFactor } from '@spa-auth/contract';
import type { BackgroundWork } from './background.ts';
import type { RequestContext } from './http/request-context.ts';
import type { UserRecord } from './users/users.ts';

/** What happened to an account, for the features that react to it (notices by mail, the activity log). */
export type AccountEvent =
  | { type: 'user_registered'; user: UserRecord; sessionId: string }
  | {
      type: 'signed_in';
      user: UserRecord;
      sessionId: string;
      via: 'password' | 'password_reset' | 'second_factor' | 'passkey';
      /** With `via: 'passkey'`: which one. */
      passkey?: PasskeyRef;
    }
  | { type: 'sign_in_failed'; user: UserRecord }
  | { type: 'sessions_revoked'; userId: string; sessionIds: string[]; by: 'user' | 'admin' }
  | { type: 'password_changed'; user: UserRecord; via: 'change' | 'reset' }
  | { type: 'email_changed'; user: UserRecord; previousEmail: string }
  /** A refresh token was used again after it was replaced: the session was ended as stolen. */
  | { type: 'refresh_reused'; userId: string; sessionId: string }
  /** An admin changed the account's role or enabled or disabled it. */
  | { type: 'access_changed'; user: UserRecord; adminId: string; change: { role?: 'user' | 'admin'; disabled?: boolean } }
  | { type: 'api_token_created'; userId: string; token: ApiTokenRef }
  | { type: 'api_token_revoked'; userId: string; tokens: ApiTokenRef[]; by: 'user' | 'admin' | 'account_disabled' | 'password_reset' }
  /** The token's first request from an address it had not been used from; `use` is that request. */
  | { type: 'api_token_used_from_new_ip'; userId: string; token: ApiTokenRef; use: { ip: string; userAgent: string | null } }
  | { type: 'api_token_expired'; userId: string; token: ApiTokenRef; expiredAt: Date }
  /** An authenticator app was confirmed as the account's second factor (its recovery codes made with it). */
  | { type: 'second_factor_enrolled'; user: UserRecord; factor: 'totp' }
  | { type: 'second_factor_removed'; user: UserRecord; factor: 'totp' }
  | { type: 'recovery_codes_regenerated'; userId: string }
  /** A proof of the second factor was accepted: at a sign-in's second step, or with a re-authentication. */
  | { type: 'second_factor_used'; userId: string; factor: SecondFactor; purpose: SecondFactorPurpose }
  /** A wrong or used code was given for the account's second factor. */
  | { type: 'second_factor_failed'; userId: string; factor: SecondFactor; purpose: SecondFactorPurpose }
  | { type: 'passkey_added'; user: UserRecord; passkey: PasskeyRef }
  | { type: 'passkey_renamed'; userId: string; passkey: PasskeyRef; previousName: string }
  /** Passkeys removed by their owner, or all of them as the password was reset (an account taken back). */
  | { type: 'passkey_removed'; user: UserRecord; passkeys: PasskeyRef[]; by: 'user' | 'password_reset' }
  /** A sign-in with this passkey (no email typed) was refused: its answer did not verify, or the account is disabled. */
  | { type: 'passkey_failed'; userId: string; passkey: PasskeyRef }
  /** A passkey's signature counter did not move forward: a copy of it may exist. The assertion was refused. */
  | { type: 'passkey_cloned'; userId: string; passkey: PasskeyRef; storedCounter: number; presentedCounter: number };

/** Which passkey an event is about: its id and the name its owner gave it (never its key). */
export type PasskeyRef = { id: string; name: string };

/** Where a second factor was asked for: a sign-in's second step, or a re-authentication. */
export type SecondFactorPurpose = 'sign_in' | 'reauthenticate';

/** Which API token an event is about: its id and the name its owner gave it (never the secret). */
export type ApiTokenRef = { id: string; name: string };

/** An event as listeners get it: with the request it came from, when it came from one. */
export type PublishedAccountEvent = AccountEvent & { at: Date; context: RequestContext | undefined };

export type AccountEventListener = (event: PublishedAccountEvent) => void | Promise<void>;

export type AccountEvents = {
  /** Adds a listener; features subscribe when they are built, so removing a feature removes it. */
  subscribe(listener: AccountEventListener): void;
  /**
   * Tells every listener as background work: what a listener does (sending mail) never delays or
   * fails the request that caused the event.
   */
  publish(event: AccountEvent): void;
};

export function createAccountEvents(deps: {
  background: BackgroundWork;
  clock: { now(): number };
  /** The request being served, read when an event is published (http/request-context.ts). */
  currentContext?: () => RequestContext | undefined;
}): AccountEvents {
  const listeners: AccountEventListener[] = [];
  return {
    subscribe(listener) {
      listeners.push(listener);
    },
    publish(event) {
      const published = { ...event, at: new Date(deps.clock.now()), context: deps.currentContext?.() };
      for (const listener of listeners) deps.background.run(event.type, () => listener(published));
    },
  };
}
