// What one browser tab does to the API, with plain fetch: it holds the access token in memory and
// the refresh cookie in a one-cookie jar, and it may talk to any instance (or to nginx in front),
// which is how the topology tests pick the instance a request lands on.

import { CSRF_HEADER, REFRESH_COOKIE } from '@spa-auth/contract';

export type Answer = { status: number; code: string | undefined; body: unknown };

const COOKIE_PATTERN = new RegExp(`(?:^|,\\s*)${REFRESH_COOKIE.name}=([^;]*)`);

export class Agent {
  accessToken: string | undefined;
  /** The refresh cookie's value, as the browser's jar would hold it; '' once cleared. */
  refreshCookie: string | undefined;
  readonly email: string;
  readonly password: string;

  constructor(email: string, password = 'correct-horse-battery') {
    this.email = email;
    this.password = password;
  }

  static fresh(label = 'user'): Agent {
    return new Agent(`${label}-${crypto.randomUUID()}@example.com`);
  }

  async register(base: string): Promise<Answer> {
    return this.authPost(base, '/auth/register', { email: this.email, password: this.password, name: 'Topology test' });
  }

  async login(base: string, password = this.password): Promise<Answer> {
    return this.authPost(base, '/auth/login', { email: this.email, password });
  }

  async refresh(base: string): Promise<Answer> {
    return this.authPost(base, '/auth/refresh');
  }

  async logout(base: string): Promise<Answer> {
    return this.authPost(base, '/auth/logout');
  }

  /** GET /api/me with the access token in memory. */
  async me(base: string): Promise<Answer> {
    const response = await fetch(`${base}/api/me`, {
      headers: this.accessToken ? { Authorization: `Bearer ${this.accessToken}` } : {},
      signal: AbortSignal.timeout(15_000),
    });
    return read(response);
  }

  private async authPost(base: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { [CSRF_HEADER.name]: CSRF_HEADER.value };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.refreshCookie) headers.Cookie = `${REFRESH_COOKIE.name}=${this.refreshCookie}`;
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const cookie = response.headers.get('set-cookie')?.match(COOKIE_PATTERN);
    if (cookie) this.refreshCookie = cookie[1];
    const answer = await read(response);
    const token = (answer.body as { accessToken?: unknown } | undefined)?.accessToken;
    if (response.ok && typeof token === 'string') this.accessToken = token;
    return answer;
  }
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  const code = (body as { code?: unknown } | undefined)?.code;
  return { status: response.status, code: typeof code === 'string' ? code : undefined, body };
}
