/** One note as the service keeps it. `ownerId` is the `sub` of the access token that created it. */
export type Note = {
  id: string;
  ownerId: string;
  text: string;
  createdAt: Date;
};

/** What `create` answers: the note stored, or the owner already holds `limit` notes. */
export type CreateOutcome = { created: true; note: Note } | { created: false; reason: 'limit_reached' };

/**
 * The notes module's storage port. Every method is scoped by owner, so that no route can reach
 * another user's note by id. Adapters: in memory (adapters/memory.ts) and PostgreSQL
 * (adapters/postgres.ts); test/notes-store-contract.ts holds both to the same behaviour.
 */
export type NotesStore = {
  /** The owner's notes, newest first (notes created at the same instant: the later one first), at most `limit`. */
  list(ownerId: string, limit: number): Promise<Note[]>;
  /**
   * Stores the note unless its owner already has `limit` notes. Atomic per owner: of concurrent
   * creates that would together pass the limit, only those that fit succeed.
   */
  create(note: Note, limit: number): Promise<CreateOutcome>;
  /** Deletes the owner's note with this id. False when there is none: unknown, or someone else's. */
  delete(ownerId: string, id: string): Promise<boolean>;
};

/** The store could not be reached (the database is down): answered 503, not 500. */
export class NotesStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotesStoreUnavailableError';
  }
}

/** Notes per user; the list answers all of them, so it needs no paging. */
export const NOTE_LIMIT = 100;
/** A note's text, trimmed, in characters (code points: an emoji counts once). */
export const NOTE_TEXT_MAX = 1000;
