/** The JSON Schema keywords that zod writes for the contract's response schemas (a test checks it). */
export type JsonSchema = {
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
  readonly properties?: { readonly [key: string]: JsonSchema };
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
};

const MISMATCH = Symbol('mismatch');

/**
 * Parses a response body with one of the contract's schemas in its JSON Schema form
 * (`@spa-auth/contract/wire`): the value with only the fields the schema names, as zod's z.object
 * gives it, or undefined when it does not match. Why not zod itself: its core alone is about 5.7 kB
 * gzip for these two schemas, more than the client's whole budget. A test holds this function to
 * zod's answers on the same schemas.
 *
 * @example
 * ```ts
 * import { SessionResponseJsonSchema } from '@spa-auth/contract/wire';
 * const session = parseWithSchema<SessionResponse>(SessionResponseJsonSchema, response.data);
 * if (!session) throw new ApiError('unexpected_response', 'Not a session');
 * ```
 */
export function parseWithSchema<T>(schema: JsonSchema, value: unknown): T | undefined {
  const parsed = parse(schema, value);
  return parsed === MISMATCH ? undefined : (parsed as T);
}

function parse(schema: JsonSchema, value: unknown): unknown {
  if (schema.anyOf) {
    for (const option of schema.anyOf) {
      const parsed = parse(option, value);
      if (parsed !== MISMATCH) return parsed;
    }
    return MISMATCH;
  }
  if ('const' in schema && value !== schema.const) return MISMATCH;
  if (schema.enum && !schema.enum.includes(value)) return MISMATCH;
  switch (schema.type) {
    case 'string':
    case 'boolean':
      return typeof value === schema.type ? value : MISMATCH;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : MISMATCH;
    case 'null':
      return value === null ? value : MISMATCH;
    case 'array': {
      if (!Array.isArray(value)) return MISMATCH;
      const items = value.map((item) => (schema.items ? parse(schema.items, item) : item));
      return items.includes(MISMATCH) ? MISMATCH : items;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return MISMATCH;
      const fields: Record<string, unknown> = {};
      for (const [key, fieldSchema] of Object.entries(schema.properties ?? {})) {
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined) {
          if (schema.required?.includes(key)) return MISMATCH;
          continue;
        }
        const parsed = parse(fieldSchema, field);
        if (parsed === MISMATCH) return MISMATCH;
        fields[key] = parsed;
      }
      return fields;
    }
    default:
      // A schema this parser does not understand matches nothing, rather than everything.
      return MISMATCH;
  }
}
