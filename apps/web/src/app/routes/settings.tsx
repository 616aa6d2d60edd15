import { Page } from '../../components/ui/page.tsx';
import { DeleteAccountForm } from '../../features/account/components/delete-account-form.tsx';
import { NameForm } from '../../features/account/components/name-form.tsx';
import { PasswordForm } from '../../features/account/components/password-form.tsx';
import { ChangeEmailForm } from '../../features/email-change/components/change-email-form.tsx';

export function SettingsRoute() {
  return (
    <Page title="Settings">
      <NameForm />
      <PasswordForm />
      <ChangeEmailForm />
      <DeleteAccountForm />
    </Page>
  );
}
