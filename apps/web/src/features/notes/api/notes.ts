import { type ApiClient, ApiError } from '@spa-auth/http-client';
import { queryOptions } from '@tanstack/react-query';
import { isAxiosError } from 'axios';
import { z } from 'zod';

// The notes service's answers. It is another service than the API, so its shapes live with the
// feature that calls it rather than in the API's contract.
const Note = z.object({ id: z.string(), text: z.string(), createdAt: z.string() });
export type Note = z.infer<typeof Note>;
const NotesResponse = z.object({ notes: z.array(Note) });
const CreatedNoteResponse = z.object({ note: Note });

/** What the service takes: 1 to 1000 characters once trimmed. Said on the form; the service decides. */
export const NOTE_TEXT_MAX = 1000;
/** Notes per user; the service answers note_limit beyond it. */
export const NOTE_LIMIT = 100;

/**
 * The signed-in user's notes, newest first. `notesUrl` is absolute (config.ts makes it so), so the
 * one axios instance sends it there rather than to the API; the client attaches the access token
 * because the service's origin is among its tokenOrigins (or is the API's own).
 */
export const notesQuery = (client: ApiClient, notesUrl: string) =>
  queryOptions({
    queryKey: ['notes'],
    queryFn: async ({ signal }) => NotesResponse.parse((await client.http.get(`${notesUrl}/notes`, { signal })).data).notes,
  });

export async function addNote(client: ApiClient, notesUrl: string, text: string): Promise<Note> {
  return CreatedNoteResponse.parse((await client.http.post(`${notesUrl}/notes`, { text })).data).note;
}

export async function deleteNote(client: ApiClient, notesUrl: string, id: string): Promise<void> {
  await client.http.delete(`${notesUrl}/notes/${encodeURIComponent(id)}`);
}

/**
 * The notes service's problem code for a failed call. The client knows the API's codes, which this
 * service shares (validation_failed, not_found, service_unavailable, the token's); `note_limit` is
 * the service's own, which the client reports as unexpected_response, so it is read from the
 * problem+json the service answered.
 */
export function notesProblemCode(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code !== 'unexpected_response' || !isAxiosError(error.cause)) return error.code;
  const body: unknown = error.cause.response?.data;
  const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : error.code;
}
