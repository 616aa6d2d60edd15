// Measures what the client adds to an app's bundle: minified and gzipped, everything it imports
// included except its peer dependency axios. Run: npm run size -w @spa-auth/http-client.

import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'rolldown';

// 4 kB (4,096 B) held the client until the second step of a sign-in. Measured by this script:
// 3,991 B before; 4,025 B with the passkeys' problem codes and factor kind in the contract (the
// client bundles ERROR_CODES and SECOND_FACTORS); 4,130 B once `problemOf` keeps a problem's
// `challenge` and `factors` and `completeSignIn()` posts the second step. Squeezing that code
// (spreads instead of checks, a shared list helper) saved nothing or grew it. So the budget rose by
// 64 B: the 34 B over, and 30 B for the next few problem codes. Past that is a decision again.
// Passkeys (signInWithPasskey, a passkey proof for reauthenticate) took 25 B of the 30: 4,155 B.
// The lock's record of its last holder in IndexedDB (a tab that asks just after another released the
// lock waits for that tab's token instead of refreshing again) replaced the lock-queue snapshot and
// came to 4,229 B: the budget rose by 80 B, the 69 B over and a little room. Bounding the wait for a
// holder's word by the attempt's start (a holder that died minutes ago must not hold up a refresh
// now, which the record would otherwise make it do) took 24 B more: 4,253 B, so the budget is 4,264 B.
export const SIZE_BUDGET_BYTES = 4264;

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
