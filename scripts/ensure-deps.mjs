// Runs before `npm start`, `npm test` and `npm run api`: checks Node and installs dependencies
// when they are missing or older than package-lock.json, so a fresh clone needs no other step.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`spa-auth needs Node.js 22.18 or newer (24 LTS recommended); this is ${process.version}. See .nvmrc.`);
  process.exit(1);
}

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  const command = existsSync('package-lock.json') ? 'npm ci' : 'npm install';
  console.log(`Installing dependencies (${command})...`);
  execSync(command, { stdio: 'inherit' });
}
