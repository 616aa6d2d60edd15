// Runs before `npm start`, `npm test` and `npm run api`: checks Node and installs dependencies
// when they are missing or older than package-lock.json, so a fresh clone needs no other step.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`spa-auth needs Node.js 22.18 or newer (24 LTS recommended); this is ${process.version}. See .nvmrc.`);
  process.exit(1);
}

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs);
const command = existsSync('package-lock.json') ? 'npm ci' : 'npm install';
// The report is the documented way to tell glibc from musl; it is read once.
const libc = process.platform === 'linux' ? (process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl') : undefined;
if (stale) install();
// npm treats a platform package (a native binary: Biome, Rolldown, argon2, TypeScript) as optional,
// and skips it without failing when its download fails; the tool then breaks much later. So every
// one the lockfile has for this machine must be on disk, after one more install if need be.
let missing = missingPlatformPackages();
if (missing.length > 0) {
  console.log(`Missing after install: ${missing.join(', ')}; installing again...`);
  install();
  missing = missingPlatformPackages();
}
if (missing.length > 0) {
  console.error(
    `These packages for ${process.platform}-${process.arch} could not be installed: ${missing.join(', ')}. Run ${command} again.`,
  );
  process.exit(1);
}

function install() {
  console.log(`Installing dependencies (${command})...`);
  execSync(command, { stdio: 'inherit' });
}

/** The lockfile's packages for this OS, CPU and C library that are not in node_modules. */
function missingPlatformPackages() {
  if (!existsSync('package-lock.json')) return [];
  // npm's fields list values ("linux") or exclusions ("!win32"); a missing field fits anything.
  const fits = (list, value) =>
    !list || value === undefined || list.includes(value) || (list.every((v) => v.startsWith('!')) && !list.includes(`!${value}`));
  const { packages = {} } = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  return Object.entries(packages)
    .filter(([where, p]) => where && p.optional && (p.os || p.cpu || p.libc))
    .filter(([, p]) => fits(p.os, process.platform) && fits(p.cpu, process.arch) && fits(p.libc, libc))
    .filter(([where]) => !existsSync(where))
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
}
