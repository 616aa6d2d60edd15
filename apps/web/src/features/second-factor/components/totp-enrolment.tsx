import type { TotpEnrollmentResponse } from '@spa-auth/contract';
import { QRCodeSVG } from 'qrcode.react';
import { useEffect, useId, useRef } from 'react';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { ProofField } from '../../../components/ui/second-factor-proof.tsx';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { confirmTotp } from '../api/second-factor.ts';

const MESSAGES = {
  second_factor_invalid: 'The code is wrong. Check that the time on your device is right, and enter the newest code the app shows.',
  second_factor_not_enrolled: 'This setup has ended: another one was started, or it was finished elsewhere. Cancel and start again.',
};

/**
 * An authenticator app being added: the secret as a QR code and as text, and the app's first code,
 * which turns the factor on and brings the recovery codes. The secret is held by the page's state
 * while this shows, and nowhere else.
 */
export function TotpEnrolment(props: {
  enrolment: TotpEnrollmentResponse;
  onConfirmed: (recoveryCodes: string[]) => void;
  onCancel: () => void;
}) {
  const { secret, otpauthUri } = props.enrolment;
  const client = useClient();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const form = useForm({ code: '' }, MESSAGES);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const submit = form.handleSubmit(async ({ code }) => {
    props.onConfirmed(await confirmTotp(client, code.replace(/\s+/g, '')));
    return undefined;
  });

  return (
    <section className="totp-enrolment" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Set up your authenticator app
      </h3>
      <ol className="steps">
        <li>
          <p>Scan this QR code with an authenticator app (Google Authenticator, 1Password, Aegis, or any other TOTP app).</p>
          <QRCodeSVG
            value={otpauthUri}
            size={176}
            level="M"
            marginSize={4}
            title="QR code for your authenticator app"
            className="qr-code"
          />
        </li>
        <li>
          <div className="field">
            <label htmlFor={`${id}-secret`}>Or type this setup key into the app</label>
            <input
              id={`${id}-secret`}
              className="totp-secret"
              value={secret}
              readOnly
              spellCheck={false}
              autoComplete="off"
              onFocus={(event) => event.target.select()}
            />
          </div>
        </li>
        <li>
          <form onSubmit={submit} noValidate aria-label="Confirm the authenticator app">
            <p>Enter the code the app now shows, to check that it is set up.</p>
            <FormStatus {...form.status} />
            <ProofField kind="totp" {...form.field('code')} required />
            <div className="actions">
              <button type="submit" className="button primary" disabled={form.busy}>
                {form.busy ? 'Checking…' : 'Turn on'}
              </button>
              <button type="button" className="button" onClick={props.onCancel}>
                Cancel
              </button>
            </div>
          </form>
        </li>
      </ol>
    </section>
  );
}
