import { MeResponse } from '@spa-auth/contract';
import type { ApiClient } from '@spa-auth/http-client';

export async function updateName(client: ApiClient, name: string) {
  return MeResponse.parse((await client.http.patch('/api/me', { name })).data).user;
}

export async function changePassword(client: ApiClient, currentPassword: string, newPassword: string): Promise<void> {
  await client.http.put('/api/me/password', { currentPassword, newPassword });
}
