import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import path from 'node:path';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createKeySet, jwkThumbprint } from '../src/auth/keys.ts';
import { loadConfig } from '../src/config.ts';
import { bearer, createTestApi, refresh, refreshCookieOf, registerUser, type TestApi } from './support.ts';

const newKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const kidOf = (key: KeyObject): string => jwkThumbprint(createPublicKey(key));
/** The one-line .env form, literal \n, that operators paste. */
const oneLine = (pem: string | Buffer): string => pem.toString().trim().replace(/\n/g, '\\n');
const privatePem = (key: KeyObject) => oneLine(key.export({ type: 'pkcs8', format: 'pem' }));
const publicPem = (key: KeyObject) => oneLine(createPublicKey(key).export({ type: 'spki', format: 'pem' }));
const headerOf = (token: string) => (jwt.decode(token, { complete: true }) as jwt.Jwt).header;

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});

/**
 * One API instance as main.ts builds it from JWT_PRIVATE_KEY and JWT_PREVIOUS_PUBLIC_KEYS, on the
 * same database and clock as every other instance of the test: a rolling deploy in one process.
 */
function instance(signing: KeyObject, accepted: KeyObject[] = []): Express {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    JWT_PRIVATE_KEY: privatePem(signing),
    JWT_PREVIOUS_PUBLIC_KEYS: accepted.map(publicPem).join('\\n'),
  });
  if (!config.jwtPrivateKey) throw new Error('the test config has no signing key');
  return createApp({ ...api.deps, config, keys: createKeySet(config.jwtPrivateKey, config.jwtPreviousPublicKeys) });
}

const me = (app: Express, token: string) => request(app).get('/api/me').set(bearer(token));

async function expectRefused(app: Express, token: string, code: string) {
  const res = await me(app, token).expect(401);
  expect(res.body.code).toBe(code);
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
}

