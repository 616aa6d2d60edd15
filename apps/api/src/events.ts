import type { BackgroundWork } from './background.ts';
import type { UserRecord } from './users/users.ts';

/** What happened to an account, for the features that react to it (mail now; an activity log next). */
export type AccountEvent =
  | { type: 'user_registered'; user: UserRecord }
  | { type: 'password_changed'; user: UserRecord; via: 'change' | 'reset' }
  | { type: 'email_changed'; user: UserRecord; previousEmail: string }
  /** A refresh token was used again after it was replaced: the session was ended as stolen. */
  | { type: 'refresh_reused'; userId: string; sessionId: string };

export type AccountEventListener = (event: AccountEvent) => void | Promise<void>;

export type AccountEvents = {
  /** Adds a listener; features subscribe when they are built, so removing a feature removes it. */
  subscribe(listener: AccountEventListener): void;
  /**
   * Tells every listener as background work: what a listener does (sending mail) never delays or
   * fails the request that caused the event.
   */
  publish(event: AccountEvent): void;
};

export function createAccountEvents(background: BackgroundWork): AccountEvents {
  const listeners: AccountEventListener[] = [];
  return {
    subscribe(listener) {
      listeners.push(listener);
    },
    publish(event) {
      for (const listener of listeners) background.run(event.type, () => listener(event));
    },
  };
}
