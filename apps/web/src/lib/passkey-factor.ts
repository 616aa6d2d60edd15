import { ApiError } from '@spa-auth/http-client';
import { loadPasskeys } from './passkeys.ts';

type PasskeyCeremonies = Awaited<ReturnType<typeof loadPasskeys>>;

/** How a refused passkey proof is told: the account's passkeys all gone, or any other refusal. */
export type PasskeyFactorWords = { noPasskey: string; otherwise: (error: unknown) => string | null };

/**
 * A passkey used as the second factor (the second step of a sign-in, a re-authentication): the
 * ceremonies' chunk is fetched, `prove` runs them, and a failure comes back with what to tell the
 * user (null when there is nothing to say, such as a cancelled ceremony). Resolves to null once
 * proved; never rejects.
 */
export async function provePasskeyFactor(
  prove: (ceremonies: PasskeyCeremonies) => Promise<unknown>,
  words: PasskeyFactorWords,
): Promise<{ error: unknown; message: string | null } | null> {
  const ceremonies = await loadPasskeys().catch(() => null);
  try {
    if (!ceremonies) throw new ApiError('network_error', 'The passkey code could not be loaded');
    await prove(ceremonies);
    return null;
  } catch (error) {
    const message =
      error instanceof ApiError && error.code === 'second_factor_not_enrolled'
        ? words.noPasskey
        : ceremonies
          ? ceremonies.passkeyProblem(error, (other) => words.otherwise(other) ?? '')
          : words.otherwise(error);
    return { error, message };
  }
}
