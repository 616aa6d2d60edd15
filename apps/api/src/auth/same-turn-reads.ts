import { READ_BATCH_MAX } from './batched-reads.ts';

type Read<V> = (keys: string[]) => Promise<ReadonlyMap<string, V>>;

/** The lookups of one turn by key, in the order asked, and the reads once they are sent. */
type Turn<V> = { lookups: Map<string, Promise<V | undefined>>; sent: Promise<Promise<ReadonlyMap<string, V>>[]> };

/**
 * Lookups made in one turn of the event loop, answered together by reads sent at the end of that
 * turn (one per READ_BATCH_MAX keys). Nothing is kept and no read already in flight is joined, so
 * every answer comes from a read sent after its lookup was made: exactly as fresh as a read of its
 * own. Under load one turn holds many requests, and one query for all of them spares each its own
 * round trip and its own wait for a pooled connection. A failed read fails the lookups it answers,
 * as their own reads would have.
 *
 * `read` returns the answers it found, by key; a key without one is looked up as undefined.
 */
export function createSameTurnReads<V>(read: Read<V>): (key: string) => Promise<V | undefined> {
  let turn: Turn<V> | null = null;

  function startTurn(): Turn<V> {
    let send: (reads: Promise<ReadonlyMap<string, V>>[]) => void = () => {};
    const sent = new Promise<Promise<ReadonlyMap<string, V>>[]>((resolve) => {
      send = resolve;
    });
    const started: Turn<V> = { lookups: new Map(), sent };
    setImmediate(() => {
      turn = null;
      const keys = [...started.lookups.keys()];
      const reads: Promise<ReadonlyMap<string, V>>[] = [];
      for (let start = 0; start < keys.length; start += READ_BATCH_MAX) reads.push(read(keys.slice(start, start + READ_BATCH_MAX)));
      send(reads);
    });
    return started;
  }

  return (key) => {
    turn ??= startTurn();
    const current = turn;
    let lookup = current.lookups.get(key);
    if (!lookup) {
      const chunk = Math.floor(current.lookups.size / READ_BATCH_MAX);
      lookup = current.sent.then(async (reads) => (await (reads[chunk] as Promise<ReadonlyMap<string, V>>)).get(key));
      current.lookups.set(key, lookup);
    }
    return lookup;
  };
}
