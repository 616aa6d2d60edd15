import type { ComponentProps } from 'react';
import { Field } from './field.tsx';

type PresetProps = Omit<ComponentProps<typeof Field>, 'label' | 'type' | 'autoComplete'>;

// The API's rule for a new password (12 to 128 characters, nothing else), said where one is chosen.
const NEW_PASSWORD_HINT = '12 to 128 characters. A long phrase is easier to remember and harder to guess.';

/** The account's fields, labelled and typed once for every form that asks for them. */
export function NameField(props: PresetProps) {
  return <Field label="Name" autoComplete="name" {...props} />;
}

const EMAIL_AUTOCOMPLETE = { account: 'username', 'sign-in': 'username webauthn', new: 'email' };

/**
 * The email is the account's user name, so password managers save and fill it with the password.
 * `sign-in` also lets the browser offer the site's passkeys among its suggestions (`webauthn`, for a
 * conditional mediation request). `new` is an address the account does not have yet: no saved user
 * name is offered for it.
 */
export function EmailField({
  purpose = 'account',
  label = 'Email',
  ...props
}: PresetProps & { purpose?: 'account' | 'sign-in' | 'new'; label?: string }) {
  return <Field label={label} type="email" autoComplete={EMAIL_AUTOCOMPLETE[purpose]} {...props} />;
}

/** `current` lets a password manager fill in the saved password; `new` lets it offer one, and states the rule. */
export function PasswordField({ purpose, label = 'Password', ...props }: PresetProps & { purpose: 'current' | 'new'; label?: string }) {
  return (
    <Field
      label={label}
      type="password"
      autoComplete={`${purpose}-password`}
      hint={purpose === 'new' ? NEW_PASSWORD_HINT : undefined}
      {...props}
    />
  );
}
