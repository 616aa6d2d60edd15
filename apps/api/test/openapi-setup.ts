import { afterAll } from 'vitest';
import { takeResponseViolations } from './openapi-responses.ts';

// Every response of the file's test apps was checked against the OpenAPI document as it was sent;
// a file whose apps answered anything the document does not say fails here, naming each.
afterAll(() => {
  const violations = takeResponseViolations();
  if (violations.length === 0) return;
  const distinct = [...new Set(violations)];
  throw new Error(
    `${violations.length} responses differ from the OpenAPI document (packages/contract/src/openapi.ts):\n${distinct.slice(0, 30).join('\n')}`,
  );
});
