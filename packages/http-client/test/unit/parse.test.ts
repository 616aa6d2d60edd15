import { Problem, SessionResponse } from '@spa-auth/contract';
import { describe, expect, it } from 'vitest';
import { problemOf, sessionResponseOf } from '../../src/parse.ts';

type Json = Record<string, unknown>;

const SESSION = {
  accessToken: 'eyJ.a.b',
  tokenType: 'Bearer',
  expiresIn: 900,
  user: { id: 'u1', email: 'ada@example.com', name: 'Ada', role: 'admin' },
};
const PROBLEM = {
  type: 'urn:spa-auth:problem:validation_failed',
  title: 'Bad Request',
  status: 400,
  detail: 'The request body is invalid',
  code: 'validation_failed',
  errors: [{ path: 'email', message: 'must be a valid email address' }],
};
/** The first step of a sign-in with a second factor: the extension members the second step needs. */
const SECOND_FACTOR_PROBLEM = {
  type: 'urn:spa-auth:problem:second_factor_required',
  title: 'Unauthorized',
  status: 401,
  detail: 'Enter a code of your authenticator app to finish signing in',
  code: 'second_factor_required',
  challenge: 'q2Xz8Yp0e3bQ1uT9r4LkWm7vN6sA5dF0gH2jK8lPz3c',
  factors: ['totp', 'recovery_code'],
};

// Values a field can take that a broken or hostile API might send.
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  1.5,
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'x',
  'Bearer',
  'bearer',
  'admin',
  'root',
  'not_found',
  'totp',
  'passkey',
  true,
  false,
  [],
  [{}],
  {},
  { path: 'a', message: 'b' },
];

/** The valid value, and variants of it: every field removed, set to each odd value, and an unknown field added at every level. */
function variantsOf(valid: unknown): unknown[] {
  if (Array.isArray(valid)) {
    return [
      valid,
      ...valid.flatMap((item, i) =>
        variantsOf(item)
          .slice(1)
          .map((variant) => valid.map((other, j) => (i === j ? variant : other))),
      ),
    ];
  }
  if (typeof valid !== 'object' || valid === null) return [valid, ...ODD_VALUES];
  const object = valid as Json;
  const variants: unknown[] = [object, { ...object, extra: 'ignored' }];
  for (const key of Object.keys(object)) {
    const { [key]: _removed, ...without } = object;
    variants.push(without);
    for (const variant of variantsOf(object[key]).slice(1)) variants.push({ ...object, [key]: variant });
  }
  return variants;
}

const CASES: [string, (body: unknown) => unknown, { safeParse(value: unknown): { success: boolean; data?: unknown } }, unknown][] = [
  ['SessionResponse', sessionResponseOf, SessionResponse, SESSION],
  ['Problem', problemOf, Problem, PROBLEM],
  ['Problem with a challenge', problemOf, Problem, SECOND_FACTOR_PROBLEM],
];

describe("the response checks against the contract's zod schemas", () => {
  it.each(CASES)(
    'when %s variants are checked, then each is accepted or refused exactly as zod does, with the same fields',
    (_name, check, zod, valid) => {
      const variants = [...variantsOf(valid), null, undefined, 'text', 42, [valid]];
      let accepted = 0;
      for (const variant of variants) {
        const expected = zod.safeParse(variant);
        const parsed = check(variant);
        expect({ variant, parsed }).toEqual({ variant, parsed: expected.success ? expected.data : undefined });
        if (parsed !== undefined) accepted += 1;
      }
      // The corpus must exercise both answers, or agreement would prove nothing.
      expect(variants.length).toBeGreaterThan(100);
      expect(accepted).toBeGreaterThan(3);
      expect(variants.length - accepted).toBeGreaterThan(50);
    },
  );

  it('when a valid body has fields the contract does not name, then they are dropped, at every level', () => {
    const problem = problemOf({ ...PROBLEM, stack: 'secret', errors: [{ path: 'email', message: 'm', hint: 'x' }] });
    expect(problem).toStrictEqual({ ...PROBLEM, errors: [{ path: 'email', message: 'm' }] });
    const session = sessionResponseOf({ ...SESSION, refreshToken: 'secret', user: { ...SESSION.user, passwordHash: 'x' } });
    expect(session).toStrictEqual(SESSION);
  });

  it('when a problem carries the challenge and factors of second_factor_required, then they are kept, and other members are not', () => {
    const problem = problemOf({ ...SECOND_FACTOR_PROBLEM, instance: '/auth/login', hint: 'x' });
    expect(problem).toStrictEqual(SECOND_FACTOR_PROBLEM);
    expect(problem?.factors).not.toBe(SECOND_FACTOR_PROBLEM.factors);
  });

  it('when a problem has no errors, then none are added', () => {
    const { errors: _errors, ...withoutErrors } = PROBLEM;
    expect(problemOf(withoutErrors)).toStrictEqual(withoutErrors);
  });
});
