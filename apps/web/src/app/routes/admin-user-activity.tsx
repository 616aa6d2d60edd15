import { useParams } from 'react-router';
import { UserActivityPage } from '../../features/admin/components/user-activity-page.tsx';

export function AdminUserActivityRoute() {
  const { id = '' } = useParams();
  return <UserActivityPage userId={id} />;
}
