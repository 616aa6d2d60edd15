import { expect, it } from 'vitest';
import { measureSize, SIZE_BUDGET_BYTES } from '../scripts/size.ts';

it('when the client is bundled without its peers axios and zod, then it stays within 4 kB min+gzip', async () => {
  const { withSchemas, clientOnly } = await measureSize();
  expect(clientOnly).toBeGreaterThan(1000);
  expect(withSchemas).toBeGreaterThan(clientOnly);
  expect(withSchemas).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
});
