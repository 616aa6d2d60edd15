import { Page } from '../../components/ui/page.tsx';
import { NameForm } from '../../features/account/components/name-form.tsx';
import { PasswordForm } from '../../features/account/components/password-form.tsx';

export function SettingsRoute() {
  return (
    <Page title="Settings">
      <NameForm />
      <PasswordForm />
    </Page>
  );
}
