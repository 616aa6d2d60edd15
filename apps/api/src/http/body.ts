import express, { type RequestHandler } from 'express';
import type * as z from 'zod/mini';
import { AppError } from '../errors.ts';

/** Parses JSON bodies up to 16 KiB; only objects and arrays (strict), as the contract's bodies are objects. */
export const jsonBody = express.json({ limit: '16kb', strict: true, type: ['application/json', 'application/*+json'] });

/** On an endpoint that takes a JSON body, any other Content-Type is a 415, not a silent empty body. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is(['application/json', 'application/*+json'])) {
    throw new AppError(415, 'unsupported_media_type', 'The request body must be application/json');
  }
  next();
};

/** Validates a parsed body with a contract schema; failures list every field at fault. */
export function parseBody<S extends z.ZodMiniType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  throw new AppError(400, 'validation_failed', 'The request body is not valid', { errors });
}

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
