import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, PASSWORD, registerUser, setCookieLine, sharedEmbeddedDatabase, XHR } from './support.ts';

const signingKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The refresh cookie line of a login to an app configured by `env`. */
async function loginCookie(env: Record<string, string>): Promise<string> {
  const { app } = await createTestApi({ SEED_DEMO_USERS: 'false', ...env });
  const user = await registerUser(app);
  const res = await request(app).post('/auth/login').set(XHR).send({ email: user.email, password: PASSWORD }).expect(200);
  return setCookieLine(res) as string;
}

const attributes = (line: string) => line.split(';').map((part) => part.trim().toLowerCase());

// PGlite's initdb takes seconds; it is paid here rather than inside the first test's time limit.
beforeAll(async () => {
  await sharedEmbeddedDatabase();
});

describe('the Secure attribute of the refresh cookie', () => {
  it('when the API runs in development on localhost over plain HTTP, then the login cookie is not Secure, so WebKit keeps and sends it', async () => {
    const line = await loginCookie({ NODE_ENV: 'development', HOST: 'localhost' });
    expect(attributes(line)).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/auth']));
    expect(attributes(line)).not.toContain('secure');
  });

  it.each([
    ['development on all interfaces', { NODE_ENV: 'development', HOST: '0.0.0.0' }],
    [
      'production on localhost',
      {
        NODE_ENV: 'production',
        HOST: 'localhost',
        CORS_ORIGINS: 'none',
        WEBAUTHN_ORIGINS: 'http://localhost:8080',
        MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
    ],
  ])('when the API runs in %s, then the login cookie is Secure', async (_label, env) => {
    const line = await loginCookie({ ...env, JWT_PRIVATE_KEY: signingKey() });
    expect(attributes(line)).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=strict', 'path=/auth']));
  });
});
