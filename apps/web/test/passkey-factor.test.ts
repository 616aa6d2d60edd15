import { ApiError } from '@spa-auth/http-client';
import { describe, expect, it } from 'vitest';
import { provePasskeyFactor } from '../src/lib/passkey-factor.ts';

const words = { noPasskey: 'No passkey any more.', otherwise: (error: unknown) => `Other: ${(error as Error).message}` };

describe('a passkey as the second factor', () => {
  it('when the proof goes through, then there is nothing to tell', async () => {
    expect(await provePasskeyFactor(async () => 'signed in', words)).toBeNull();
  });

  it('when the account has no passkey any more, then the caller says so in its own words', async () => {
    const error = new ApiError('second_factor_not_enrolled', 'none');
    expect(
      await provePasskeyFactor(async () => {
        throw error;
      }, words),
    ).toEqual({ error, message: 'No passkey any more.' });
  });

  it('when the browser dialog is closed, then nothing is said, and any other refusal is told as the caller would', async () => {
    const cancelled = Object.assign(new Error('closed'), { name: 'NotAllowedError' });
    expect((await provePasskeyFactor(() => Promise.reject(cancelled), words))?.message).toBeNull();
    const limited = new ApiError('rate_limited', 'Too many tries');
    expect((await provePasskeyFactor(() => Promise.reject(limited), words))?.message).toBe('Other: Too many tries');
  });
});
