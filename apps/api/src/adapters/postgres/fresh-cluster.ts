import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

// initdb is most of an in-memory PGlite's start (about 4 s here, against about 1 s to load a copy of
// its result): every test worker, every API the end-to-end suites start and every benchmark run pays
// it. So the first in-memory start keeps a copy of the freshly initialised cluster, before anything
// is written to it, and later ones load that copy. The copy is named by PGlite's version, so an
// upgrade makes a new one; a copy that cannot be read or written is simply not used.
const CACHE_DIR = path.resolve(import.meta.dirname, '../../../../../node_modules/.cache/spa-auth');

async function snapshotPath(): Promise<string> {
  // The package's own manifest names its version; its exports do not include it, so it is found
  // beside the entry point (dist/index.js).
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const manifest = JSON.parse(await readFile(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return path.join(CACHE_DIR, `pglite-${manifest.version}-fresh-cluster.tar`);
}

/** A new in-memory PGlite: a fresh cluster, loaded from the kept copy when there is one. */
export async function createInMemoryPGlite(): Promise<PGlite> {
  const file = await snapshotPath().catch(() => undefined);
  const kept = file ? await readFile(file).catch(() => undefined) : undefined;
  if (kept) {
    const loaded = await PGlite.create('memory://', { loadDataDir: new Blob([kept]) }).catch(() => undefined);
    if (loaded) return loaded;
  }
  const db = await PGlite.create('memory://');
  if (file) {
    // Written to a name of its own, then renamed: two processes starting at once never read half a copy.
    const copy = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    const partial = `${file}.${process.pid}.partial`;
    await mkdir(CACHE_DIR, { recursive: true })
      .then(() => writeFile(partial, copy))
      .then(() => rename(partial, file))
      .catch(() => {});
  }
  return db;
}
