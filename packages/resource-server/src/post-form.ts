import http from 'node:http';
import https from 'node:https';

export type FormAnswer = { status: number; body: unknown };

export type FormPoster = {
  /** POSTs `form` as application/x-www-form-urlencoded and reads the JSON answer (null when it is not JSON). */
  post(url: URL, form: Record<string, string>, headers: Record<string, string>): Promise<FormAnswer>;
};

/**
 * The introspection's HTTP client: node:http(s) with a keep-alive agent rather than fetch, because a
 * busy service asks once per active session every two seconds, and on this path fetch costs about four
 * times the CPU (230 µs against 55 µs per request, measured locally with a server in the same process).
 * No redirect is followed, and a request taking longer than `timeoutMs` fails.
 */
export function createFormPoster(options: { timeoutMs: number }): FormPoster {
  // Free sockets of a keep-alive agent are unref'd by Node: they keep no process alive.
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  return {
    post(url, form, headers) {
      const body = new URLSearchParams(form).toString();
      const transport = url.protocol === 'https:' ? https : http;
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      return new Promise((resolve, reject) => {
        const request = transport.request(
          url,
          {
            method: 'POST',
            agent,
            timeout: options.timeoutMs,
            headers: {
              ...headers,
              Accept: 'application/json',
              'Content-Type': 'application/x-www-form-urlencoded',
              'Content-Length': Buffer.byteLength(body),
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
            });
            response.on('error', reject);
            response.on('end', () => {
              let parsed: unknown = null;
              try {
                parsed = JSON.parse(text);
              } catch {
                // Not JSON: the caller sees null and decides from the status.
              }
              resolve({ status: response.statusCode ?? 0, body: parsed });
            });
          },
        );
        request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        request.on('error', reject);
        request.end(body);
      });
    },
  };
}
