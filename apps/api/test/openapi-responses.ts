import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpMethod, OpenApiDocument, OpenApiHeader, OpenApiOperation, OpenApiResponse } from '@spa-auth/contract/openapi';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Express } from 'express';
import { openApiDocumentText } from '../src/http/openapi.ts';

/** One response as the app sent it: what the document is checked against. */
export type RecordedResponse = {
  method: string;
  /** The request's path, without the query. */
  path: string;
  status: number;
  headers: Record<string, number | string | string[] | undefined>;
  body: Buffer;
};

// ajv-formats is CommonJS: its `module.exports` arrives as the default import, the plugin on it as `default`.
const addFormats = addFormatsModule.default;

const DOCUMENT_ID = 'https://spa-auth.example/openapi.json';
const METHODS: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

type Route = { template: string; pattern: RegExp; operations: Partial<Record<HttpMethod, OpenApiOperation>> };

const pointer = (...tokens: string[]) => tokens.map((token) => token.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/**
 * Checks responses against an OpenAPI document: that the operation documents the status, that the
 * body is of a documented media type and matches its schema (Ajv, JSON Schema 2020-12, the
 * document's own dialect), and that the headers the document requires are there. Each schema is
 * compiled once, the first time a response needs it.
 */
export function createResponseChecker(document: OpenApiDocument) {
  // Not strict: the document is added whole so that its `$ref`s resolve, and its OpenAPI members
  // are not JSON Schema keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  const validators = new Map<string, ValidateFunction>();
  const validatorAt = (path: string) => {
    let validate = validators.get(path);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${path}` });
      validators.set(path, validate);
    }
    return validate;
  };
  const problemPath = pointer('components', 'schemas', 'Problem');

  // Literal paths before templated ones, so /api/sessions/revoke-others is not taken for {id}.
  const routes: Route[] = Object.entries(document.paths)
    .map(([template, operations]) => ({
      template,
      operations,
      // Express matches paths case-insensitively and with or without a trailing slash.
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`, 'i'),
    }))
    .sort((a, b) => a.template.split('{').length - b.template.split('{').length);

  const headerOf = (header: OpenApiHeader | { $ref: string }): OpenApiHeader => {
    if (!('$ref' in header)) return header;
    const name = header.$ref.split('/').at(-1) as string;
    return document.components.headers[name] as OpenApiHeader;
  };

  const validationMessage = (validate: ValidateFunction) =>
    ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' }).slice(0, 600);

  const checkBody = (response: RecordedResponse, documented: OpenApiResponse, at: string): string | null => {
    const mediaType = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim();
    if (!documented.content) {
      return response.body.length === 0 ? null : `a body (${mediaType || 'no content type'}) where the document says there is none`;
    }
    if (!mediaType || !documented.content[mediaType]) {
      return `content type ${mediaType || 'none'}, not one the document names (${Object.keys(documented.content).join(', ')})`;
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      return `a body that is not JSON: ${response.body.toString('utf8').slice(0, 100)}`;
    }
    const validate = validatorAt(`${at}/${pointer('content', mediaType, 'schema')}`);
    return validate(body) ? null : `the body does not match the schema: ${validationMessage(validate)}`;
  };

  const checkHeaders = (response: RecordedResponse, documented: OpenApiResponse): string | null => {
    for (const [name, declared] of Object.entries(documented.headers ?? {})) {
      const header = headerOf(declared);
      const value = response.headers[name.toLowerCase()];
      if (header.required && value === undefined) return `no ${name} header, which the document requires`;
      const expected = header.schema.const;
      if (expected !== undefined && value !== undefined && String(value) !== String(expected)) {
        return `${name}: ${String(value)}, where the document says ${String(expected)}`;
      }
    }
    return null;
  };

  /** What is wrong with the response, against the document, or null when nothing is. */
  function check(response: RecordedResponse): string | null {
    const method = response.method.toLowerCase();
    if (method === 'options') return null; // CORS preflights are answered before routing, by the cors package
    const route = routes.find((candidate) => candidate.pattern.test(response.path));
    const operationMethod = (method === 'head' ? 'get' : method) as HttpMethod;
    const operation = METHODS.includes(operationMethod) ? route?.operations[operationMethod] : undefined;
    const label = `${response.method} ${route?.template ?? response.path}${operation ? ` (${operation.operationId})` : ''} answered ${response.status}`;
    if (!route || !operation) {
      // No operation of the document: a path no route has, a method the path does not take, or a
      // route a test added. Only its problems are the API's: they must be problems.
      if (response.status < 400) return null;
      if (!String(response.headers['content-type'] ?? '').startsWith('application/problem+json')) {
        return `${label}: not application/problem+json`;
      }
      if (method === 'head') return null;
      const validate = validatorAt(problemPath);
      let body: unknown;
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        return `${label}: a problem whose body is not JSON`;
      }
      return validate(body) ? null : `${label}: not a Problem: ${validationMessage(validate)}`;
    }
    const documented = operation.responses[response.status];
    if (!documented) return `${label}: the document has no ${response.status} for this operation`;
    const at = pointer('paths', route.template, operationMethod, 'responses', String(response.status));
    const fault = (method === 'head' ? null : checkBody(response, documented, at)) ?? checkHeaders(response, documented);
    return fault ? `${label}: ${fault}` : null;
  }

  return { check };
}

let checker: ReturnType<typeof createResponseChecker> | undefined;
const violations: string[] = [];

/** The responses of the test apps that differ from the document served, since the last call. */
export function takeResponseViolations(): string[] {
  return violations.splice(0);
}

/**
 * The app, with every response it sends checked against the OpenAPI document the API serves; what
 * differs is kept for takeResponseViolations. The app itself is unchanged: the proxy only sees the
 * request and response objects on their way in.
 */
export function checkingResponses(app: Express): Express {
  checker ??= createResponseChecker(JSON.parse(openApiDocumentText()) as OpenApiDocument);
  const { check } = checker;
  return new Proxy(app, {
    apply(target, thisArg, args: [IncomingMessage, ServerResponse]) {
      const [req, res] = args;
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0] as string;
      const chunks: Buffer[] = [];
      const keep = (chunk: unknown, encoding: unknown) => {
        if (typeof chunk === 'string')
          chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
        else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      const { write, end } = res;
      res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
        keep(chunk, rest[0]);
        return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof res.write;
      res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
        keep(chunk, rest[0]);
        return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
      } as typeof res.end;
      res.once('finish', () => {
        const fault = check({ method, path, status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks) });
        if (fault) violations.push(fault);
      });
      return Reflect.apply(target, thisArg, args);
    },
  });
}
