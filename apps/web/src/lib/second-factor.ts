import type { SecondFactor } from '@spa-auth/contract/wire';
import { ApiError } from '@spa-auth/http-client';

/**
 * The second step a sign-in waits for (requirement 17.7): the single-use challenge of the API's
 * `second_factor_required` answer and the proofs the account can give. The page that asked holds it
 * in its state and nowhere else (no storage, no address): a reload loses it, and the password is
 * asked again, which is the right answer after a reload anyway.
 */
export type SignInChallenge = { challenge: string; factors: SecondFactor[] };

/** The challenge in a rejection of login() or resetPassword(), or null when the rejection is anything else. */
export function signInChallengeOf(error: unknown): SignInChallenge | null {
  if (!(error instanceof ApiError) || error.code !== 'second_factor_required' || !error.problem?.challenge) return null;
  return { challenge: error.problem.challenge, factors: error.problem.factors ?? [] };
}
