import { ApiError } from '@spa-auth/http-client';
import { Link } from 'react-router';
import { Page } from '../../../components/ui/page.tsx';

/**
 * Whether an admin route refused the caller for want of a second factor (REQUIRE_MFA_FOR_ADMIN,
 * requirement 17.16): none enrolled (403 second_factor_not_enrolled, which no sign-in can change), or
 * the dialog that asks for one was cancelled (401 insufficient_user_authentication).
 */
export function secondFactorNeededBy(error: unknown): 'enrol' | 'confirm' | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'second_factor_not_enrolled') return 'enrol';
  if (error.code === 'insufficient_user_authentication') return 'confirm';
  return null;
}

/**
 * The admin pages with REQUIRE_MFA_FOR_ADMIN for an admin whose sign-in did not use a second factor:
 * with none, the way to Settings to add one; with one, another chance to confirm it. Not a token
 * problem: the user stays signed in.
 */
export function SecondFactorNeededPage(props: { need: 'enrol' | 'confirm'; onRetry: () => void }) {
  return (
    <Page title="Two-factor authentication needed">
      {props.need === 'enrol' ? (
        <>
          <p>The admin pages need two-factor authentication on your account, and it has none yet.</p>
          <p>
            <Link to="/settings">Set up an authenticator app in Settings</Link>, then come back to the admin pages.
          </p>
        </>
      ) : (
        <>
          <p>The admin pages need a sign-in with your second factor: confirm it with your password and a code of your authenticator app.</p>
          <p>
            <button type="button" className="button primary" onClick={props.onRetry}>
              Confirm it is you
            </button>
          </p>
        </>
      )}
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </Page>
  );
}
