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
