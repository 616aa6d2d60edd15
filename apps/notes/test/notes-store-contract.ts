import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Note, NotesStore } from '../src/notes/notes.ts';

/**
 * The NotesStore port's contract: every adapter runs it (store.test.ts). A database may hold other
 * tests' rows, so every test writes under owners of its own.
 */
export function testNotesStore(setup: () => Promise<NotesStore>): void {
  const T0 = Date.UTC(2026, 2, 1, 12);
  const owner = () => `owner-${randomUUID()}`;
  const note = (ownerId: string, text: string, at = T0): Note => ({ id: randomUUID(), ownerId, text, createdAt: new Date(at) });
  const texts = (notes: Note[]) => notes.map((n) => n.text);

  describe('the notes port', () => {
    it('when notes are created, then the list has them newest first, the later of equal times first, with what was stored', async () => {
      const store = await setup();
      const me = owner();
      expect(await store.list(me, 100)).toEqual([]);
      const first = note(me, 'first', T0);
      expect(await store.create(first, 100)).toEqual({ created: true, note: first });
      await store.create(note(me, 'third', T0 + 2_000), 100);
      await store.create(note(me, 'second', T0 + 1_000), 100);
      // Same millisecond: insertion decides.
      await store.create(note(me, 'fourth', T0 + 2_000), 100);
      const listed = await store.list(me, 100);
      expect(texts(listed)).toEqual(['fourth', 'third', 'second', 'first']);
      expect(listed[3]).toEqual(first);
      expect(listed[3]?.createdAt.getTime()).toBe(T0);
      expect(texts(await store.list(me, 2))).toEqual(['fourth', 'third']);
    });

    it("when two owners hold notes, then each lists only their own and cannot delete the other's", async () => {
      const store = await setup();
      const [alice, bob] = [owner(), owner()];
      const hers = note(alice, 'alice');
      await store.create(hers, 100);
      await store.create(note(bob, 'bob'), 100);
      expect(texts(await store.list(alice, 100))).toEqual(['alice']);
      expect(texts(await store.list(bob, 100))).toEqual(['bob']);
      expect(await store.delete(bob, hers.id)).toBe(false);
      expect(texts(await store.list(alice, 100))).toEqual(['alice']);
      expect(await store.delete(alice, hers.id)).toBe(true);
      expect(await store.list(alice, 100)).toEqual([]);
      expect(await store.delete(alice, hers.id)).toBe(false);
      expect(await store.delete(alice, randomUUID())).toBe(false);
    });

    it('when an owner holds the limit, then a create is refused and nothing stored, and a delete makes room again', async () => {
      const store = await setup();
      const me = owner();
      const made: Note[] = [];
      for (let i = 0; i < 3; i++) {
        const n = note(me, `n${i}`, T0 + i);
        made.push(n);
        expect((await store.create(n, 3)).created).toBe(true);
      }
      expect(await store.create(note(me, 'over'), 3)).toEqual({ created: false, reason: 'limit_reached' });
      expect(texts(await store.list(me, 100))).toEqual(['n2', 'n1', 'n0']);
      // Another owner is not counted against this one.
      expect((await store.create(note(owner(), 'elsewhere'), 3)).created).toBe(true);
      await store.delete(me, (made[0] as Note).id);
      expect((await store.create(note(me, 'again', T0 + 10), 3)).created).toBe(true);
      expect(texts(await store.list(me, 100))).toEqual(['again', 'n2', 'n1']);
    });

    it('when many creates of one owner race for the last places, then exactly the places left are filled', async () => {
      const store = await setup();
      const me = owner();
      await store.create(note(me, 'held'), 5);
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => store.create(note(me, `race ${i}`, T0 + 1 + i), 5)));
      expect(outcomes.filter((o) => o.created)).toHaveLength(4);
      expect(await store.list(me, 100)).toHaveLength(5);
    });
  });
}
