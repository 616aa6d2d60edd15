import type { AccountEvents } from '../events.ts';
import type { Outbox } from '../mail/outbox.ts';
import {
  emailChangedMessage,
  passkeyChangedMessage,
  passwordChangedMessage,
  refreshReusedMessage,
  secondFactorChangedMessage,
} from '../mail/templates.ts';
import type { UserStore } from '../users/users.ts';

/**
 * Security notices by email: the account's owner hears of what changed it, whichever feature did.
 * It has no routes; removing it is deleting this folder and its line in app.ts.
 */
export function subscribeNotifications(deps: { events: AccountEvents; outbox: Outbox; users: Pick<UserStore, 'findUserById'> }): void {
  const { events, outbox, users } = deps;
  events.subscribe(async (event) => {
    if (event.type === 'password_changed') {
      outbox.enqueue('password_changed', passwordChangedMessage(event.user.email, event.user.name, event.via));
    } else if (event.type === 'email_changed') {
      // To the old address: the one a thief who changed it would not want told.
      outbox.enqueue('email_changed', emailChangedMessage(event.previousEmail, event.user.name, event.user.email));
    } else if (event.type === 'refresh_reused') {
      const user = await users.findUserById(event.userId);
      if (user) outbox.enqueue('refresh_reused', refreshReusedMessage(user.email, user.name));
    } else if (event.type === 'second_factor_enrolled' || event.type === 'second_factor_removed') {
      const change = event.type === 'second_factor_enrolled' ? 'added' : 'removed';
      outbox.enqueue(`second_factor_${change}`, secondFactorChangedMessage(event.user.email, event.user.name, change));
    } else if (event.type === 'passkey_added') {
      outbox.enqueue('passkey_added', passkeyChangedMessage(event.user.email, event.user.name, { added: event.passkey.name }));
    } else if (event.type === 'passkey_removed') {
      const removed = event.passkeys.map((passkey) => passkey.name);
      outbox.enqueue(
        'passkey_removed',
        passkeyChangedMessage(event.user.email, event.user.name, { removed, byReset: event.by === 'password_reset' }),
      );
    }
  });
}
