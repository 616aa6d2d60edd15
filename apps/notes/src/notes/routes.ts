import { randomUUID } from 'node:crypto';
import type { Clock } from '@spa-auth/resource-server';
import { jsonBody, parseBody, requireJson } from '@spa-auth/server-support';
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { NotesError } from '../http/errors.ts';
import { NOTE_LIMIT, NOTE_TEXT_MAX, type Note, type NotesStore } from './notes.ts';

/** Bodies are a note's text and its JSON: 1,000 characters of four UTF-8 bytes each, escaped, fit. */
export const BODY_LIMIT = '8kb';

const jsonBodyParser = jsonBody(BODY_LIMIT);

const NewNote = z.strictObject({
  text: z
    .string('must be a string')
    .trim()
    .refine((text) => text.length > 0, 'must not be empty')
    .refine((text) => [...text].length <= NOTE_TEXT_MAX, `must be at most ${NOTE_TEXT_MAX} characters`),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toWire = (note: Note) => ({ id: note.id, text: note.text, createdAt: note.createdAt.toISOString() });

/**
 * `/notes`: the caller's own notes, the caller being the access token's `sub`. Every route is behind
 * `requireAuth`, which runs before the body is read, so an unauthenticated request is refused
 * without its body parsed.
 */
export function createNotesRoutes(deps: { store: NotesStore; clock: Clock; requireAuth: RequestHandler }): Router {
  const { store, clock, requireAuth } = deps;
  const router = Router();
  router.use('/notes', requireAuth, (_req, res, next) => {
    // Per-user answers: no shared cache may keep them.
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/notes', async (_req, res) => {
    const notes = await store.list(res.locals.auth.sub, NOTE_LIMIT);
    res.json({ notes: notes.map(toWire) });
  });

  router.post('/notes', requireJson(NotesError), jsonBodyParser, async (req, res) => {
    const { text } = parseBody(NotesError, NewNote, req.body);
    const note: Note = { id: randomUUID(), ownerId: res.locals.auth.sub, text, createdAt: new Date(clock.now()) };
    const outcome = await store.create(note, NOTE_LIMIT);
    if (!outcome.created) {
      throw new NotesError(409, 'note_limit', `A user holds at most ${NOTE_LIMIT} notes; delete one to add another`);
    }
    res.status(201).json({ note: toWire(outcome.note) });
  });

  router.delete('/notes/:id', async (req, res) => {
    const id = req.params.id as string;
    // Someone else's note and no note at all get the same answer: ids reveal nothing.
    if (!UUID.test(id) || !(await store.delete(res.locals.auth.sub, id.toLowerCase()))) {
      throw new NotesError(404, 'not_found', 'No such note');
    }
    res.status(204).end();
  });

  return router;
}
