import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as the API reads it (requirement 17.1): 30-second steps, and one step of drift either way. */
const STEP_MS = 30_000;

/**
 * The test's authenticator app: the secret the page showed, and the codes it makes from it with
 * otpauth, as a phone would. The API takes a code once, and no code of that step or an earlier
 * one afterwards; so each code handed out is of a step after the last one used. The API and the
 * test run on one machine and read one clock, so which step the API is in is known here: a code
 * of the API's step, or of the next (the drift it allows), is taken now; a later one only once the
 * API's clock reaches the step before it, and that boundary is waited for as computed, never guessed.
 */
export class Authenticator {
  private readonly totp: TOTP;
  private lastStep = Number.NEGATIVE_INFINITY;

  constructor(secret: string) {
    this.totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: STEP_MS / 1000, secret: Secret.fromBase32(secret) });
  }

  /** A code the API accepts when it is sent now: of a step after the last one this app gave out. */
  async nextCode(): Promise<string> {
    const current = Math.floor(Date.now() / STEP_MS);
    const step = Math.max(this.lastStep + 1, current);
    // More than one step ahead of the API: wait until its clock is one step before it.
    const usableFrom = (step - 1) * STEP_MS;
    if (Date.now() < usableFrom) await new Promise((resolve) => setTimeout(resolve, usableFrom - Date.now()));
    this.lastStep = step;
    return this.totp.generate({ timestamp: step * STEP_MS });
  }
}
