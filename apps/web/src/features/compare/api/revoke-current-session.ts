import { SessionsResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';

/**
 * Ends the browser's session as another device would, through the app's own client: the session
 * list names the current one, and DELETE /api/sessions/:id revokes it (requirement 6.7). Every
 * client on the compare page uses that same session (the browser has one refresh cookie), so this
 * ends theirs too, and the app's.
 */
export async function revokeCurrentSession(client: ApiClient): Promise<void> {
  const { sessions } = SessionsResponse.parse((await client.http.get('/api/sessions')).data);
  const current = sessions.find((session) => session.current);
  if (!current) throw new Error('the API lists no current session');
  await client.http.delete(`/api/sessions/${encodeURIComponent(current.id)}`);
}
