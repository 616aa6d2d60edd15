import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import request from 'supertest';
import type { KeySet } from '../src/auth/keys.ts';

// The attacks on a bearer token that the API's own bearer check is tested with, as one table, so
// that every service accepting these tokens (the resource-server kit, the notes example) runs the
// very same cases against itself: bearer.test.ts runs them against GET /api/me, the kit's tests
// against a route behind its middleware.

type Json = Record<string, unknown>;

/** What an attack needs: a live access token of a live session and the API's signing key. */
export type AttackContext = {
  /** A real access token of a live session, fresh from a sign-in. */
  token: string;
  signingKey: KeyObject;
  /** The signing key's public half, whose PEM an HS256 forgery uses as its secret. */
  publicKey: KeyObject;
  kid: string;
  nowSeconds: number;
  ttlSeconds: number;
  toleranceSeconds: number;
  /** A live service token (POST /oauth/token), which must never pass as an access token. */
  serviceToken?: string;
};

/** How the request carries the token: the Authorization header, or where RFC 6750 forbids. */
export type AttackRequest = { headers: Record<string, string>; query?: Record<string, string>; body?: Json };

export type TokenAttack = {
  name: string;
  request: AttackRequest;
  /** 200 for the controls: the same token with only a harmless change, which must pass. */
  status: 200 | 400 | 401;
  code?: 'token_missing' | 'invalid_request' | 'token_invalid' | 'token_expired';
};

const b64 = (value: Json | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function partsOf(token: string): { header: Json; payload: Json; signature: string } {
  const [header, payload, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header as string, 'base64url').toString('utf8')) as Json,
    payload: JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8')) as Json,
    signature: signature as string,
  };
}

/** A compact JWS signed by hand, so the attack controls every byte the verifier sees. */
export function signEs256(header: Json, payload: Json, key: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

export function tokenAttacks(ctx: AttackContext): TokenAttack[] {
  const { token, signingKey, kid, nowSeconds: now, ttlSeconds: ttl, toleranceSeconds: tolerance } = ctx;
  const { payload, signature } = partsOf(token);
  const [h, p, s] = token.split('.');
  const header: Json = { alg: 'ES256', typ: 'at+jwt', kid };
  // The live token with some members of its header or its claims changed, signed again with the
  // real key. A member changed to undefined is left out, as JSON has no undefined.
  const resigned = (headerChanges: Json, claimChanges: Json) =>
    bearer(signEs256({ ...header, ...headerChanges }, { ...payload, ...claimChanges }, signingKey));
  const withHeader = (changes: Json) => resigned(changes, {});
  const withClaims = (changes: Json) => resigned({}, changes);
  const invalid = (name: string, request: AttackRequest): TokenAttack => ({ name, request, status: 401, code: 'token_invalid' });
  const malformed = (name: string, value: string): TokenAttack => ({ name, request: bearer(value), status: 400, code: 'invalid_request' });
  const pem = ctx.publicKey.export({ type: 'spki', format: 'pem' });
  const hmac = (alg: 'HS256' | 'HS384' | 'HS512') => {
    const input = `${b64({ ...header, alg })}.${b64(payload)}`;
    return bearer(
      `${input}.${createHmac(`sha${alg.slice(2)}`, pem)
        .update(input)
        .digest('base64url')}`,
    );
  };
  const longest = ttl + tolerance;

  return [
    { name: 'the live token itself (control)', request: bearer(token), status: 200 },
    {
      name: 'its claims re-signed with the signing key (control)',
      request: withClaims({}),
      status: 200,
    },
    {
      name: 'iat in the future within the tolerance (control)',
      request: withClaims({ iat: now + tolerance - 1, exp: now + tolerance - 1 + ttl }),
      status: 200,
    },
    {
      name: 'exp - iat exactly the lifetime plus the tolerance (control)',
      request: withClaims({ iat: now, exp: now + longest }),
      status: 200,
    },
    { name: 'no Authorization header', request: { headers: {} }, status: 401, code: 'token_missing' },
    {
      name: 'the Basic scheme',
      request: { headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } },
      status: 401,
      code: 'token_missing',
    },
    { name: 'the token in the query string', request: { headers: {}, query: { access_token: token } }, status: 401, code: 'token_missing' },
    { name: 'the token in a JSON body', request: { headers: {}, body: { access_token: token } }, status: 401, code: 'token_missing' },
    malformed('an empty Bearer value', ''),
    malformed('two spaces after Bearer', ` ${token}`),
    malformed('not a JWT', 'not-a-jwt'),
    malformed('two parts', `${h}.${p}`),
    malformed('four parts', `${token}.extra`),
    malformed('trailing text', `${h}.${p}.${s} trailing`),
    malformed('padding', `${h}.${p}.${s}=`),
    ...['none', 'None', 'NONE'].map((alg) =>
      invalid(`alg ${alg} with no signature`, bearer(`${b64({ ...header, alg })}.${b64(payload)}.`)),
    ),
    invalid('alg none with the ES256 signature kept', bearer(`${b64({ ...header, alg: 'none' })}.${b64(payload)}.${signature}`)),
    ...(['HS256', 'HS384', 'HS512'] as const).map((alg) => invalid(`${alg} keyed with the public key's PEM`, hmac(alg))),
    invalid('role admin written into the payload, signature kept', bearer(`${h}.${b64({ ...payload, role: 'admin' })}.${s}`)),
    invalid(
      'another P-256 key under the real kid',
      bearer(signEs256(header, payload, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)),
    ),
    invalid('an unknown kid', withHeader({ kid: 'some-other-key' })),
    invalid('no kid', withHeader({ kid: undefined })),
    invalid('typ JWT', withHeader({ typ: 'JWT' })),
    invalid('no typ', withHeader({ typ: undefined })),
    invalid('another issuer', withClaims({ iss: 'someone-else' })),
    invalid('another audience', withClaims({ aud: 'another-api' })),
    invalid('no audience', withClaims({ aud: undefined })),
    invalid('another client_id', withClaims({ client_id: 'other-client' })),
    invalid('no client_id', withClaims({ client_id: undefined })),
    invalid('an unknown role', withClaims({ role: 'root' })),
    invalid('no exp', withClaims({ exp: undefined })),
    invalid('no sid', withClaims({ sid: undefined })),
    invalid('typ JWT over a payload that is not JSON', bearer(`${b64({ ...header, typ: 'JWT' })}.${b64('not json')}.${b64('sig')}`)),
    invalid('a header that is not JSON', bearer(`${b64('{oops')}.${p}.${b64('sig')}`)),
    invalid('a payload that is not JSON', bearer(`${h}.${b64('{oops')}.${b64('sig')}`)),
    invalid('iat in the future beyond the tolerance', withClaims({ iat: now + tolerance + 60, exp: now + tolerance + 60 + ttl })),
    invalid('exp - iat one second above the lifetime plus the tolerance', withClaims({ iat: now, exp: now + longest + 1 })),
    invalid('a thirty-day lifetime', withClaims({ iat: now, exp: now + 30 * 86_400 })),
    {
      name: 'exp past by more than the tolerance',
      request: withClaims({ iat: now - ttl - tolerance - 1, exp: now - tolerance - 1 }),
      status: 401,
      code: 'token_expired',
    },
    ...(ctx.serviceToken ? [invalid('a service token from the client credentials grant', bearer(ctx.serviceToken))] : []),
  ];
}

