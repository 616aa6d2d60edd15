import { type ErrorCode, problemType } from '@spa-auth/contract';
import { HttpResponse, http } from 'msw';
import { onTestFinished } from 'vitest';
import type { ApiDouble, SeenRequest } from './api-double.ts';
import { server } from './api-double.ts';

/** The notes service's origin in tests: neither the page's nor the API's, as with VITE_NOTES_URL=http://localhost:3002. */
export const NOTES_URL = 'http://notes.test';

const notesApi = (path: string) => `${NOTES_URL}${path}`;

/** The service's rules (apps/notes): 1 to 1000 characters once trimmed, counted in code points; 100 notes a user. */
const TEXT_MAX = 1000;
const LIMIT = 100;

type StoredNote = { id: string; ownerId: string; text: string; createdAt: string };

/**
 * What a token origin's CORS answer must carry for the client (packages/http-client README, "Other
 * services that accept the token"): the page's origin, no credentials, WWW-Authenticate exposed.
 */
function corsHeaders(): Record<string, string> {
  return { 'Access-Control-Allow-Origin': globalThis.location.origin, 'Access-Control-Expose-Headers': 'WWW-Authenticate' };
}

/** A problem+json answer of the notes service, with its CORS headers. */
export function notesProblem(
  status: number,
  code: string,
  headers: Record<string, string> = {},
  errors?: { path: string; message: string }[],
) {
  return HttpResponse.json(
    {
      type: problemType(code as ErrorCode),
      title: code.replaceAll('_', ' '),
      status,
      detail: `The request failed: ${code}`,
      code,
      ...(errors ? { errors } : {}),
    },
    { status, headers: { 'Content-Type': 'application/problem+json', ...corsHeaders(), ...headers } },
  );
}

/**
 * A network-level stand-in for the notes service, with its status codes, problem codes and body
 * shapes. It accepts the access tokens the API double issued, while they are live, as the real
 * service accepts the API's (signature, then introspection): a token the API double forgot is
 * refused with 401 invalid_token, and the client refreshes.
 */
export function installNotesDouble(apiDouble: ApiDouble) {
  const notes: StoredNote[] = [];
  const requests: SeenRequest[] = [];
  let made = 0;

  function caller(request: Request): string | Response {
    const header = request.headers.get('Authorization');
    if (!header?.startsWith('Bearer ')) return notesProblem(401, 'token_missing', { 'WWW-Authenticate': 'Bearer realm="notes"' });
    const owner = apiDouble.ownerOfToken(header.slice('Bearer '.length));
    return (
      owner ??
      notesProblem(401, 'token_invalid', {
        'WWW-Authenticate': 'Bearer realm="notes", error="invalid_token", error_description="token_invalid"',
      })
    );
  }

  const json = (body: unknown, status = 200) =>
    HttpResponse.json(body as Record<string, unknown>, { status, headers: { ...corsHeaders(), 'Cache-Control': 'no-store' } });
  const view = ({ ownerId: _owner, ...note }: StoredNote) => note;
  const notesOf = (ownerId: string) => notes.filter((n) => n.ownerId === ownerId);

  function store(ownerId: string, text: string, createdAt = new Date(Date.UTC(2025, 0, 1, 10, made)).toISOString()): StoredNote {
    made += 1;
    const note = { id: `00000000-0000-4000-8000-${String(made).padStart(12, '0')}`, ownerId, text, createdAt };
    notes.unshift(note);
    return note;
  }

  server.use(
    http.options(`${NOTES_URL}/*`, () => {
      return new HttpResponse(null, {
        status: 204,
        headers: {
          ...corsHeaders(),
          'Access-Control-Allow-Methods': 'GET, POST, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        },
      });
    }),
    http.get(notesApi('/notes'), ({ request }) => {
      const who = caller(request);
      return who instanceof Response ? who : json({ notes: notesOf(who).map(view) });
    }),
    http.post(notesApi('/notes'), async ({ request }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const body = (await request.json()) as { text?: unknown };
      const text = typeof body.text === 'string' ? body.text.trim() : '';
      if (text === '' || [...text].length > TEXT_MAX) {
        return notesProblem(400, 'validation_failed', {}, [{ path: 'text', message: `must be 1 to ${TEXT_MAX} characters` }]);
      }
      if (notesOf(who).length >= LIMIT) return notesProblem(409, 'note_limit');
      return json({ note: view(store(who, text, new Date().toISOString())) }, 201);
    }),
    http.delete(notesApi('/notes/:id'), ({ request, params }) => {
      const who = caller(request);
      if (who instanceof Response) return who;
      const index = notes.findIndex((n) => n.id === params.id && n.ownerId === who);
      if (index < 0) return notesProblem(404, 'not_found');
      notes.splice(index, 1);
      return new HttpResponse(null, { status: 204, headers: corsHeaders() });
    }),
  );
  const record = ({ request }: { request: Request }) => {
    if (request.url.startsWith(NOTES_URL) && request.method !== 'OPTIONS') {
      requests.push({ method: request.method, path: new URL(request.url).pathname, headers: request.headers });
    }
  };
  server.events.on('request:start', record);
  onTestFinished(() => server.events.removeListener('request:start', record));

  return {
    /** Every request the app sent to the notes service (preflights aside), in order. */
    requests,
    /** A note the user wrote earlier (in another tab, another day); the newest first in the list. */
    addNote: (user: { id: string }, text: string) => view(store(user.id, text)),
    /** The user's notes as the service holds them, newest first. */
    textsOf: (user: { id: string }) => notesOf(user.id).map((n) => n.text),
    /** Someone deletes the note elsewhere: this page still lists it. */
    forget(id: string) {
      const index = notes.findIndex((n) => n.id === id);
      if (index >= 0) notes.splice(index, 1);
    },
  };
}
