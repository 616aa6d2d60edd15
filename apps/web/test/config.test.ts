import { describe, expect, it } from 'vitest';
import { loadWebConfig } from '../src/config.ts';

const PAGE = 'https://app.example.com';

describe('loadWebConfig', () => {
  it('when nothing is set, then the API is http://localhost:3000, no notes service, and demo users show only in development', () => {
    expect(loadWebConfig({}, PAGE)).toEqual({ apiUrl: 'http://localhost:3000', showDemoUsers: false, notesUrl: null, tokenOrigins: [] });
    expect(loadWebConfig({ DEV: true }, PAGE).showDemoUsers).toBe(true);
  });

  it('when VITE_API_URL is an absolute URL or a path, then it is taken without a trailing slash', () => {
    expect(loadWebConfig({ VITE_API_URL: 'https://api.example.com/' }, PAGE).apiUrl).toBe('https://api.example.com');
    expect(loadWebConfig({ VITE_API_URL: '/' }, PAGE).apiUrl).toBe('/');
    expect(loadWebConfig({ VITE_API_URL: '/backend/' }, PAGE).apiUrl).toBe('/backend');
  });

  it.each(['ftp://api.example.com', 'api.example.com', '//api.example.com', 'https://api.example.com/?x=1', 'javascript:alert(1)'])(
    'when VITE_API_URL is %s, then start-up fails naming the variable',
    (value) => {
      expect(() => loadWebConfig({ VITE_API_URL: value }, PAGE)).toThrow(/VITE_API_URL/);
    },
  );

  it('when VITE_NOTES_URL is blank, then there is no notes service and no other token origin', () => {
    expect(loadWebConfig({ VITE_NOTES_URL: '  ' }, PAGE)).toMatchObject({ notesUrl: null, tokenOrigins: [] });
  });

  it('when the notes service has an origin of its own, then that origin, as the URL parser writes it, receives the token', () => {
    const config = loadWebConfig(
      { VITE_API_URL: 'http://localhost:3000', VITE_NOTES_URL: 'HTTP://LocalHost:3002/' },
      'http://localhost:5173',
    );
    expect(config.notesUrl).toBe('http://localhost:3002');
    expect(config.tokenOrigins).toEqual(['http://localhost:3002']);
    expect(loadWebConfig({ VITE_NOTES_URL: 'https://notes.example.com:443/v1/' }, PAGE)).toMatchObject({
      notesUrl: 'https://notes.example.com/v1',
      tokenOrigins: ['https://notes.example.com'],
    });
  });

  it('when the notes service is on the API’s origin, then no other origin receives the token', () => {
    const config = loadWebConfig({ VITE_API_URL: 'https://api.example.com', VITE_NOTES_URL: 'https://api.example.com/notes' }, PAGE);
    expect(config).toMatchObject({ notesUrl: 'https://api.example.com/notes', tokenOrigins: [] });
  });

  it('when the notes service is a path behind the same proxy as the API, then it is on the page’s origin and needs no other token origin', () => {
    const config = loadWebConfig({ VITE_API_URL: '/', VITE_NOTES_URL: '/notes-api/' }, PAGE);
    expect(config).toMatchObject({ notesUrl: 'https://app.example.com/notes-api', tokenOrigins: [] });
  });

  it('when the notes service is a path on the page’s origin but the API is elsewhere, then the page’s origin receives the token', () => {
    const config = loadWebConfig({ VITE_API_URL: 'https://api.example.com', VITE_NOTES_URL: '/notes-api' }, PAGE);
    expect(config).toMatchObject({ notesUrl: 'https://app.example.com/notes-api', tokenOrigins: [PAGE] });
  });

  it.each(['notes.example.com', '//notes.example.com', 'https://notes.example.com/#x', 'ws://notes.example.com'])(
    'when VITE_NOTES_URL is %s, then start-up fails naming the variable',
    (value) => {
      expect(() => loadWebConfig({ VITE_NOTES_URL: value }, PAGE)).toThrow(/VITE_NOTES_URL/);
    },
  );
});
