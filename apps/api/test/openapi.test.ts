import { generateKeyPairSync } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createOpenApiDocument, type HttpMethod, type OpenApiDocument } from '@spa-auth/contract/openapi';
import { Ajv2020 } from 'ajv/dist/2020.js';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { listRouteAccess, type RouteAccess } from '../src/auth/scopes.ts';
import { SCALAR_BUNDLE_URL } from '../src/http/openapi.ts';
import { checkingResponses, createResponseChecker, type RecordedResponse, takeResponseViolations } from './openapi-responses.ts';
import { createTestApi } from './support.ts';

// The OpenAPI document: valid OpenAPI 3.1, served, describing exactly the app's routes with the
// access each declares, and the checker that holds every test's responses to it (openapi-setup.ts).

const document = createOpenApiDocument();
const METHODS: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** The document's operations as `METHOD /path`, with Express's `:id` for OpenAPI's `{id}`. */
function documentedRoutes(doc: OpenApiDocument): Map<string, RouteAccess | undefined> {
  const routes = new Map<string, RouteAccess | undefined>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      // The access an API token needs: its scope when `apiToken` is listed, a person when only the
      // access token is; none for the public and cookie routes.
      const apiToken = operation.security.find((requirement) => requirement.apiToken)?.apiToken;
      const bearer = operation.security.some((requirement) => requirement.accessToken);
      const access: RouteAccess | undefined = apiToken ? { scope: apiToken[0] as never } : bearer ? { person: true } : undefined;
      routes.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, access);
    }
  }
  return routes;
}

describe('the OpenAPI document', () => {
  it('when validated against the OpenAPI 3.1 schema, then it is valid and every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('when each schema is compiled as JSON Schema 2020-12 in strict mode, then none is refused', () => {
    const ajv = new Ajv2020({ strict: true });
    // The document's member that holds the schemas, so that their `$ref`s resolve; not a keyword.
    ajv.addKeyword('components');
    ajv.addSchema({ $id: 'https://spa-auth.example/components', components: document.components });
    const refused: string[] = [];
    for (const name of Object.keys(document.components.schemas)) {
      try {
        ajv.compile({ $ref: `https://spa-auth.example/components#/components/schemas/${name}` });
      } catch (error) {
        refused.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('when the problem codes are listed, then Problem names every one and each code is documented on some operation', () => {
    const problem = document.components.schemas.Problem as { properties: { code: { enum: string[] } } };
    const codes = new Set<string>();
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(item)) {
        for (const response of Object.values(operation.responses)) {
          const schema = response.content?.['application/problem+json']?.schema as
            | { allOf: [unknown, { properties: { code: { enum: string[] } } }] }
            | undefined;
          for (const code of schema?.allOf[1].properties.code.enum ?? []) codes.add(code);
        }
      }
    }
    // not_found and method_not_allowed also answer paths and methods no operation has.
    expect([...codes, 'method_not_allowed'].sort()).toEqual([...problem.properties.code.enum].sort());
  });

  it('when the app is built, then the document has exactly its routes, and each /api route the access it declares', async () => {
    const api = await createTestApi();
    const app = new Map(
      listRouteAccess(api.app, { under: '', skip: [] }).map((route) => [`${route.method} ${route.path}`, route.access] as const),
    );
    const documented = documentedRoutes(document);
    expect([...documented.keys()].sort()).toEqual([...app.keys()].sort());
    for (const [route, access] of app) expect({ route, access: documented.get(route) }).toEqual({ route, access });
  });

  it('when GET /openapi.json is asked without a token, then it is the document, cacheable for five minutes', async () => {
    const api = await createTestApi();
    const res = await request(api.app).get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(document)));
    expect(res.body.openapi).toMatch(/^3\.1\./);
  });
});

describe('the API reference page', () => {
  it('when NODE_ENV is development, then /docs loads the reference with a nonce that only its own policy allows', async () => {
    const api = await createTestApi({ NODE_ENV: 'development' });
    const page = await request(api.app).get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain(`<script src="${SCALAR_BUNDLE_URL}"`);
    expect(page.text).toContain('"url": "openapi.json"');
    const nonces = [...page.text.matchAll(/<script[^>]* nonce="([^"]+)"/g)].map((match) => match[1]);
    expect(nonces).toHaveLength(2);
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain(`script-src 'self' 'nonce-${nonces[0]}'`);
    expect(policy).not.toContain("unsafe-inline'; script-src");
    expect(policy).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|https:)/);

    // Only the page's scripts differ from helmet's policy on every other response, and each
    // request gets a nonce of its own.
    const other = String((await request(api.app).get('/healthz').expect(200)).headers['content-security-policy']);
    const withoutScripts = (text: string) => text.split(';').filter((directive) => !directive.startsWith('script-src'));
    expect(withoutScripts(policy)).toEqual(withoutScripts(other));
    expect(other).toContain("script-src 'self';");
    const again = await request(api.app).get('/docs').expect(200);
    expect(again.headers['content-security-policy']).not.toContain(nonces[0]);
  });

  it('when NODE_ENV is test or production, then there is no /docs, and /openapi.json is still served', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const environments: Record<string, string>[] = [
      { NODE_ENV: 'test' },
      {
        NODE_ENV: 'production',
        JWT_PRIVATE_KEY: pem,
        CORS_ORIGINS: 'none',
        WEBAUTHN_ORIGINS: 'http://localhost:8080',
        MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
    ];
    for (const env of environments) {
      const api = await createTestApi(env);
      const res = await request(api.app).get('/docs').expect(404);
      expect(res.body.code).toBe('not_found');
      await request(api.app).get('/openapi.json').expect(200);
    }
  });
});

