import { Page } from '../../components/ui/page.tsx';
import { DeleteAccountForm } from '../../features/account/components/delete-account-form.tsx';
import { NameForm } from '../../features/account/components/name-form.tsx';
import { PasswordForm } from '../../features/account/components/password-form.tsx';
import { ChangeEmailForm } from '../../features/email-change/components/change-email-form.tsx';
import { PasskeysSettings } from '../../features/passkeys/components/passkeys-settings.tsx';
import { TwoFactorSettings } from '../../features/second-factor/components/two-factor-settings.tsx';

export function SettingsRoute() {
  return (
    <Page title="Settings">
      <NameForm />
      <PasswordForm />
      <TwoFactorSettings />
      <PasskeysSettings />
      <ChangeEmailForm />
      <DeleteAccountForm />
    </Page>
  );
}
