import type { ERROR_CODES } from './error-codes.ts';
import type { SecondFactor } from './second-factor.ts';

/**
 * The shapes a browser client sends and reads, written out as plain types so that a client which
 * does not validate with zod (the http-client) needs no zod for its types either. index.ts holds the
 * zod schemas and fails the build if any of these stops matching what its schema infers.
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

export type Role = 'user' | 'admin';

export type User = { id: string; email: string; name: string; role: Role };

/** The body of every successful login, register and refresh. */
export type SessionResponse = { accessToken: string; tokenType: 'Bearer'; expiresIn: number; user: User };

/** RFC 9457 problem details, with the project's `code` and, for validation, `errors`. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: { path: string; message: string }[] | undefined;
  /** `second_factor_required` at sign-in: the single-use challenge the second step sends back. */
  challenge?: string | undefined;
  /** `second_factor_required`: the proofs the account can give (`totp`, `recovery_code`, `passkey`). */
  factors?: SecondFactor[] | undefined;
};

export type RegisterRequest = { email: string; password: string; name: string };
export type LoginRequest = { email: string; password: string };
export type PasswordResetConfirmRequest = { token: string; newPassword: string };
