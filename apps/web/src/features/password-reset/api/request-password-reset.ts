import type { PasswordResetRequest } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';

/** Asks for a reset link: 202 whether or not an account has the address, so the answer tells nothing. */
export async function requestPasswordReset(client: ApiClient, input: PasswordResetRequest): Promise<void> {
  await client.http.post('/auth/password-reset', input);
}
