import { describe, expect, it, vi } from 'vitest';

// The http-client imports only the wire module and must bring no zod into an app's bundle (its
// 4 kB budget): any import of zod from it, direct or not, fails the import below.
vi.mock('zod', () => {
  throw new Error('@spa-auth/contract/wire imported zod');
});
vi.mock('zod/mini', () => {
  throw new Error('@spa-auth/contract/wire imported zod/mini');
});

describe('@spa-auth/contract/wire', () => {
  it('when it is imported, then no zod is loaded with it', async () => {
    const wire = await import('../src/wire.ts');
    expect(wire.ERROR_CODES).toContain('invalid_credentials');
    expect(wire.CSRF_HEADER.name).toBe('X-Requested-With');
  });
});
