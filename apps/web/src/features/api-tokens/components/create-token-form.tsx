import {
  API_TOKEN_LIFETIMES_DAYS,
  type ApiTokenLifetimeDays,
  type CreatedApiTokenResponse,
  MAX_API_TOKENS_PER_USER,
  ROLE_SCOPES,
  type Role,
  SCOPE_DESCRIPTIONS,
  type Scope,
} from '@spa-auth/contract';
import { useEffect, useId, useRef, useState } from 'react';
import { Field } from '../../../components/ui/field.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { createApiToken } from '../api/api-tokens.ts';

/** Chosen unless the user picks another: long enough for a month's use, short enough to run out if forgotten. */
export const DEFAULT_LIFETIME_DAYS: ApiTokenLifetimeDays = 30;

const MESSAGES = {
  api_token_limit: `This account has ${MAX_API_TOKENS_PER_USER} tokens, the most it may hold. Revoke one it no longer needs, then create this one.`,
  insufficient_user_authentication: 'The token was not created: creating one needs your password.',
  // The role changed since the page was loaded: the checkboxes offered a scope it no longer carries.
  insufficient_scope: 'Your role does not allow one of the chosen scopes. Reload the page to see the scopes you may give.',
  // REQUIRE_MFA_FOR_ADMIN: a token with an admin scope needs a sign-in with the second factor (requirement 17.17).
  second_factor_not_enrolled: 'The token was not created: admin scopes need two-factor authentication, which you can set up in Settings.',
};

/** The checked scopes, from the form's space-separated value. */
const scopesIn = (value: string): Scope[] => (value === '' ? [] : (value.split(' ') as Scope[]));

/**
 * A new token's name, scopes and lifetime. The scopes offered are the role's (a token can never do
 * more than its owner), none of them checked: the user picks what the program needs. The checked
 * scopes are held space-separated, as OAuth writes a scope list, so every value of the form is a string.
 */
export function CreateTokenForm(props: { role: Role; focusOnMount: boolean; onCreated: (created: CreatedApiTokenResponse) => void }) {
  const { role, onCreated } = props;
  const client = useClient();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const form = useForm({ name: '', scopes: '', expiresInDays: String(DEFAULT_LIFETIME_DAYS) }, MESSAGES);
  const offered = ROLE_SCOPES[role];
  const chosen = scopesIn(form.values.scopes);
  const scopes = form.field('scopes');
  const lifetime = form.field('expiresInDays');

  // Back from the new token's panel, the focus comes here rather than to the top of the page. Fixed
  // at mount: the prop is about how the form appeared, not something to react to later.
  const [focusOnMount] = useState(props.focusOnMount);
  useEffect(() => {
    if (focusOnMount) heading.current?.focus();
  }, [focusOnMount]);

  const toggle = (scope: Scope, checked: boolean) =>
    form.setValues({ scopes: offered.filter((s) => (s === scope ? checked : chosen.includes(s))).join(' ') });

  const submit = form.handleSubmit(async (values) => {
    const created = await createApiToken(client, {
      name: values.name,
      scopes: scopesIn(values.scopes),
      expiresInDays: Number(values.expiresInDays) as ApiTokenLifetimeDays,
    });
    onCreated(created);
    return undefined;
  });

  const scopesDescribedBy = [`${id}-scopes-hint`, scopes.error ? `${id}-scopes-error` : ''].filter(Boolean).join(' ');
  const lifetimeDescribedBy = [`${id}-lifetime-hint`, lifetime.error ? `${id}-lifetime-error` : ''].filter(Boolean).join(' ');
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-heading`} className="card token-form">
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Create a token
      </h2>
      <FormStatus {...form.status} />
      <Field
        {...form.field('name')}
        label="Name"
        hint="What the token is for, so that you know it again in the list: “backup script”, “CI”."
        autoComplete="off"
        maxLength={100}
        required
      />
      <fieldset aria-describedby={scopesDescribedBy}>
        <legend>Scopes</legend>
        <p id={`${id}-scopes-hint`} className="hint">
          What the token may do. Choose only what the program needs; at least one.
        </p>
        {scopes.error ? (
          <p id={`${id}-scopes-error`} className="field-error">
            {scopes.error}
          </p>
        ) : null}
        {offered.map((scope, index) => (
          <div key={scope} className="scope-option">
            <input
              id={`${id}-scope-${scope}`}
              type="checkbox"
              name="scopes"
              value={scope}
              checked={chosen.includes(scope)}
              onChange={(event) => toggle(scope, event.target.checked)}
              aria-describedby={`${id}-scope-${scope}-description`}
              aria-invalid={scopes.error ? true : undefined}
              // After a refusal the focus goes to the group's first box, where its error is read out.
              ref={index === 0 ? scopes.ref : undefined}
            />
            <label htmlFor={`${id}-scope-${scope}`}>
              <code>{scope}</code>
            </label>
            <span id={`${id}-scope-${scope}-description`} className="hint">
              {SCOPE_DESCRIPTIONS[scope]}
            </span>
          </div>
        ))}
      </fieldset>
      <fieldset aria-describedby={lifetimeDescribedBy}>
        <legend>Expires after</legend>
        <p id={`${id}-lifetime-hint`} className="hint">
          Every token expires. {DEFAULT_LIFETIME_DAYS} days is chosen unless you pick another; a shorter time is safer.
        </p>
        {lifetime.error ? (
          <p id={`${id}-lifetime-error`} className="field-error">
            {lifetime.error}
          </p>
        ) : null}
        <div className="actions">
          {API_TOKEN_LIFETIMES_DAYS.map((days, index) => (
            <label key={days} className="lifetime-option">
              <input
                type="radio"
                name={lifetime.name}
                value={String(days)}
                checked={lifetime.value === String(days)}
                onChange={lifetime.onChange}
                required
                ref={index === 0 ? lifetime.ref : undefined}
              />{' '}
              {days} days
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}
