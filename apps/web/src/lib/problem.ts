import { ApiError } from '@spa-auth/http-client';

export type FormProblem = { form: string | null; fields: Record<string, string> };

/** A form's own words for a problem code: fixed, or made from the problem (its detail, its Retry-After). */
export type ProblemMessages = Partial<Record<string, string | ((error: ApiError) => string)>>;

const FORM_MESSAGES: Partial<Record<string, string>> = {
  invalid_credentials: 'The email or password is wrong.',
  email_taken: 'An account with this email already exists. Sign in instead?',
  network_error: 'The server cannot be reached. Check your connection and try again.',
  service_unavailable: 'The service is briefly unavailable. Try again in a moment.',
  csrf_rejected: 'The request was refused by the server’s cross-site protection.',
};

/**
 * Turns an ApiError into words for a form: field errors from `errors[]`, the rest for the form.
 * A form may word a code its own way (`messages`), as the password form does for invalid_credentials.
 */
export function toFormProblem(error: unknown, messages: ProblemMessages = {}): FormProblem {
  if (!(error instanceof ApiError)) return { form: 'Something went wrong. Try again.', fields: {} };
  const own = messages[error.code];
  if (typeof own === 'function') return { form: own(error), fields: {} };
  if (error.code === 'validation_failed' && error.problem?.errors?.length) {
    const fields: Record<string, string> = {};
    const rest: string[] = [];
    for (const e of error.problem.errors) {
      if (e.path && !fields[e.path]) fields[e.path] = `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.`;
      else if (!e.path) rest.push(e.message);
    }
    return { form: rest.length ? `The form has a problem: ${rest.join('; ')}.` : null, fields };
  }
  if (error.code === 'rate_limited') {
    const seconds = error.retryAfter ?? 60;
    const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
    return { form: `Too many attempts. Try again in ${wait}.`, fields: {} };
  }
  return { form: own ?? FORM_MESSAGES[error.code] ?? error.message, fields: {} };
}
