import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEV_KEY_FILE = 'jwt-private-key.pem';

/**
 * Development only: a P-256 key generated on first start and kept in DATA_DIR (mode 0600), so
 * sessions survive a restart. With `memory://` the key lives as long as the process.
 */
export async function loadOrCreateDevKey(dataDir: string): Promise<KeyObject> {
  const generate = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  if (dataDir.startsWith('memory://')) return generate();
  const file = path.join(dataDir, DEV_KEY_FILE);
  try {
    return createPrivateKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generate();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // 'wx' fails if another instance wrote the file meanwhile; then use theirs.
  try {
    await writeFile(file, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return createPrivateKey(await readFile(file, 'utf8'));
  }
}

export const DEV_MFA_KEY_FILE = 'mfa-encryption-key';

/**
 * Development only, like the signing key: the 32-byte key that encrypts second-factor secrets
 * (MFA_ENCRYPTION_KEY), generated on first start and kept in DATA_DIR (mode 0600, base64), so
 * enrolled authenticator apps survive a restart. With `memory://` it lives as long as the process.
 */
export async function loadOrCreateDevMfaKey(dataDir: string): Promise<Buffer> {
  if (dataDir.startsWith('memory://')) return randomBytes(32);
  const file = path.join(dataDir, DEV_MFA_KEY_FILE);
  const read = async () => Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // 'wx' fails if another instance wrote the file meanwhile; then use theirs.
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return read();
  }
}
