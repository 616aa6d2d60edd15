import { AdminUsersPage } from '../../features/admin/components/users-page.tsx';

export function AdminRoute() {
  return <AdminUsersPage />;
}
