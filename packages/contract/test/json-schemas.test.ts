import { describe, expect, it } from 'vitest';
import { CLIENT_SCHEMAS, toClientJsonSchema } from '../scripts/json-schemas.ts';
import * as wire from '../src/wire.ts';

// The keywords the http-client's parser understands (packages/http-client/src/parse.ts).
const KNOWN = new Set(['type', 'properties', 'required', 'items', 'enum', 'const', 'anyOf']);

function keywordsOf(schema: Record<string, unknown>): string[] {
  const nested = [
    ...Object.values((schema.properties ?? {}) as Record<string, Record<string, unknown>>),
    ...((schema.anyOf ?? []) as Record<string, unknown>[]),
    ...(schema.items ? [schema.items as Record<string, unknown>] : []),
  ];
  return [...Object.keys(schema), ...nested.flatMap(keywordsOf)];
}

describe('the JSON Schemas in @spa-auth/contract/wire', () => {
  it.each(Object.entries(CLIENT_SCHEMAS))(
    'when %s changes in index.ts, then json-schemas.ts must be generated again (npm run generate)',
    (name, schema) => {
      const generated = (wire as unknown as Record<string, unknown>)[`${name}JsonSchema`];
      expect(generated).toEqual(toClientJsonSchema(schema));
    },
  );

  it.each(Object.keys(CLIENT_SCHEMAS))('when %s is written as JSON Schema, then it uses only keywords the client parser knows', (name) => {
    const generated = (wire as unknown as Record<string, Record<string, unknown>>)[`${name}JsonSchema`] as Record<string, unknown>;
    const keywords = keywordsOf(generated);
    expect(keywords.length).toBeGreaterThan(10);
    expect(keywords.filter((keyword) => !KNOWN.has(keyword))).toEqual([]);
  });
});
