import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loginPath, safeReturnTo } from '../src/lib/return-to.ts';

const here = (pathname: string, search = '', hash = '') => ({ pathname, search, hash });

describe('safeReturnTo', () => {
  it.each(['/sessions', '/sessions?x=1#h', '/admin', '/'])('when returnTo is the same-origin path %j, then it is kept as is', (value) => {
    expect(safeReturnTo(value)).toBe(value);
  });

  it.each([
    ['nothing', null],
    ['undefined', undefined],
    ['an empty string', ''],
    ['an absolute URL', 'https://evil.example'],
    ['an absolute URL with a path', 'https://evil.example/sessions'],
    ['a protocol-relative URL', '//evil.example'],
    ['a backslash read as a slash', '/\\evil.example'],
    ['a backslash after a slash pair', '/\\/evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a leading tab before //', '\t//evil'],
    ['a tab the browser would drop', '/\t/evil.example'],
    ['a newline the browser would drop', '/\n/evil.example'],
    ['a NUL character', '/sessions\u0000'],
    ['a DEL character', '/sessions\u007f'],
    ['a relative path', 'sessions'],
    ['the login page (a loop)', '/login'],
    ['the login page with its own returnTo', '/login?returnTo=%2Fsessions'],
    ['the register page (a loop)', '/register'],
    ['the login page behind a trailing slash', '/login/'],
    ['the login page percent-encoded (the router decodes it)', '/%6Cogin'],
    ['a dot segment before a slash pair', '/.//evil.example/'],
    ['a parent segment before a slash pair', '/x/..//evil.example'],
    ['an encoded dot segment before a slash pair', '/%2e//evil.example'],
    ['an encoded slash pair', '/%2F%2Fevil.example'],
    ['a double-encoded slash pair', '/%252F%252Fevil.example'],
  ])('when returnTo is %s, then it yields /', (_label, value) => {
    expect(safeReturnTo(value)).toBe('/');
  });

  it('when the backslash is percent-encoded, then the result still stays on this origin', () => {
    const result = safeReturnTo('/%5Cevil');
    const origin = 'https://app.example';
    expect(new URL(result, origin).origin).toBe(origin);
    expect(result.startsWith('//')).toBe(false);
  });
});

const ORIGIN = 'https://app.example';
const SINGLE_LEADING_SLASH = /^\/(?![/\\])/;

/** The result is somewhere on this origin: what a browser and the router will make of it. */
function expectPathOnThisOrigin(result: string) {
  expect(result).toMatch(SINGLE_LEADING_SLASH);
  expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
}

// Every way of spelling "another host" we know of, combined: the parser, the browser and the router
// each read one of them differently from a plain string check.
const dotSegments = fc.constantFrom('', '/.', '/./.', '/x/..', '/x/y/../..', '/%2e', '/%2E', '/.%2e/..', '/%2e%2e', '/x/%2e%2e');
const slashPair = fc.constantFrom(
  '//',
  '/\\',
  '\\\\',
  '\\/',
  '///',
  '/%2f',
  '/%2F',
  '%2f%2f',
  '/%5c',
  '/%5C',
  '/%252f',
  '/%255c',
  '/%25252f',
  '/\t/',
  '/\n/',
  '/\r/',
  '\t//',
  '/%09/',
);
const host = fc.constantFrom('evil.example', 'evil.example:443', 'user@evil.example', 'app.example@evil.example', '0x7f.1', '[::1]');
const rest = fc.constantFrom('', '/', '/sessions', '?next=/', '#/sessions', '/.');
const scheme = fc.constantFrom('javascript:', 'JavaScript:', 'data:', 'http:', 'https:', 'HTTP:', ' javascript:', 'java\tscript:', 'ftp:');
const schemeTarget = fc.constantFrom(
  'alert(1)',
  '//evil.example',
  'evil.example',
  'text/html,<script>alert(1)</script>',
  '/\\evil.example',
);

const offOrigin = fc.oneof(
  fc.tuple(dotSegments, slashPair, host, rest).map((parts) => parts.join('')),
  fc.tuple(scheme, schemeTarget).map((parts) => parts.join('')),
  fc.tuple(scheme, host, rest).map(([s, h, r]) => `${s}//${h}${r}`),
);
// Any jumble of the same pieces and plain characters: whatever comes in, a path on this origin comes out.
const piece = fc.oneof(
  dotSegments,
  slashPair,
  host,
  rest,
  scheme,
  schemeTarget,
  fc.constantFrom('/', '.', '..', '\\', '%', '%2', '%25', '@', ':', '?', '#', '\u0000', '\u007f', 'login', 'sessions'),
  fc.string({ maxLength: 4 }),
);
const anything = fc.oneof(
  fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string(),
  fc.webUrl(),
);
const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/).filter((s) => s !== 'login' && s !== 'register');
const ownPath = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.option(segment, { nil: undefined }), fc.option(segment, { nil: undefined }))
  .map(([segments, query, fragment]) => `/${segments.join('/')}${query ? `?q=${query}` : ''}${fragment ? `#${fragment}` : ''}`);

describe('safeReturnTo, for every input', () => {
  it('when any value comes in, then the result is a path on this origin', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expectPathOnThisOrigin(safeReturnTo(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('when the value points at another host or scheme however it is spelt, then it falls back to the dashboard', () => {
    fc.assert(
      fc.property(offOrigin, (value) => {
        expect(safeReturnTo(value)).toBe('/');
      }),
      { numRuns: 2_000 },
    );
  });

  it("when the value is one of this app's own paths, then it is kept as is", () => {
    fc.assert(
      fc.property(ownPath, (value) => {
        expect(safeReturnTo(value)).toBe(value);
      }),
    );
  });
});

describe('loginPath', () => {
  it('when the user is on a protected page, then it builds /login?returnTo=<that page, encoded>', () => {
    expect(loginPath(here('/sessions'))).toBe('/login?returnTo=%2Fsessions');
    expect(loginPath(here('/sessions', '?x=1', '#h'))).toBe('/login?returnTo=%2Fsessions%3Fx%3D1%23h');
  });

  it('when the user is on the dashboard, then returnTo is /', () => {
    expect(loginPath(here('/'))).toBe('/login?returnTo=%2F');
  });

  it('when the user is on the login or register page, then it is plain /login', () => {
    expect(loginPath(here('/login'))).toBe('/login');
    expect(loginPath(here('/login', '?returnTo=%2Fsessions'))).toBe('/login');
    expect(loginPath(here('/register'))).toBe('/login');
  });

  it('when the round trip is made, then the returnTo read back is the page the user was on', () => {
    const target = new URL(loginPath(here('/settings', '?tab=password', '#new')), 'https://app.example').searchParams.get('returnTo');
    expect(safeReturnTo(target)).toBe('/settings?tab=password#new');
  });
});
