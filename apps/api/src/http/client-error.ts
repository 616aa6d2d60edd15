import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../errors.ts';

// Node's own answers to what its parser refuses, by the error code it reports.
const STATUS_BY_CODE: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * Requests that Node's HTTP parser refuses before Express ever sees them (a byte it does not allow
 * in the path or a header, broken framing, headers too large) get Node's bare answer without a
 * body. This answers them as every other client mistake is answered: problem+json with a stable
 * code, never cached, then the connection is closed (the stream's framing can no longer be trusted).
 */
export function answerUnparsableRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client already dropped has nobody to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] = STATUS_BY_CODE[error.code ?? ''] ?? [400, 'Bad Request'];
    const problem = new AppError(status, 'invalid_request', 'The request could not be parsed as HTTP').toProblem();
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