describe('the response checker', () => {
  const checker = createResponseChecker(document);
  const json = (body: unknown) => Buffer.from(JSON.stringify(body));
  const noStore = { 'cache-control': 'no-store' };
  const me = { user: { id: 'u1', email: 'a@example.test', name: 'A', role: 'user', emailVerified: false } };
  const problem = (status: number, code: string) => ({ type: `urn:spa-auth:problem:${code}`, title: 'T', status, detail: 'D', code });
  const response = (overrides: Partial<RecordedResponse>): RecordedResponse => ({
    method: 'GET',
    path: '/api/me',
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', ...noStore },
    body: json(me),
    ...overrides,
  });

  it('when a response is as documented, then nothing is reported, whatever the case or trailing slash of the path', () => {
    expect(checker.check(response({}))).toBeNull();
    expect(checker.check(response({ path: '/API/Me/' }))).toBeNull();
    expect(checker.check(response({ method: 'HEAD', body: Buffer.alloc(0) }))).toBeNull();
    expect(
      checker.check(
        response({
          path: '/api/sessions/not-a-uuid',
          method: 'DELETE',
          status: 404,
          headers: { 'content-type': 'application/problem+json', ...noStore },
          body: json(problem(404, 'not_found')),
        }),
      ),
    ).toBeNull();
  });

  it('when a status is not documented for the operation, then it is reported with the operation', () => {
    const fault = checker.check(
      response({
        status: 409,
        headers: { 'content-type': 'application/problem+json', ...noStore },
        body: json(problem(409, 'email_taken')),
      }),
    );
    expect(fault).toBe('GET /api/me (getMe) answered 409: the document has no 409 for this operation');
  });

  it('when a body has a field too many, a field missing or a code the status does not list, then the validator says which', () => {
    expect(checker.check(response({ body: json({ user: { ...me.user, passwordHash: 'x' } }) }))).toMatch(
      /^GET \/api\/me \(getMe\) answered 200: the body does not match the schema: .*must NOT have additional properties/,
    );
    expect(checker.check(response({ body: json({ user: { id: 'u1' } }) }))).toMatch(/must have required property 'email'/);
    const wrongCode = checker.check(
      response({
        status: 401,
        headers: { 'content-type': 'application/problem+json', ...noStore },
        body: json(problem(401, 'refresh_missing')),
      }),
    );
    expect(wrongCode).toMatch(/^GET \/api\/me \(getMe\) answered 401: .*must be equal to one of the allowed values/);
  });

  it('when the content type, the emptiness of the body or a required header is wrong, then that is reported', () => {
    expect(checker.check(response({ headers: { 'content-type': 'text/html', ...noStore } }))).toMatch(
      /content type text\/html, not one the document names/,
    );
    expect(checker.check(response({ method: 'DELETE', path: '/api/tokens/t1', status: 204, body: json({}) }))).toMatch(
      /a body .* where the document says there is none/,
    );
    expect(checker.check(response({ headers: { 'content-type': 'application/json' } }))).toMatch(
      /no Cache-Control header, which the document requires/,
    );
    expect(checker.check(response({ headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60' } }))).toMatch(
      /Cache-Control: max-age=60, where the document says no-store/,
    );
  });

  it('when a path or method has no operation, then only a problem+json Problem passes as its error', () => {
    const notFound = {
      status: 404,
      headers: { 'content-type': 'application/problem+json', ...noStore },
      body: json(problem(404, 'not_found')),
    };
    expect(checker.check(response({ path: '/nowhere', ...notFound }))).toBeNull();
    expect(checker.check(response({ method: 'PUT', ...notFound, status: 405, body: json(problem(405, 'method_not_allowed')) }))).toBeNull();
    expect(
      checker.check(response({ path: '/nowhere', ...notFound, headers: { 'content-type': 'text/html' }, body: Buffer.from('<p>') })),
    ).toBe('GET /nowhere answered 404: not application/problem+json');
    expect(checker.check(response({ path: '/nowhere', ...notFound, body: json({ error: 'x' }) }))).toMatch(
      /^GET \/nowhere answered 404: not a Problem/,
    );
  });

  it('when an app wrapped for the tests answers off the document, then the violation is kept for the file to fail on', async () => {
    const app = express();
    app.get('/api/me', (_req, res) => {
      res.set('Cache-Control', 'no-store');
      // Written in two chunks, as a stream would: the checker sees the whole body.
      res.type('json').write('{"user":');
      res.end('{"id":"u1"}}');
    });
    await request(checkingResponses(app)).get('/api/me').expect(200);
    const violations = takeResponseViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(
      /^GET \/api\/me \(getMe\) answered 200: the body does not match the schema: body\/user must have required property 'email'/,
    );
  });
});
