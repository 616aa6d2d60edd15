import { describe, expect, it } from 'vitest';
import { loadWebConfig } from '../src/config.ts';

describe('loadWebConfig', () => {
  it('when VITE_API_URL is unset, then the API is http://localhost:3000 and demo users show only in development', () => {
    expect(loadWebConfig({})).toEqual({ apiUrl: 'http://localhost:3000', showDemoUsers: false });
    expect(loadWebConfig({ DEV: true }).showDemoUsers).toBe(true);
  });

  it('when VITE_API_URL is an absolute URL or a path, then it is taken without a trailing slash', () => {
    expect(loadWebConfig({ VITE_API_URL: 'https://api.example.com/' }).apiUrl).toBe('https://api.example.com');
    expect(loadWebConfig({ VITE_API_URL: '/' }).apiUrl).toBe('/');
    expect(loadWebConfig({ VITE_API_URL: '/backend/' }).apiUrl).toBe('/backend');
  });

  it.each(['ftp://api.example.com', 'api.example.com', '//api.example.com', 'https://api.example.com/?x=1', 'javascript:alert(1)'])(
    'when VITE_API_URL is %s, then start-up fails naming the variable',
    (value) => {
      expect(() => loadWebConfig({ VITE_API_URL: value })).toThrow(/VITE_API_URL/);
    },
  );
});
