import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { createResourceServer } from '@spa-auth/resource-server';
import { createServerLogger } from '@spa-auth/server-support';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../api/src/adapters/postgres/database.ts';
// Types only: declares what the API's global set-up provides (inject('postgresUrl')).
import type {} from '../../api/test/global-setup.ts';
import {
  bearer,
  createServiceClient,
  createTestApi,
  listening,
  openTestPostgres,
  registerUser,
  serviceTokenOf,
  type TestApi,
  XHR,
} from '../../api/test/support.ts';
import { answersTo, tokenAttacksOn } from '../../api/test/token-attacks.ts';
import { createMemoryNotesStore } from '../src/adapters/memory.ts';
import { openPostgresNotesStore, type PostgresNotesStore } from '../src/adapters/postgres.ts';
import { createNotesApp } from '../src/app.ts';
import { NOTE_LIMIT, type NotesStore } from '../src/notes/notes.ts';

// The notes service as it runs: the real API listening on a port (real app, config parser and
// database, a manual clock), the service built with the real resource-server kit against it (JWK
// Set over HTTP, a real service client, real introspection) on the same clock, and its notes in
// PostgreSQL beside the API's tables, as in the compose stack.

const WEB_ORIGIN = 'http://localhost:5173';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let api: TestApi;
let server: Server;
let postgres: Database | null = null;
let notesDb: PostgresNotesStore | null = null;
let store: NotesStore;
let app: Express;
let serviceToken: string;
const logLines: string[] = [];

beforeAll(async () => {
  postgres = await openTestPostgres();
  api = await createTestApi({ JWT_EXTRA_AUDIENCES: 'notes' }, postgres ? { db: postgres } : {});
  server = createServer((req, res) => api.app(req, res));
  server.listen(0, '127.0.0.1');
  const apiUrl = await listening(server);

  const { client } = await createServiceClient(api);
  serviceToken = await serviceTokenOf(api.app, client);

  const postgresUrl = inject('postgresUrl');
  notesDb = postgresUrl ? await openPostgresNotesStore(postgresUrl) : null;
  store = notesDb ?? createMemoryNotesStore();
  const tokens = createResourceServer({
    apiUrl,
    issuer: api.config.jwtIssuer,
    audience: 'notes',
    maxTokenLifetimeSeconds: api.config.accessTokenTtlMs / 1000,
    clockToleranceSeconds: api.config.clockToleranceMs / 1000,
    introspection: client,
    clock: api.clock,
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString());
      callback();
    },
  });
  app = createNotesApp({
    store,
    clock: api.clock,
    logger: createServerLogger('info', {}, sink),
    requireAuth: tokens.requireAuth,
    corsOrigins: [WEB_ORIGIN],
  });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await api?.deps.background?.settled();
  await notesDb?.close();
  await postgres?.close();
});

type NotesProblem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
};

/**
 * An RFC 9457 answer with this status and code, never cached. The service's own codes (note_limit)
 * are beyond the API's list, so the shape is checked here rather than with the API's schema.
 */
function expectProblem(res: request.Response, status: number, code: string): NotesProblem {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['cache-control']).toBe('no-store');
  const problem = res.body as NotesProblem;
  expect(problem).toMatchObject({ type: `urn:spa-auth:problem:${code}`, status, code });
  expect(problem.title).toEqual(expect.any(String));
  expect(problem.title).not.toBe('');
  expect(problem.detail).toEqual(expect.any(String));
  expect(problem.detail).not.toBe('');
  return problem;
}

const list = (token: string) => request(app).get('/notes').set(bearer(token));
const create = (token: string, body: unknown) =>
  request(app)
    .post('/notes')
    .set(bearer(token))
    .send(body as object);
const remove = (token: string, id: string) => request(app).delete(`/notes/${id}`).set(bearer(token));

