import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ActivityLog } from '../../../components/activity/activity-log.tsx';
import { Page } from '../../../components/ui/page.tsx';
import { activityLogQuery } from '../../../lib/activity.ts';
import { useClient } from '../../../lib/services.tsx';

/** The signed-in user's own security events (GET /api/me/activity), newest first. */
export function ActivityPage() {
  const client = useClient();
  const log = useInfiniteQuery(activityLogQuery(client, { path: '/api/me/activity', queryKey: ['activity', 'me'] }));
  return (
    <Page title="Security activity">
      <p>
        Sign-ins, failed sign-ins and changes to this account, newest first. Something you do not recognise?{' '}
        <Link to="/settings">Change your password</Link>.
      </p>
      <ActivityLog log={log} caption="Security events of this account, newest first" />
    </Page>
  );
}
