import type { ChangeEmailRequest, ConfirmEmailChangeRequest } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';

/**
 * Mails a link to the new address (202). The answer is the same whether or not another account has
 * the address; 400 invalid_credentials for a wrong password, 429, 503 when no mail can be sent.
 */
export async function requestEmailChange(client: ApiClient, input: ChangeEmailRequest): Promise<void> {
  await client.http.post('/api/me/email', input);
}

/** Applies the link sent to the new address: 204, 400 link_invalid / link_expired / link_used, 409 email_taken. */
export async function confirmEmailChange(client: ApiClient, input: ConfirmEmailChangeRequest): Promise<void> {
  await client.http.post('/auth/confirm-email-change', input);
}
