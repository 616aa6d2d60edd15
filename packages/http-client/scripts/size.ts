// Measures what the client adds to an app's bundle: minified and gzipped, everything it imports
// included except its peer dependency axios. Run: npm run size -w @spa-auth/http-client.

import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'rolldown';

export const SIZE_BUDGET_BYTES = 4096;

export type SizeReport = {
  /** min+gzip bytes of the client with everything but axios: its code, the contract's wire module, and any other import. */
  bundled: number;
  /** The same without the contract's wire module: the client's own code. */
  clientOnly: number;
  /** The modules that went into `bundled`, relative to the repository. */
  modules: string[];
};

export async function measureSize(): Promise<SizeReport> {
  const input = path.join(import.meta.dirname, '../src/index.ts');
  const root = path.join(import.meta.dirname, '../../..');
  const bundle = async (external: (string | RegExp)[]) => {
    const result = await build({ input, external, write: false, output: { format: 'esm', minify: true }, logLevel: 'silent' });
    const chunks = result.output.filter((chunk) => 'code' in chunk);
    const code = chunks.map((chunk) => chunk.code).join('');
    const modules = chunks.flatMap((chunk) => chunk.moduleIds).map((id) => path.relative(root, id));
    return { bytes: gzipSync(code, { level: 9 }).length, modules };
  };
  const bundled = await bundle(['axios']);
  const clientOnly = await bundle(['axios', /^@spa-auth\/contract/]);
  return { bundled: bundled.bytes, clientOnly: clientOnly.bytes, modules: bundled.modules };
}

if (import.meta.main) {
  const { bundled, clientOnly, modules } = await measureSize();
  console.log('@spa-auth/http-client, min+gzip, without axios:');
  console.log(`  as an app bundles it: ${bundled} B (budget ${SIZE_BUDGET_BYTES} B)`);
  console.log(`  client code alone:    ${clientOnly} B`);
  console.log(`  modules: ${modules.join(', ')}`);
}
