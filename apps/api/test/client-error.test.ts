import type http from 'node:http';
import net from 'node:net';
import { ERROR_CODES } from '@spa-auth/contract';
import { answerUnparsableRequests } from '@spa-auth/server-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.ts';
import { createTestApi } from './support.ts';

// What Node's HTTP parser refuses never reaches Express; main.ts's serve() answers it with answerUnparsableRequests.
let server: http.Server;
let port: number;

beforeAll(async () => {
  const api = await createTestApi();
  server = api.app.listen(0, '127.0.0.1');
  answerUnparsableRequests(server, AppError);
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Writes raw bytes on a new connection and reads everything until the server closes it. */
function sendRaw(bytes: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

function parse(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('requests the HTTP parser refuses', () => {
  it.each([
    [
      'a byte above 0x7E in the path',
      Buffer.concat([Buffer.from('GET /api/'), Buffer.from([0xff]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]),
      400,
    ],
    ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n', 400],
    ['a Content-Length that is not a number', 'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n', 400],
    [
      'both Content-Length and chunked',
      'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    ['headers larger than the server takes', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ])('when a request has %s, then problem+json invalid_request with status %#', async (_what, bytes, status) => {
    const answer = parse(await sendRaw(bytes));
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers['cache-control']).toBe('no-store');
    const problem = JSON.parse(answer.body) as { status: number; code: string };
    expect(problem).toMatchObject({ status, code: 'invalid_request' });
    expect(ERROR_CODES).toContain(problem.code);
  });
});
