import { describe, expect, it } from 'vitest';
import { generateApiToken } from '../../api/src/api-tokens/format.ts';
import { requiredScopeOf, retryAfterSeconds } from '../src/api-client.ts';
import { isCleartextBeyondThisMachine } from '../src/cli.ts';
import { formatFields, formatTable, formatTime } from '../src/output.ts';
import { isWellFormedApiToken } from '../src/token.ts';

describe('the token format check', () => {
  it("accepts every token the API's own generator makes", () => {
    for (let i = 0; i < 500; i++) {
      const { secret } = generateApiToken();
      expect(isWellFormedApiToken(secret), secret).toBe(true);
    }
  });

  it('refuses any one character of the random part or checksum changed, and any token cut short', () => {
    const { secret } = generateApiToken();
    for (let position = 'spa_pat_'.length; position < secret.length; position++) {
      const original = secret.charAt(position);
      const replacement = original === 'A' ? 'B' : 'A';
      expect(isWellFormedApiToken(secret.slice(0, position) + replacement + secret.slice(position + 1))).toBe(false);
      expect(isWellFormedApiToken(secret.slice(0, position))).toBe(false);
    }
    expect(isWellFormedApiToken(` ${secret}`)).toBe(false);
    expect(isWellFormedApiToken(`${secret}\n`)).toBe(false);
  });
});

describe('reading the API', () => {
  it('reads Retry-After as seconds or as an HTTP date, and nothing from anything else', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds(' 0 ', now)).toBe(0);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 12:00:09 GMT', now)).toBe(9);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 11:59:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds('-5', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it("takes the scope from a Bearer challenge's scope parameter, not from the error's name", () => {
    expect(
      requiredScopeOf('Bearer realm="spa-auth", error="insufficient_scope", error_description="Needs more", scope="sessions:write"'),
    ).toBe('sessions:write');
    expect(requiredScopeOf('Bearer realm="spa-auth", error="insufficient_scope"')).toBeUndefined();
    expect(requiredScopeOf(null)).toBeUndefined();
  });

  it('warns about a token sent over http:// only beyond this machine', () => {
    expect(isCleartextBeyondThisMachine(new URL('http://api.example.com'))).toBe(true);
    expect(isCleartextBeyondThisMachine(new URL('http://127.evil.example'))).toBe(true);
    expect(isCleartextBeyondThisMachine(new URL('https://api.example.com'))).toBe(false);
    expect(isCleartextBeyondThisMachine(new URL('http://localhost:3000'))).toBe(false);
    expect(isCleartextBeyondThisMachine(new URL('http://127.0.0.1:3000'))).toBe(false);
    expect(isCleartextBeyondThisMachine(new URL('http://[::1]:3000'))).toBe(false);
  });
});

describe('text for people', () => {
  it('aligns columns to their widest cell, with no trailing spaces', () => {
    expect(
      formatTable(
        ['ID', 'NAME'],
        [
          ['1', 'Ada'],
          ['1234', ''],
        ],
      ),
    ).toBe('ID    NAME\n1     Ada\n1234\n');
    expect(
      formatFields([
        ['Name', 'Ada'],
        ['Verified', 'yes'],
      ]),
    ).toBe('Name      Ada\nVerified  yes\n');
  });

  it('shows times in UTC to the minute', () => {
    expect(formatTime('2026-03-04T05:06:07.890Z')).toBe('2026-03-04 05:06 UTC');
    expect(formatTime('2026-03-04T07:06:07+02:00')).toBe('2026-03-04 05:06 UTC');
    expect(formatTime(null)).toBe('-');
    expect(formatTime('not a time')).toBe('not a time');
  });
});
