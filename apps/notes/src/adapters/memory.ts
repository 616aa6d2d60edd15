import type { Note, NotesStore } from '../notes/notes.ts';

/**
 * Notes in this process's memory: gone at restart, not shared between instances. For the demo and
 * for a single instance that may lose its notes; DATABASE_URL selects PostgreSQL instead.
 */
export function createMemoryNotesStore(): NotesStore {
  // Per owner, newest first. JavaScript runs one method at a time, so the limit check and the
  // insert cannot interleave with another create.
  const byOwner = new Map<string, Note[]>();
  return {
    async list(ownerId, limit) {
      return (byOwner.get(ownerId) ?? []).slice(0, limit).map((note) => ({ ...note }));
    },
    async create(note, limit) {
      const notes = byOwner.get(note.ownerId) ?? [];
      if (notes.length >= limit) return { created: false, reason: 'limit_reached' };
      // Newest first: in front of every note created at the same time or before.
      const at = notes.findIndex((other) => other.createdAt.getTime() <= note.createdAt.getTime());
      notes.splice(at === -1 ? notes.length : at, 0, { ...note });
      byOwner.set(note.ownerId, notes);
      return { created: true, note: { ...note } };
    },
    async delete(ownerId, id) {
      const notes = byOwner.get(ownerId);
      const at = notes?.findIndex((note) => note.id === id) ?? -1;
      if (!notes || at === -1) return false;
      notes.splice(at, 1);
      if (notes.length === 0) byOwner.delete(ownerId);
      return true;
    },
  };
}
