import type { ActivityEvent, ActivityResponse, ActivityType } from '@spa-auth/contract';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { describeDevice } from '../../lib/device.ts';
import { toFormProblem } from '../../lib/problem.ts';
import { Alert } from '../ui/alert.tsx';

/** What a person calls each kind of event; a Record, so a new kind in the contract is a type error here. */
const EVENT_NAMES: Record<ActivityType, string> = {
  registered: 'Account created',
  signed_in: 'Signed in',
  sign_in_failed: 'Failed sign-in',
  password_changed: 'Password changed',
  password_reset: 'Password reset',
  email_changed: 'Email address changed',
  sessions_revoked: 'Sessions ended',
  refresh_token_reused: 'Stolen session ended',
  account_disabled: 'Account disabled',
  account_enabled: 'Account enabled',
  role_changed: 'Role changed',
  api_token_created: 'API token created',
  api_token_used_from_new_ip: 'API token used from a new IP',
  api_token_revoked: 'API token revoked',
  api_token_expired: 'API token expired',
  second_factor_enrolled: 'Second factor added',
  second_factor_removed: 'Second factor removed',
  recovery_codes_regenerated: 'New recovery codes',
  second_factor_used: 'Second factor used',
  second_factor_failed: 'Wrong second factor',
  passkey_added: 'Passkey added',
  passkey_renamed: 'Passkey renamed',
  passkey_removed: 'Passkey removed',
  passkey_failed: 'Failed passkey sign-in',
  passkey_cloned: 'Copied passkey refused',
};

/** The time in the reader's own locale and time zone, with the date: events span days. */
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** The events as a table, newest first. */
export function ActivityTable(props: { events: ActivityEvent[]; caption: string }) {
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Event</th>
          <th scope="col">Device</th>
          <th scope="col">IP address</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {props.events.map((event) => (
          <tr key={event.id}>
            <td>
              <time dateTime={event.occurredAt}>{when(event.occurredAt)}</time>
            </td>
            <td>{EVENT_NAMES[event.type]}</td>
            <td>{describeDevice(event.userAgent)}</td>
            <td>{event.ip ?? 'Unknown'}</td>
            <td>{event.detail ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A log loaded page by page (lib/activity.ts): the table of every page loaded so far, and "Load
 * more" while the API says there are older events.
 */
export function ActivityLog(props: { log: UseInfiniteQueryResult<InfiniteData<ActivityResponse>>; caption: string }) {
  const { log } = props;
  const events = log.data?.pages.flatMap((page) => page.events) ?? [];
  return (
    <>
      {log.error ? <Alert tone="error">{toFormProblem(log.error).form}</Alert> : null}
      {log.isPending ? <p role="status">Loading activity…</p> : null}
      {log.data && events.length === 0 ? <p>No activity recorded yet.</p> : null}
      {events.length > 0 ? <ActivityTable events={events} caption={props.caption} /> : null}
      {log.hasNextPage ? (
        <button type="button" className="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </>
  );
}
