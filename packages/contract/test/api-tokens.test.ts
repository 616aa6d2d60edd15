import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { API_TOKEN_PATTERN, apiTokenChecksum, base62, crc32OfAscii, isWellFormedApiToken } from '../src/wire.ts';

describe('the API token format', () => {
  it('computes CRC32 as zlib does, for the standard check value and for random ASCII text', () => {
    expect(crc32OfAscii('123456789')).toBe(0xcbf43926);
    expect(crc32OfAscii('')).toBe(0);
    for (let i = 0; i < 200; i += 1) {
      const text = randomBytes(1 + (i % 64)).toString('base64');
      expect(crc32OfAscii(text)).toBe(zlibCrc32(Buffer.from(text, 'ascii')));
    }
  });

  it('writes base 62 with 0-9A-Za-z, most significant digit first, zero-padded', () => {
    expect(base62(0, 6)).toBe('000000');
    expect(base62(61, 6)).toBe('00000z');
    expect(base62(62, 6)).toBe('000010');
    expect(base62(36, 6)).toBe('00000a');
    expect(base62(2 ** 32 - 1, 6)).toBe('4gfFC3');
  });

  it('accepts a whole token whose checksum matches, and nothing around or short of it', () => {
    const random = 'A'.repeat(43);
    const token = `spa_pat_${random}${apiTokenChecksum(random)}`;
    expect(token).toMatch(API_TOKEN_PATTERN);
    expect(isWellFormedApiToken(token)).toBe(true);
    expect(isWellFormedApiToken(` ${token}`)).toBe(false);
    expect(isWellFormedApiToken(`${token}\n`)).toBe(false);
    expect(isWellFormedApiToken(token.slice(0, -1))).toBe(false);
    expect(isWellFormedApiToken(`spa_pat_${'B'.repeat(43)}${apiTokenChecksum(random)}`)).toBe(false);
  });
});
