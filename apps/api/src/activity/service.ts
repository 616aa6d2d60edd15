import { randomUUID } from 'node:crypto';
import type { ActivityResponse, SecondFactor } from '@spa-auth/contract';
import type { Clock } from '../clock.ts';
import type { PublishedAccountEvent, SecondFactorPurpose } from '../events.ts';
import type { ActivityCursor, ActivityRecord, ActivityStore, ActivityType } from './activity.ts';

/** Events per page of the activity log, at most. */
export const ACTIVITY_PAGE_SIZE = 50;

/** What the log keeps of an account event, or null for events it does not keep. */
export function activityOf(event: PublishedAccountEvent): Omit<ActivityRecord, 'id'> | null {
  const base = { occurredAt: event.at, ip: event.context?.ip ?? null, userAgent: event.context?.userAgent ?? null };
  const entry = (type: ActivityType, userId: string, sessionId: string | null, detail: string | null = null) => ({
    ...base,
    type,
    userId,
    sessionId,
    detail,
  });
  switch (event.type) {
    case 'user_registered':
      return entry('registered', event.user.id, event.sessionId);
    case 'signed_in':
      return entry(
        'signed_in',
        event.user.id,
        event.sessionId,
        event.passkey ? `with the passkey “${event.passkey.name}”` : SIGN_IN_DETAILS[event.via],
      );
    case 'sign_in_failed':
      return entry('sign_in_failed', event.user.id, null);
    case 'password_changed':
      return entry(event.via === 'reset' ? 'password_reset' : 'password_changed', event.user.id, null);
    case 'email_changed':
      return entry('email_changed', event.user.id, null, `from ${event.previousEmail} to ${event.user.email}`);
    case 'sessions_revoked':
      return entry(
        'sessions_revoked',
        event.userId,
        event.sessionIds.length === 1 ? (event.sessionIds[0] as string) : null,
        `${event.sessionIds.length} by the ${event.by}`,
      );
    case 'refresh_reused':
      return entry('refresh_token_reused', event.userId, event.sessionId, 'the session was ended');
    case 'access_changed':
      if (event.change.role !== undefined) return entry('role_changed', event.user.id, null, `to ${event.change.role} by an admin`);
      return entry(event.change.disabled ? 'account_disabled' : 'account_enabled', event.user.id, null, 'by an admin');
    case 'api_token_created':
      return entry('api_token_created', event.userId, null, `“${event.token.name}”`);
    case 'api_token_revoked': {
      const names = event.tokens.map((token) => `“${token.name}”`).join(', ');
      const by =
        event.by === 'account_disabled'
          ? 'as the account was disabled'
          : event.by === 'password_reset'
            ? 'as the password was reset'
            : `by the ${event.by}`;
      return entry('api_token_revoked', event.userId, null, `${names} ${by}`);
    }
    case 'api_token_used_from_new_ip':
      // The request that used the token, not the request context, which the bearer check precedes.
      return { ...entry('api_token_used_from_new_ip', event.userId, null, `“${event.token.name}”`), ...event.use };
    case 'api_token_expired':
      return { ...entry('api_token_expired', event.userId, null, `“${event.token.name}”`), occurredAt: event.expiredAt };
    case 'second_factor_enrolled':
      return entry('second_factor_enrolled', event.user.id, null, 'an authenticator app, with 10 recovery codes');
    case 'second_factor_removed':
      return entry('second_factor_removed', event.user.id, null, 'the authenticator app and its recovery codes');
    case 'recovery_codes_regenerated':
      return entry('recovery_codes_regenerated', event.userId, null, 'the earlier codes no longer work');
    case 'second_factor_used':
      return entry('second_factor_used', event.userId, null, `${FACTOR_NAMES[event.factor]}, ${PURPOSES[event.purpose]}`);
    case 'second_factor_failed':
      return entry('second_factor_failed', event.userId, null, `a wrong or used ${FACTOR_NAMES[event.factor]}, ${PURPOSES[event.purpose]}`);
    case 'passkey_added':
      return entry('passkey_added', event.user.id, null, `“${event.passkey.name}”`);
    case 'passkey_renamed':
      return entry('passkey_renamed', event.userId, null, `“${event.previousName}” to “${event.passkey.name}”`);
    case 'passkey_removed': {
      const names = event.passkeys.map((passkey) => `“${passkey.name}”`).join(', ');
      return entry('passkey_removed', event.user.id, null, event.by === 'user' ? names : `${names} as the password was reset`);
    }
    case 'passkey_failed':
      return entry('passkey_failed', event.userId, null, `“${event.passkey.name}”, to sign in`);
    case 'passkey_cloned':
      return entry(
        'passkey_cloned',
        event.userId,
        null,
        `“${event.passkey.name}”: its counter went from ${event.storedCounter} to ${event.presentedCounter}; refused`,
      );
  }
}

const SIGN_IN_DETAILS: Record<Extract<PublishedAccountEvent, { type: 'signed_in' }>['via'], string | null> = {
  password: null,
  password_reset: 'with a password reset link',
  second_factor: 'with a second factor',
  passkey: 'with a passkey',
};
const FACTOR_NAMES: Record<SecondFactor, string> = { totp: 'authenticator code', recovery_code: 'recovery code', passkey: 'passkey' };
const PURPOSES: Record<SecondFactorPurpose, string> = { sign_in: 'to sign in', reauthenticate: 'to confirm it was you' };

/** Opaque to clients: base64url of the last event's time and id. */
export const encodeCursor = (c: ActivityCursor) => Buffer.from(`${c.occurredAt.toISOString()}|${c.id}`).toString('base64url');

export function decodeCursor(text: string): ActivityCursor | null {
  const [at = '', id = ''] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const occurredAt = new Date(at);
  if (Number.isNaN(occurredAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { occurredAt, id };
}

export type ActivityService = ReturnType<typeof createActivityService>;

export function createActivityService(deps: { activity: ActivityStore; clock: Clock }) {
  const { activity } = deps;
  return {
    async record(event: PublishedAccountEvent): Promise<void> {
      const entry = activityOf(event);
      if (entry) await activity.recordActivity({ id: randomUUID(), ...entry });
    },

    /** One page, newest first, and the cursor of the next page when there may be one. */
    async page(userId: string, after: ActivityCursor | undefined) {
      const rows = await activity.listActivity(userId, { ...(after ? { after } : {}), limit: ACTIVITY_PAGE_SIZE + 1 });
      const events = rows.slice(0, ACTIVITY_PAGE_SIZE);
      const last = events.at(-1);
      const page: ActivityResponse = {
        events: events.map((e) => ({
          id: e.id,
          type: e.type,
          occurredAt: e.occurredAt.toISOString(),
          ip: e.ip,
          userAgent: e.userAgent,
          detail: e.detail,
        })),
        nextCursor: rows.length > ACTIVITY_PAGE_SIZE && last ? encodeCursor(last) : null,
      };
      return page;
    },
  };
}