describe('signing-key rotation', () => {
  it('when an instance lists the previous public key, then its tokens are accepted until they expire, then token_expired', async () => {
    const [oldKey, nextKey] = [newKey(), newKey()];
    const before = instance(oldKey);
    const after = instance(nextKey, [oldKey]);
    const user = await registerUser(before);
    expect(headerOf(user.accessToken).kid).toBe(kidOf(oldKey));

    await me(after, user.accessToken).expect(200);
    api.clock.advance(api.config.accessTokenTtlMs - 1_000);
    await me(after, user.accessToken).expect(200);
    api.clock.advance(1_000 + api.config.clockToleranceMs + 1_000);
    await expectRefused(after, user.accessToken, 'token_expired');

    // The session outlives the key: the refresh cookie is not signed with it.
    const res = await refresh(after, user.refresh).expect(200);
    expect(headerOf(res.body.accessToken).kid).toBe(kidOf(nextKey));
    await me(after, res.body.accessToken).expect(200);
  });

  it('when an instance does not list the previous key, then its tokens are refused with token_invalid, and a refresh still works', async () => {
    const [oldKey, nextKey] = [newKey(), newKey()];
    const user = await registerUser(instance(oldKey));
    const unaware = instance(nextKey);
    await expectRefused(unaware, user.accessToken, 'token_invalid');
    const res = await refresh(unaware, user.refresh).expect(200);
    await me(unaware, res.body.accessToken).expect(200);
  });

  it('when instance A signs with K1 listing K2 and instance B signs with K2 listing K1, then each accepts the other’s tokens and a session started on A refreshes on B', async () => {
    const [k1, k2] = [newKey(), newKey()];
    const a = instance(k1, [k2]);
    const b = instance(k2, [k1]);

    const user = await registerUser(a);
    expect(headerOf(user.accessToken).kid).toBe(kidOf(k1));
    await me(b, user.accessToken).expect(200);

    const onB = await refresh(b, user.refresh).expect(200);
    expect(headerOf(onB.body.accessToken).kid).toBe(kidOf(k2));
    await me(a, onB.body.accessToken).expect(200);
    await me(b, onB.body.accessToken).expect(200);

    const backOnA = await refresh(a, refreshCookieOf(onB)).expect(200);
    expect(headerOf(backOnA.body.accessToken).kid).toBe(kidOf(k1));
    await me(b, backOnA.body.accessToken).expect(200);
  });

  it('when the key is rotated in three phases of rolling deploys, then one session works on every instance at every step', async () => {
    const [k1, k2] = [newKey(), newKey()];
    const phase0 = instance(k1);
    const phase1 = instance(k1, [k2]);
    const phase2 = instance(k2, [k1]);
    const phase3 = instance(k2);

    const user = await registerUser(phase0);
    // Phase 1 rolls out: old and phase-1 instances both sign with K1.
    for (const app of [phase0, phase1]) await me(app, user.accessToken).expect(200);
    // Phase 1 is everywhere; phase 2 rolls out: K1 tokens still pass, K2 tokens pass on phase-1 instances.
    for (const app of [phase1, phase2]) await me(app, user.accessToken).expect(200);
    const signedByK2 = await refresh(phase2, user.refresh).expect(200);
    for (const app of [phase1, phase2]) await me(app, signedByK2.body.accessToken).expect(200);
    // Why phase 1 must finish first: an instance that never heard of K2 refuses its tokens.
    await expectRefused(phase0, signedByK2.body.accessToken, 'token_invalid');

    // Phase 3, after ACCESS_TOKEN_TTL + CLOCK_TOLERANCE: no K1 token is alive, K1 is dropped.
    api.clock.advance(api.config.accessTokenTtlMs + api.config.clockToleranceMs + 1_000);
    const latest = await refresh(phase2, refreshCookieOf(signedByK2)).expect(200);
    for (const app of [phase2, phase3]) await me(app, latest.body.accessToken).expect(200);
    const onPhase3 = await refresh(phase3, refreshCookieOf(latest)).expect(200);
    expect(headerOf(onPhase3.body.accessToken).kid).toBe(kidOf(k2));
    await me(phase2, onPhase3.body.accessToken).expect(200);
  });

  it('when /.well-known/jwks.json is fetched, then it lists the signing key and every listed key with kid, alg and use, and no private member', async () => {
    const [signing, previous, next] = [newKey(), newKey(), newKey()];
    const res = await request(instance(signing, [previous, next]))
      .get('/.well-known/jwks.json')
      .expect(200);
    expect(res.body.keys.map((key: { kid: string }) => key.kid)).toEqual([kidOf(signing), kidOf(previous), kidOf(next)]);
    for (const key of res.body.keys) {
      expect(key).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      });
    }
    expect(res.text).not.toContain('"d"');
  });

  it('when a private key or a duplicate is handed to createKeySet as an accepted key, then the JWKS still holds each public key once', () => {
    const [signing, previous] = [newKey(), newKey()];
    const keys = createKeySet(signing, [previous, createPublicKey(previous), createPublicKey(signing)]);
    expect([...keys.verifying.keys()]).toEqual([kidOf(signing), kidOf(previous)]);
    expect(keys.jwks.keys).toHaveLength(2);
    for (const key of keys.jwks.keys) expect(key).not.toHaveProperty('d');
    for (const key of keys.verifying.values()) expect(key.type).toBe('public');
    expect(() => createKeySet(signing, [generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey])).toThrow('P-256');
  });

  describe('tokens whose kid does not lead to the key that signed them', () => {
    const [k1, k2, stranger] = [newKey(), newKey(), newKey()];
    let app: Express;
    let claims: jwt.JwtPayload;
    beforeAll(async () => {
      app = instance(k1, [k2]);
      claims = jwt.decode((await registerUser(app)).accessToken) as jwt.JwtPayload;
    });
    /** The genuine claims of a live session, re-signed with the given key and header. */
    const forge = (key: KeyObject, header: Record<string, string>) =>
      jwt.sign(claims, key, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', ...header } });

    it('when the claims are re-signed with a listed key and its kid, then they are accepted (the forgeries below differ only in key or kid)', async () => {
      await me(app, forge(k1, { kid: kidOf(k1) })).expect(200);
      await me(app, forge(k2, { kid: kidOf(k2) })).expect(200);
    });

    it('when the kid is unknown, then the token is refused with token_invalid', async () => {
      await expectRefused(app, forge(k1, { kid: 'not-a-key-we-know' }), 'token_invalid');
      await expectRefused(app, forge(stranger, { kid: kidOf(stranger) }), 'token_invalid');
    });

    it('when the kid is missing, then the token is refused with token_invalid', async () => {
      const token = forge(k1, {});
      expect(headerOf(token)).not.toHaveProperty('kid');
      await expectRefused(app, token, 'token_invalid');
    });

    it('when an unlisted key signs and claims a listed kid, then the token is refused with token_invalid', async () => {
      await expectRefused(app, forge(stranger, { kid: kidOf(k1) }), 'token_invalid');
      await expectRefused(app, forge(stranger, { kid: kidOf(k2) }), 'token_invalid');
    });

    it('when a listed key signs under the other listed key’s kid, then the token is refused with token_invalid', async () => {
      await expectRefused(app, forge(k2, { kid: kidOf(k1) }), 'token_invalid');
    });
  });

  it('when npm run keygen prints a key, then JWT_PRIVATE_KEY and its public key line load, and both carry the printed kid', () => {
    const script = path.resolve(import.meta.dirname, '../../../scripts/keygen.ts');
    const printed = (output: string, name: string) => {
      const line = output.split('\n').find((l) => l.replace(/^# /, '').startsWith(`${name}=`));
      if (!line) throw new Error(`keygen printed no ${name}`);
      return JSON.parse(line.replace(/^# /, '').slice(name.length + 1)) as string;
    };
    const output = execFileSync(process.execPath, [script], { encoding: 'utf8' });
    const kid = /^# kid: (\S+)$/m.exec(output)?.[1];
    const config = loadConfig({
      JWT_PRIVATE_KEY: printed(output, 'JWT_PRIVATE_KEY'),
      JWT_PREVIOUS_PUBLIC_KEYS: printed(output, 'JWT_PREVIOUS_PUBLIC_KEYS'),
    });
    if (!config.jwtPrivateKey) throw new Error('keygen printed no usable JWT_PRIVATE_KEY');
    const keys = createKeySet(config.jwtPrivateKey, config.jwtPreviousPublicKeys);
    expect(keys.signing.kid).toBe(kid);
    expect([...keys.verifying.keys()]).toEqual([kid]);

    const derived = execFileSync(process.execPath, [script, '--public'], { encoding: 'utf8', input: printed(output, 'JWT_PRIVATE_KEY') });
    expect(printed(derived, 'JWT_PREVIOUS_PUBLIC_KEYS')).toBe(printed(output, 'JWT_PREVIOUS_PUBLIC_KEYS'));
    expect(derived).toContain(`# kid: ${kid}`);
  });

  it('when npm run keygen -- --mfa prints a sealing key, then it loads as MFA_ENCRYPTION_KEY, and each run prints another', () => {
    const script = path.resolve(import.meta.dirname, '../../../scripts/keygen.ts');
    const keyOf = () => {
      const line = execFileSync(process.execPath, [script, '--mfa'], { encoding: 'utf8' })
        .split('\n')
        .find((l) => l.startsWith('MFA_ENCRYPTION_KEY='));
      if (!line) throw new Error('keygen printed no MFA_ENCRYPTION_KEY');
      return line.slice('MFA_ENCRYPTION_KEY='.length);
    };
    const [first, second] = [keyOf(), keyOf()];
    expect(loadConfig({ MFA_ENCRYPTION_KEY: first }).mfaEncryptionKey).toHaveLength(32);
    expect(second).not.toBe(first);
  });
});