describe('notes per user', () => {
  it('when a user adds, lists and deletes notes, then the list is theirs, newest first, and a deleted note is gone', async () => {
    const user = await registerUser(api.app);
    expect((await list(user.accessToken).expect(200)).body).toEqual({ notes: [] });

    const firstAt = api.clock.now();
    const first = await create(user.accessToken, { text: '  buy milk \n' }).expect(201);
    expect(first.body).toEqual({ note: { id: expect.stringMatching(UUID), text: 'buy milk', createdAt: new Date(firstAt).toISOString() } });
    expect(first.headers['cache-control']).toBe('no-store');
    api.clock.advance(1_000);
    const second = await create(user.accessToken, { text: 'call the bank' }).expect(201);

    const listed = await list(user.accessToken).expect(200);
    expect(listed.headers['cache-control']).toBe('no-store');
    expect(listed.body.notes).toEqual([second.body.note, first.body.note]);

    await remove(user.accessToken, first.body.note.id).expect(204);
    expect((await list(user.accessToken)).body.notes).toEqual([second.body.note]);
    expectProblem(await remove(user.accessToken, first.body.note.id), 404, 'not_found');
  });

  it("when another user's note id is used, then delete is 404 as for no note at all, and the note never shows in their list", async () => {
    const alice = await registerUser(api.app);
    const bob = await registerUser(api.app);
    const hers = (await create(alice.accessToken, { text: 'alice only' }).expect(201)).body.note;
    await create(bob.accessToken, { text: 'bob only' }).expect(201);

    const unknown = await remove(bob.accessToken, crypto.randomUUID());
    const others = await remove(bob.accessToken, hers.id);
    expectProblem(others, 404, 'not_found');
    expect(others.body.detail).toBe(unknown.body.detail);
    expect((await list(bob.accessToken)).body.notes.map((n: { text: string }) => n.text)).toEqual(['bob only']);
    expect((await list(alice.accessToken)).body.notes).toEqual([hers]);
    // An id in capitals is the same UUID, and still not Bob's to delete.
    expectProblem(await remove(bob.accessToken, hers.id.toUpperCase()), 404, 'not_found');
    expect((await list(alice.accessToken)).body.notes).toHaveLength(1);
  });

  it('when a user holds the limit, then another note is 409 note_limit, the list shows all of them, and a delete makes room', async () => {
    const user = await registerUser(api.app);
    const start = api.clock.now();
    // The first 99 straight into the store; the 100th and the refused one through HTTP.
    for (let i = 0; i < NOTE_LIMIT - 1; i++) {
      await store.create(
        { id: crypto.randomUUID(), ownerId: user.user.id, text: `note ${i}`, createdAt: new Date(start - 1_000 + i) },
        NOTE_LIMIT,
      );
    }
    const last = (await create(user.accessToken, { text: 'the hundredth' }).expect(201)).body.note;
    const refused = await create(user.accessToken, { text: 'one too many' });
    expectProblem(refused, 409, 'note_limit');
    const listed = (await list(user.accessToken).expect(200)).body.notes;
    expect(listed).toHaveLength(NOTE_LIMIT);
    expect(listed[0]).toEqual(last);
    await remove(user.accessToken, last.id).expect(204);
    await create(user.accessToken, { text: 'room again' }).expect(201);
  });
});

