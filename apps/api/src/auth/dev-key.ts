import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
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
