import express, { type RequestHandler } from 'express';
import * as z from 'zod/mini';
import type { HttpProblem, ProblemClass } from './problems.ts';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** Parses JSON bodies up to `limit` (`16kb`): only objects and arrays (strict), as every body taken is an object. */
export const jsonBody = (limit: string): RequestHandler => express.json({ limit, strict: true, type: JSON_TYPES });

/** On a route that takes a JSON body, any other Content-Type is a 415, never read as an empty body. */
export const requireJson =
  (Problem: ProblemClass<HttpProblem>): RequestHandler =>
  (req, _res, next) => {
    if (!req.is(JSON_TYPES)) throw new Problem(415, 'unsupported_media_type', 'The request body must be application/json');
    next();
  };

/** Validates a parsed body with a zod schema (classic or mini); a failure is 400 validation_failed listing every field at fault. */
export function parseBody<S extends z.core.$ZodType>(Problem: ProblemClass<HttpProblem>, schema: S, body: unknown): z.output<S> {
  const result = z.safeParse(schema, body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  throw new Problem(400, 'validation_failed', 'The request body is not valid', { errors });
}