describe('what the service refuses', () => {
  let token: string;
  beforeAll(async () => {
    token = (await registerUser(api.app)).accessToken;
  });

  it.each([
    ['no text', {}, 'text'],
    ['empty text', { text: '' }, 'text'],
    ['only spaces', { text: ' \n\t ' }, 'text'],
    ['1,001 characters', { text: 'x'.repeat(1_001) }, 'text'],
    ['a number', { text: 42 }, 'text'],
    ['an unknown field', { text: 'ok', pinned: true }, ''],
    ['an array', ['text'], ''],
  ])('when the body has %s, then 400 validation_failed naming the field, and nothing is stored', async (_name, body, path) => {
    const before = (await list(token)).body.notes.length;
    const problem = expectProblem(await create(token, body), 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect((await list(token)).body.notes).toHaveLength(before);
  });

  it('when the text is 1,000 characters, some outside the BMP, then it is accepted: characters, not UTF-16 units, are counted', async () => {
    const text = `${'a'.repeat(998)}😀😀`;
    expect((await create(token, { text }).expect(201)).body.note.text).toBe(text);
  });

  it('when the body is not JSON, is too large or says another type, then 400, 413 and 415 problem+json', async () => {
    const post = () => request(app).post('/notes').set(bearer(token));
    expectProblem(await post().set('Content-Type', 'application/json').send('{"text": "unclosed'), 400, 'malformed_json');
    expectProblem(
      await post()
        .set('Content-Type', 'application/json')
        .send(`{"text": "${'x'.repeat(9_000)}"}`),
      413,
      'payload_too_large',
    );
    expectProblem(await post().set('Content-Type', 'text/plain').send('a note'), 415, 'unsupported_media_type');
    expectProblem(await post().type('form').send('text=a+note'), 415, 'unsupported_media_type');
  });

  it('when a route or a note id does not exist, then 404 problem+json; a malformed escape is 400', async () => {
    expectProblem(await remove(token, 'not-a-uuid'), 404, 'not_found');
    expectProblem(await request(app).get('/nowhere'), 404, 'not_found');
    expectProblem(await request(app).put('/notes').set(bearer(token)).send({ text: 'x' }), 404, 'not_found');
    expectProblem(await request(app).delete('/notes/%E0%A4%A').set(bearer(token)), 400, 'invalid_request');
  });

  it('when /healthz is asked without a token, then 200 ok; /notes without one is 401 token_missing with the challenge', async () => {
    expect((await request(app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    const res = await request(app).get('/notes');
    expectProblem(res, 401, 'token_missing');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="spa-auth"');
  });
});

describe('the bearer check', () => {
  it('when each attack of the table the API is tested with is sent to GET /notes, then the answers are exactly the table, and no token reaches the log', async () => {
    const user = await registerUser(api.app);
    const { answers, expected } = await answersTo(app, '/notes', tokenAttacksOn(api, user.accessToken, serviceToken));
    expect(answers).toEqual(expected);

    // Every attack was logged as a request, the query-string one included, with no token in any line.
    const logged = logLines.join('');
    expect(logged).toContain('"url":"/notes?[redacted]"');
    const signature = user.accessToken.split('.')[2] as string;
    expect(logged).not.toContain(signature);
    expect(logged).not.toContain(serviceToken.split('.')[2] as string);
  });

  it('when the session is ended at the API, then the service refuses its token once the kit cache time has passed on the shared clock', async () => {
    const user = await registerUser(api.app);
    await list(user.accessToken).expect(200);
    await request(api.app).post('/auth/logout').set(XHR).set('Cookie', `refresh_token=${user.refresh}`).expect(204);
    // Within the kit's 2 s the service has not asked again: the bound it promises, not a leak.
    await list(user.accessToken).expect(200);
    api.clock.advance(2_000);
    const refused = await list(user.accessToken);
    expectProblem(refused, 401, 'session_revoked');
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="spa-auth", error="invalid_token", error_description="The session has ended"',
    );
    expectProblem(await create(user.accessToken, { text: 'too late' }), 401, 'session_revoked');
  });
});

describe('CORS for the web app', () => {
  it('when the web origin asks before a call, then it may send Authorization and Content-Type, without credentials', async () => {
    const res = await request(app)
      .options('/notes')
      .set('Origin', WEB_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(WEB_ORIGIN);
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST,DELETE');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization,Content-Type');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('when the web origin gets a 401, then it may read WWW-Authenticate (the client refreshes on it); another origin gets no CORS answer', async () => {
    const res = await request(app).get('/notes').set('Origin', WEB_ORIGIN).expect(401);
    expect(res.headers['access-control-allow-origin']).toBe(WEB_ORIGIN);
    expect(res.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
    const other = await request(app).get('/notes').set('Origin', 'https://evil.example').expect(401);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
