import type { AdminUser } from '@spa-auth/contract';
import { ApiError } from '@spa-auth/http-client';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { ActivityLog } from '../../../components/activity/activity-log.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { activityLogQuery } from '../../../lib/activity.ts';
import { useClient } from '../../../lib/services.tsx';
import { ForbiddenPage } from './forbidden-page.tsx';
import { SecondFactorNeededPage, secondFactorNeededBy } from './second-factor-needed-page.tsx';

/**
 * What the users list hands to this page with the link: the address, for the heading. Only in the
 * navigation's state, so a reload or a pasted address shows the page without it.
 */
type ActivityState = { email: string };

export const activityState = (user: Pick<AdminUser, 'email'>): ActivityState => ({ email: user.email });

function emailOf(state: unknown): string | null {
  const email = (state as Partial<ActivityState> | null)?.email;
  return typeof email === 'string' ? email : null;
}

/** An admin's view of one user's security activity (GET /api/admin/users/:id/activity), newest first. */
export function UserActivityPage(props: { userId: string }) {
  const client = useClient();
  const email = emailOf(useLocation().state);
  const log = useInfiniteQuery(
    activityLogQuery(client, {
      path: `/api/admin/users/${encodeURIComponent(props.userId)}/activity`,
      queryKey: ['admin', 'activity', props.userId],
    }),
  );
  if (log.error instanceof ApiError && log.error.code === 'insufficient_scope') return <ForbiddenPage />;
  const need = secondFactorNeededBy(log.error);
  if (need) return <SecondFactorNeededPage need={need} onRetry={() => void log.refetch()} />;
  return (
    <Page title={email ? `Activity of ${email}` : 'Activity of a user'}>
      <p>
        <Link to="/admin">Back to the users</Link>
      </p>
      <ActivityLog log={log} caption="Security events of this account, newest first" />
    </Page>
  );
}
