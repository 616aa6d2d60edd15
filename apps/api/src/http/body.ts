import { jsonBody as jsonBodyUpTo, parseBody as parseBodyAs, requireJson as requireJsonFor } from '@spa-auth/server-support';
import type { RequestHandler } from 'express';
import type * as z from 'zod/mini';
import { AppError } from '../errors.ts';

/** Parses JSON bodies up to 16 KiB (the 413's detail in http/errors.ts says so). */
export const jsonBody = jsonBodyUpTo('16kb');

/** On an endpoint that takes a JSON body, any other Content-Type is a 415, not a silent empty body. */
export const requireJson = requireJsonFor(AppError);

/** Validates a parsed body with a contract schema; failures list every field at fault. */
export const parseBody = <S extends z.ZodMiniType>(schema: S, body: unknown): z.infer<S> => parseBodyAs(AppError, schema, body);

/**
 * requireJson, jsonBody and parseBody as middleware, for a route whose limiter reads the body
 * before the handler: keyed by the normalised value, never the raw one. `req.body` is then the
 * schema's output.
 */
export function validatedBody<S extends z.ZodMiniType>(schema: S): RequestHandler[] {
  return [
    requireJson,
    jsonBody,
    (req, _res, next) => {
      req.body = parseBody(schema, req.body);
      next();
    },
  ];
}
