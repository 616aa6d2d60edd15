import type { VerifyEmailRequest } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';

/** Applies the emailed link: 204, or 400 link_invalid / link_expired / link_used. Works signed in or out. */
export async function verifyEmail(client: ApiClient, input: VerifyEmailRequest): Promise<void> {
  await client.http.post('/auth/verify-email', input);
}
