import { RECOVERY_CODE_COUNT, type TotpEnrollmentResponse } from '@spa-auth/contract';
import { ApiError } from '@spa-auth/http-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient, useSession } from '../../../lib/services.tsx';
import { regenerateRecoveryCodes, removeTotp, SECOND_FACTOR_KEY, secondFactorQuery, startTotp } from '../api/second-factor.ts';
import { RecoveryCodesPanel } from './recovery-codes-panel.tsx';
import './second-factor.css';

// The enrolment panel brings the QR code library (about 6 kB), which only a user adding an app needs:
// its chunk is fetched when "Set up" is pressed, while the API makes the secret.
const loadEnrolment = () => import('./totp-enrolment.tsx');
const TotpEnrolment = lazy(async () => ({ default: (await loadEnrolment()).TotpEnrolment }));

/** What the section shows: the status, an app being added, codes to save, or the question before turning it off. */
type View =
  | { at: 'status' }
  | { at: 'enrolling'; enrolment: TotpEnrollmentResponse }
  | { at: 'codes'; codes: string[]; intro: string }
  | { at: 'confirm-removal' };

// A recent sign-in is asked by the API and the re-authentication dialog; these say what cancelling it left undone.
const MESSAGES = {
  insufficient_user_authentication: 'Nothing was changed: this needs you to confirm it is you.',
};

/** When the last few recovery codes are left, it is time to make new ones. */
const FEW_CODES_LEFT = 3;

const when = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

/**
 * Settings' "Two-factor authentication": whether the account has an authenticator app and how many
 * recovery codes are left; adding the app (QR code, first code, the ten recovery codes shown once),
 * new recovery codes, and turning it off. The last two need a recent sign-in with the second factor:
 * the API asks for it, and the re-authentication dialog asks the user for the password and a code.
 */
export function TwoFactorSettings() {
  const client = useClient();
  const session = useSession();
  const queryClient = useQueryClient();
  const status = useQuery(secondFactorQuery(client));
  const [view, setView] = useState<View>({ at: 'status' });
  const [done, setDone] = useState<string | null>(null);
  // The last action's failure, said until the next action starts.
  const [failure, setFailure] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const question = useRef<HTMLParagraphElement>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: SECOND_FACTOR_KEY });
  // Back from a panel, the focus goes to the section, not to the top of the page.
  const backToStatus = (message: string | null) => {
    setDone(message);
    setFailure(null);
    setView({ at: 'status' });
    requestAnimationFrame(() => heading.current?.focus());
  };

  const starting = () => {
    setDone(null);
    setFailure(null);
  };
  // The status changed elsewhere meanwhile (another tab, another device): show it as it is now.
  const fail = (error: unknown) => {
    setFailure(error);
    if (error instanceof ApiError && ['second_factor_already_enrolled', 'second_factor_not_enrolled'].includes(error.code)) void refresh();
  };

  const start = useMutation({
    mutationFn: () => startTotp(client),
    onMutate: starting,
    onSuccess: (enrolment) => setView({ at: 'enrolling', enrolment }),
    onError: fail,
  });
  const regenerate = useMutation({
    mutationFn: () => regenerateRecoveryCodes(client),
    onMutate: starting,
    onSuccess: (codes) => {
      void refresh();
      setView({ at: 'codes', codes, intro: 'These ten new codes replace the earlier ones, which no longer work.' });
    },
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: () => removeTotp(client),
    onMutate: starting,
    onSuccess: async () => {
      await refresh();
      backToStatus('Two-factor authentication is off: your password alone signs you in, and the recovery codes no longer work.');
    },
    onError: (error) => {
      fail(error);
      setView({ at: 'status' });
    },
  });

  useEffect(() => {
    if (view.at === 'confirm-removal') question.current?.focus();
  }, [view.at]);

  let body: ReactNode;
  if (view.at === 'enrolling') {
    body = (
      <Suspense fallback={<p role="status">Loading…</p>}>
        <TotpEnrolment
          enrolment={view.enrolment}
          onCancel={() => backToStatus(null)}
          onConfirmed={(codes) => {
            void refresh();
            setView({ at: 'codes', codes, intro: 'Two-factor authentication is on.' });
          }}
        />
      </Suspense>
    );
  } else if (view.at === 'codes') {
    body = (
      <RecoveryCodesPanel codes={view.codes} account={session?.user.email ?? ''} intro={view.intro} onDone={() => backToStatus(null)} />
    );
  } else if (status.isPending) {
    body = <p role="status">Loading…</p>;
  } else if (status.error) {
    body = <Alert tone="error">{toFormProblem(status.error).form}</Alert>;
  } else if (status.data.totp === null) {
    body = (
      <>
        <p>
          <strong>Off.</strong> Your password alone signs you in. With an authenticator app on your phone, a stolen password is not enough:
          signing in also asks for the 6-digit code the app shows.
        </p>
        <div>
          <button
            type="button"
            className="button primary"
            disabled={start.isPending}
            onClick={() => {
              void loadEnrolment().catch(() => {});
              start.mutate();
            }}
          >
            {start.isPending ? 'Starting…' : 'Set up an authenticator app'}
          </button>
        </div>
      </>
    );
  } else {
    const left = status.data.recoveryCodesLeft;
    body = (
      <>
        <p>
          <strong>On</strong> since {when(status.data.totp.enrolledAt)}: signing in asks for a code of your authenticator app after the
          password.
        </p>
        <p>
          Recovery codes left: {left} of {RECOVERY_CODE_COUNT}.
          {left <= FEW_CODES_LEFT ? ' Get new ones before they run out: without the app or a code you cannot sign in.' : ''}
        </p>
        {view.at === 'confirm-removal' ? (
          <div className="confirm-removal">
            <p ref={question} tabIndex={-1}>
              Turn off two-factor authentication? Your password alone will sign you in again, and your recovery codes stop working.
            </p>
            <div className="actions">
              <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
                {remove.isPending ? 'Turning off…' : 'Turn it off'}
              </button>
              <button type="button" className="button" onClick={() => backToStatus(null)}>
                Keep it on
              </button>
            </div>
          </div>
        ) : (
          <div className="actions">
            <button type="button" className="button" disabled={regenerate.isPending} onClick={() => regenerate.mutate()}>
              Get new recovery codes
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                starting();
                setView({ at: 'confirm-removal' });
              }}
            >
              Turn off two-factor authentication
            </button>
          </div>
        )}
      </>
    );
  }

  return (
    <section aria-labelledby="two-factor-heading" className="card two-factor">
      <h2 id="two-factor-heading" ref={heading} tabIndex={-1}>
        Two-factor authentication
      </h2>
      <div aria-live="polite">
        {failure ? <Alert tone="error">{toFormProblem(failure, MESSAGES).form}</Alert> : null}
        {done ? <Alert tone="success">{done}</Alert> : null}
      </div>
      {body}
    </section>
  );
}
