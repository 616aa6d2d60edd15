// Measures what the client adds to an app's bundle: minified and gzipped, with its peer
// dependencies (axios, zod) left out because the app ships them anyway. Run: npm run size.

import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'rolldown';

export const SIZE_BUDGET_BYTES = 4096;

export async function measureSize(): Promise<{ withSchemas: number; clientOnly: number }> {
  const input = path.join(import.meta.dirname, '../src/index.ts');
  const bundle = async (external: (string | RegExp)[]) => {
    const result = await build({ input, external, write: false, output: { format: 'esm', minify: true }, logLevel: 'silent' });
    const code = result.output.map((chunk) => ('code' in chunk ? chunk.code : '')).join('');
    return gzipSync(code, { level: 9 }).length;
  };
  return {
    // The client and the contract schemas it parses with (their definitions, not zod itself).
    withSchemas: await bundle(['axios', /^zod/]),
    // The client's own code alone.
    clientOnly: await bundle(['axios', /^zod/, '@spa-auth/contract']),
  };
}

if (import.meta.main) {
  const { withSchemas, clientOnly } = await measureSize();
  console.log(`@spa-auth/http-client, min+gzip, without axios and zod:`);
  console.log(`  with the contract schemas it uses: ${withSchemas} B (budget ${SIZE_BUDGET_BYTES} B)`);
  console.log(`  client code alone:                 ${clientOnly} B`);
}
