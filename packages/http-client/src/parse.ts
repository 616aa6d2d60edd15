import type { Problem, SessionResponse, User } from '@spa-auth/contract/wire';
import { ERROR_CODES, SECOND_FACTORS } from '@spa-auth/contract/wire';

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
// zod's z.number() refuses NaN and the infinities too.
const isNumber = (value: unknown): value is number => Number.isFinite(value);

function userOf(value: unknown): User | undefined {
  if (!isFields(value)) return undefined;
  const { id, email, name, role } = value;
  if (!isString(id) || !isString(email) || !isString(name) || (role !== 'user' && role !== 'admin')) return undefined;
  return { id, email, name, role };
}

/**
 * A login, register or refresh body as the contract's `SessionResponse`, with only the fields it
 * names (as zod's z.object gives it), or undefined when the body is not one.
 *
 * Why plain checks: the client's budget is about 4 kB min+gzip and it reads only two small shapes. The
 * whole client, measured as `npm run size` does: 3,414 B with these two functions (29 lines of code);
 * 3,649 B with the JSON Schemas generated from zod and an interpreter for them (145 lines with the
 * generator and its test); 4,795 B with valibot, over budget; 9,415 B with zod/mini. The contract's zod
 * schemas stay the one definition: the types come from them, and a test holds both functions to
 * zod's answers on about 150 variants of each body.
 *
 * @example
 * ```ts
 * const session = sessionResponseOf(response.data);
 * if (!session) throw new ApiError('unexpected_response', 'Not a session');
 * ```
 */
export function sessionResponseOf(body: unknown): SessionResponse | undefined {
  if (!isFields(body)) return undefined;
  const { accessToken, tokenType, expiresIn } = body;
  const user = userOf(body.user);
  if (!isString(accessToken) || tokenType !== 'Bearer' || !isNumber(expiresIn) || !user) return undefined;
  return { accessToken, tokenType, expiresIn, user };
}

/**
 * An error body as the contract's RFC 9457 `Problem`, with the members it names: the standard ones,
 * `errors` of `validation_failed`, and the extension members `challenge` and `factors` of
 * `second_factor_required`, which the second step of a sign-in needs. Undefined when the body is
 * not one (a proxy's HTML page, an unknown `code`, a member of the wrong shape).
 *
 * @example
 * ```ts
 * const problem = problemOf(error.response?.data);
 * if (problem?.code === 'validation_failed') showErrors(problem.errors);
 * if (problem?.code === 'second_factor_required') askForCode(problem.challenge, problem.factors);
 * ```
 */
export function problemOf(body: unknown): Problem | undefined {
  if (!isFields(body)) return undefined;
  const { type, title, status, detail, code, errors, challenge, factors } = body;
  if (!isString(type) || !isString(title) || !isNumber(status) || !isString(detail)) return undefined;
  if (!ERROR_CODES.includes(code as Problem['code'])) return undefined;
  const problem: Problem = { type, title, status, detail, code: code as Problem['code'] };
  // An optional member is absent or of its shape: one of another shape makes the body no problem, as zod decides.
  if (errors !== undefined) {
    if (!Array.isArray(errors) || !errors.every((e) => isFields(e) && isString(e.path) && isString(e.message))) return undefined;
    problem.errors = errors.map(({ path, message }) => ({ path, message }));
  }
  if (challenge !== undefined) {
    if (!isString(challenge)) return undefined;
    problem.challenge = challenge;
  }
  if (factors !== undefined) {
    if (!Array.isArray(factors) || !factors.every((factor) => SECOND_FACTORS.includes(factor))) return undefined;
    problem.factors = [...factors];
  }
  return problem;
}
