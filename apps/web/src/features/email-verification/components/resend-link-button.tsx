import { useMutation } from '@tanstack/react-query';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';
import { sendVerificationEmail } from '../api/send-verification-email.ts';

// The API's own words for a 429 say when the next mail may be asked for.
const MESSAGES = { rate_limited: (error: Error) => error.message };

/** Mails the signed-in user a new verification link, and says how that went in a live region. */
export function ResendLinkButton(props: { label: string; email: string }) {
  const client = useClient();
  const send = useMutation({ mutationFn: () => sendVerificationEmail(client) });
  return (
    <div className="resend-link">
      <button type="button" className="button" onClick={() => send.mutate()} disabled={send.isPending}>
        {send.isPending ? 'Sending…' : props.label}
      </button>
      <FormStatus
        error={send.error ? toFormProblem(send.error, MESSAGES).form : null}
        success={send.isSuccess ? `We sent a new link to ${props.email}.` : null}
      />
    </div>
  );
}
