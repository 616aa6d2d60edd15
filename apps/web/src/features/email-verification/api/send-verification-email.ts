import type { ApiClient } from '@spa-auth/http-client';

/** Mails the signed-in user a new link (202); 429 rate_limited after a few in a row. */
export async function sendVerificationEmail(client: ApiClient): Promise<void> {
  await client.http.post('/api/me/verification-email');
}
