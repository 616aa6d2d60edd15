import { expect, it } from 'vitest';
import { measureSize, SIZE_BUDGET_BYTES } from '../scripts/size.ts';

it('when the client is bundled with everything it imports but axios, then it stays within its budget (4,264 B min+gzip) and holds no zod', async () => {
  const { bundled, clientOnly, modules } = await measureSize();
  expect(clientOnly).toBeGreaterThan(1000);
  expect(bundled).toBeGreaterThan(clientOnly);
  expect(bundled).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
  expect(modules).toContain('packages/contract/src/error-codes.ts');
  expect(modules.filter((id) => id.includes('node_modules'))).toEqual([]);
});
