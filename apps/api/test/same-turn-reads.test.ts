import { describe, expect, it } from 'vitest';
import { READ_BATCH_MAX } from '../src/auth/batched-reads.ts';
import { createSameTurnReads } from '../src/auth/same-turn-reads.ts';

/** A read whose calls are recorded and answered by the test, one deferred answer per call. */
function controlledRead() {
  const calls: { keys: string[]; answer: (found: Map<string, string>) => void; fail: (error: Error) => void }[] = [];
  const read = (keys: string[]) =>
    new Promise<ReadonlyMap<string, string>>((resolve, reject) => {
      calls.push({ keys, answer: resolve, fail: reject });
    });
  return { read, calls };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('reads shared by the lookups of one turn', () => {
  it('when several keys are looked up in one turn, then one read asks for each once and every lookup gets its own answer', async () => {
    const { read, calls } = controlledRead();
    const lookUp = createSameTurnReads(read);
    const lookups = [lookUp('a'), lookUp('b'), lookUp('a'), lookUp('missing')];
    expect(calls).toHaveLength(0);
    await nextTurn();
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b', 'missing']]);
    calls[0]?.answer(
      new Map([
        ['a', 'answer of a'],
        ['b', 'answer of b'],
      ]),
    );
    expect(await Promise.all(lookups)).toEqual(['answer of a', 'answer of b', 'answer of a', undefined]);
  });

  it('when a key is looked up while a read of it is in flight, then it gets a read of its own, sent after it was asked', async () => {
    const { read, calls } = controlledRead();
    const lookUp = createSameTurnReads(read);
    const early = lookUp('a');
    await nextTurn();
    const late = lookUp('a');
    await nextTurn();
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['a']]);
    // The row changed between the two reads: each lookup sees the read that followed it.
    calls[1]?.answer(new Map([['a', 'after the change']]));
    calls[0]?.answer(new Map());
    expect(await early).toBeUndefined();
    expect(await late).toBe('after the change');
  });

  it('when a read fails, then its lookups fail and the next turn reads again', async () => {
    const { read, calls } = controlledRead();
    const lookUp = createSameTurnReads(read);
    const failed = Promise.allSettled([lookUp('a'), lookUp('b')]);
    await nextTurn();
    calls[0]?.fail(new Error('connection lost'));
    expect((await failed).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const retry = lookUp('a');
    await nextTurn();
    calls[1]?.answer(new Map([['a', 'found']]));
    expect(await retry).toBe('found');
    expect(calls).toHaveLength(2);
  });

  it('when one turn asks for more keys than one query reads, then they go in several reads and each lookup is answered from its own', async () => {
    const { read, calls } = controlledRead();
    const lookUp = createSameTurnReads(read);
    const keys = Array.from({ length: READ_BATCH_MAX * 2 + 1 }, (_, i) => `key-${i}`);
    const lookups = keys.map(lookUp);
    await nextTurn();
    expect(calls.map((c) => c.keys.length)).toEqual([READ_BATCH_MAX, READ_BATCH_MAX, 1]);
    for (const call of calls) call.answer(new Map(call.keys.map((key) => [key, `value of ${key}`])));
    expect(await Promise.all(lookups)).toEqual(keys.map((key) => `value of ${key}`));
  });
});
