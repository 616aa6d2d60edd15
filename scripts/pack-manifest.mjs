// `npm pack` and `npm publish` of a workspace package (its prepack and postpack scripts).
//
// In the repository a package's `exports` point at its TypeScript sources, so the API, the web app
// and the tests use them with no build step. A tarball needs the built files instead. pnpm and Yarn
// apply a manifest's `publishConfig` to the packed manifest; npm does not (it reads only registry,
// tag and access from it). So `prepack` builds the package and writes `publishConfig`'s fields over
// the manifest, keeping the original beside it, and `postpack` puts the original back.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const MANIFEST = 'package.json';
const ORIGINAL = 'package.json.unpacked';
// Not fields of a packed manifest: npm's own publishing settings stay in publishConfig.
const NPM_SETTINGS = new Set(['registry', 'tag', 'access', 'provenance']);

const step = process.argv[2];
if (step === 'prepack') {
  // A pack that failed half-way left the original aside: start from it, not from the packed one.
  if (existsSync(ORIGINAL)) renameSync(ORIGINAL, MANIFEST);
  const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const text = readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(text);
  const overrides = Object.entries(manifest.publishConfig ?? {}).filter(([key]) => !NPM_SETTINGS.has(key));
  // The scripts build from the repository's sources, which a tarball does not hold.
  const { scripts: _scripts, ...packed } = { ...manifest, ...Object.fromEntries(overrides) };
  writeFileSync(ORIGINAL, text);
  writeFileSync(MANIFEST, `${JSON.stringify(packed, null, 2)}\n`);
} else if (step === 'postpack') {
  if (existsSync(ORIGINAL)) renameSync(ORIGINAL, MANIFEST);
} else {
  console.error('usage: node scripts/pack-manifest.mjs prepack|postpack');
  process.exit(2);
}
