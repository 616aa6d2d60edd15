import { createHash, randomBytes } from 'node:crypto';
import { SERVICE_CLIENT_SECRET_PREFIX } from '@spa-auth/contract';

/** SHA-256 of the secret: what the database keeps. A 256-bit random secret needs no slow hash. */
export function hashClientSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A new secret: the prefix and 256 bits from the system's CSPRNG in base64url (43 characters). */
export function generateClientSecret(): { secret: string; hash: Buffer } {
  const secret = `${SERVICE_CLIENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashClientSecret(secret) };
}
