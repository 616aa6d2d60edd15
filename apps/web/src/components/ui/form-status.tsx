import { forwardRef } from 'react';
import { Alert } from './alert.tsx';

/**
 * A form's outcome, in one live region: the error (focusable, so the form can move focus to it)
 * or a success message.
 */
export const FormStatus = forwardRef<HTMLDivElement, { error: string | null; success?: string | null; id?: string }>(function FormStatus(
  { error, success, id },
  ref,
) {
  return (
    <div id={id} aria-live="polite">
      {error ? (
        <Alert ref={ref} tone="error">
          {error}
        </Alert>
      ) : null}
      {success ? <Alert tone="success">{success}</Alert> : null}
    </div>
  );
});