/** The table for a live access token of a test API: its signing key, clock and lifetimes. */
export function tokenAttacksOn(
  api: { keys: KeySet; clock: { now(): number }; config: { accessTokenTtlMs: number; clockToleranceMs: number } },
  token: string,
  serviceToken?: string,
): TokenAttack[] {
  return tokenAttacks({
    token,
    signingKey: api.keys.signing.privateKey,
    publicKey: api.keys.signing.publicKey,
    kid: api.keys.signing.kid,
    nowSeconds: Math.floor(api.clock.now() / 1000),
    ttlSeconds: api.config.accessTokenTtlMs / 1000,
    toleranceSeconds: api.config.clockToleranceMs / 1000,
    ...(serviceToken ? { serviceToken } : {}),
  });
}

/** Sends an attack's request to `path` of an app (or a URL) with supertest: GET, or POST with its body. */
export function sendAttack(app: Parameters<typeof request>[0], path: string, attack: AttackRequest) {
  const url = attack.query ? `${path}?${new URLSearchParams(attack.query)}` : path;
  return attack.body ? request(app).post(url).set(attack.headers).send(attack.body) : request(app).get(url).set(attack.headers);
}

/**
 * Sends every attack to `path` and answers what came back beside what the table expects, for one
 * `toEqual` that names each attack that got another answer. Every refusal must be problem+json with
 * a Bearer challenge, whichever service gave it.
 */
export async function answersTo(app: Parameters<typeof request>[0], path: string, attacks: readonly TokenAttack[]) {
  const answers: { name: string; status: number; code: string | undefined; problem: boolean }[] = [];
  for (const attack of attacks) {
    const res = await sendAttack(app, path, attack.request);
    const problem =
      /^application\/problem\+json/.test(res.headers['content-type'] ?? '') &&
      /^Bearer realm="spa-auth"/.test(res.headers['www-authenticate'] ?? '');
    answers.push({ name: attack.name, status: res.status, code: res.body.code, problem: res.status === 200 || problem });
  }
  const expected = attacks.map(({ name, status, code }) => ({ name, status, code, problem: true }));
  return { answers, expected };
}
