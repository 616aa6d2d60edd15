import type { AccountEvents } from '../events.ts';
import type { Outbox } from '../mail/outbox.ts';
import { passwordChangedMessage } from '../mail/templates.ts';

/**
 * Security notices by email: the account's owner hears of what changed it, whichever feature did.
 * It has no routes; removing it is deleting this folder and its line in app.ts.
 */
export function subscribeNotifications(deps: { events: AccountEvents; outbox: Outbox }): void {
  const { events, outbox } = deps;
  events.subscribe((event) => {
    if (event.type === 'password_changed') {
      outbox.enqueue('password_changed', passwordChangedMessage(event.user.email, event.user.name, event.via));
    }
  });
}
