// Requests Node's HTTP parser rejects before any middleware runs (oversized headers, malformed
// request lines, conflicting lengths) still get a SCIM error body rather than a bare status line.
import type { Duplex } from 'node:stream';
import { scimErrorBody } from '../scim/error.ts';
import { API_HEADERS } from './api-headers.ts';
import { lingeringClose } from './linger.ts';

const ANSWERS = new Map<string, { status: number; reason: string; detail: string }>([
  [
    'HPE_HEADER_OVERFLOW',
    {
      status: 431,
      reason: 'Request Header Fields Too Large',
      detail: 'The request line and headers are larger than scim-proxy accepts (16 KiB); send smaller headers.',
    },
  ],
]);
// Node's own codes when HEADERS_TIMEOUT_MS or REQUEST_TIMEOUT_MS run out.
const TIMEOUT = {
  status: 408,
  reason: 'Request Timeout',
  detail:
    'The request did not arrive within HEADERS_TIMEOUT_MS (headers) or REQUEST_TIMEOUT_MS (the whole request); send it again, at once.',
};
ANSWERS.set('ERR_HTTP_REQUEST_TIMEOUT', TIMEOUT)
  .set('HPE_HEADERS_TIMEOUT', TIMEOUT)
  .set('HPE_REQUEST_TIMEOUT', TIMEOUT);
const MALFORMED = {
  status: 400,
  reason: 'Bad Request',
  detail: 'The request is not well-formed HTTP/1.1 (request line, headers or framing); fix the client.',
};

/** For `server.on('clientError', clientError())`. */
export function clientError(): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  // Node's parser reports every later chunk of a refused connection again: it has its answer and is
  // lingering, and must not be reset for it.
  const answered = new WeakSet<Duplex>();
  return function clientError(error, socket) {
    if (answered.has(socket)) return;
    // A connection reset mid-request has nobody left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, detail } = ANSWERS.get(error.code ?? '') ?? MALFORMED;
    const body = JSON.stringify(scimErrorBody(status, detail));
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'content-type: application/scim+json; charset=utf-8\r\n' +
        Object.entries(API_HEADERS)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('') +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    // The client may still be sending (the rest of its headers, a body): let it read the answer.
    answered.add(socket);
    lingeringClose(socket);
  };
}
