import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { NotesError } from './errors.ts';

const STATUS_BY_CODE: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * What Node's HTTP parser refuses before Express sees it (a bad byte in a header, broken framing,
 * headers too large) answered as problem+json like every other client mistake, then the
 * connection closed, since its framing can no longer be trusted.
 */
export function answerUnparsableRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] = STATUS_BY_CODE[error.code ?? ''] ?? [400, 'Bad Request'];
    const body = JSON.stringify(new NotesError(status, 'invalid_request', 'The request could not be parsed as HTTP').toProblem());
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
