// Prints a new ES256 signing key as .env lines, so no OpenSSL is needed (docs/deployment.md).
//   npm run keygen                       a new JWT_PRIVATE_KEY, its public key and its kid
//   npm run keygen -- --public < key.pem the public key and kid of an existing private key (PEM on
//                                        stdin, multi-line or one line with literal \n)
//   npm run keygen -- --mfa              a new MFA_ENCRYPTION_KEY (32 random bytes, base64): once per
//                                        deployment, never with a rotation, as it cannot be changed yet
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';

/**
 * The kid the API gives this key: its RFC 7638 thumbprint, as jwkThumbprint in
 * apps/api/src/auth/keys.ts computes it (a test holds the two equal). Repeated here because the
 * tools project cannot import the API's sources.
 */
function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  return createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
}

/** The one-line form .env files need: literal \n between the PEM lines. */
const oneLine = (pem: string): string => pem.trim().replaceAll('\n', '\\n');

function publicKeyOf(privateKey: KeyObject): { kid: string; line: string } {
  const publicKey = createPublicKey(privateKey);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { kid: thumbprint(publicKey), line: `JWT_PREVIOUS_PUBLIC_KEYS="${oneLine(pem)}"` };
}

function fail(message: string): never {
  console.error(`keygen: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--public') {
  if (process.stdin.isTTY) fail('--public reads a PEM private key on stdin: npm run keygen -- --public < key.pem');
  let key: KeyObject;
  try {
    key = createPrivateKey((await text(process.stdin)).trim().replace(/^"|"$/g, '').replace(/\\n/g, '\n'));
  } catch {
    // The input is a secret: say what is wrong, never what was read.
    fail('stdin is not a readable PEM private key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    fail('the key is not an EC P-256 (ES256) key');
  const { kid, line } = publicKeyOf(key);
  console.log(`# kid: ${kid}\n${line}`);
} else if (args.length === 0) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const { kid, line } = publicKeyOf(privateKey);
  console.log(
    [
      `# kid: ${kid}`,
      `JWT_PRIVATE_KEY="${oneLine(pem)}"`,
      '# Its public key, for JWT_PREVIOUS_PUBLIC_KEYS on every instance when rotating to or from this key:',
      `# ${line}`,
    ].join('\n'),
  );
} else if (args.length === 1 && args[0] === '--mfa') {
  console.log(
    [
      "# Seals the authenticator apps' secrets: the same on every instance, and never changed (enrolled apps would stop working).",
      `MFA_ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`,
    ].join('\n'),
  );
} else {
  fail('usage: npm run keygen [-- --public < private-key.pem | -- --mfa]');
}
