// Lingering close (as nginx does it): a client still sending when the proxy refuses its request
// early (413, 431) has the answer in its receive buffer when the proxy closes. Closing a socket with
// unread data sends a reset, and a reset makes the client's system drop what it had not read yet:
// Node's own client then sees EPIPE or ECONNRESET instead of the answer. So after the answer the
// proxy half-closes, reads and discards the rest for a bounded time and size, and only then closes.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';

export interface LingerBounds {
  /** How long the rest of the request is read before the connection is closed anyway. */
  maxMs: number;
  /** How much of it is read before the connection is closed anyway. */
  maxBytes: number;
}

export const LINGER_BOUNDS: LingerBounds = Object.freeze({ maxMs: 5_000, maxBytes: 64 * 1024 * 1024 });

/**
 * Half-closes `socket` (after what was written) and discards what still comes, within `bounds`, then
 * closes. `request`, when the HTTP parser still owns the socket, is where the rest arrives.
 */
export function lingeringClose(socket: Duplex, bounds: LingerBounds = LINGER_BOUNDS, request?: Readable): void {
  let read = 0;
  const close = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, bounds.maxMs);
  timer.unref();
  const discard = (chunk: Buffer) => {
    read += chunk.length;
    if (read > bounds.maxBytes) close();
  };
  for (const source of request ? [socket, request] : [socket]) {
    source.on('data', discard);
    source.resume();
  }
  socket.once('end', close);
  socket.once('close', () => clearTimeout(timer));
  socket.once('error', close);
  if (socket.writable) socket.end();
}

/**
 * For an answer after which the HTTP server closes the connection itself (`connection: close`):
 * Node's server ends a finished exchange's socket with `destroySoon`, which resets it while the
 * client is still sending. This request's socket lingers instead.
 */
export function lingerAfterAnswer(request: IncomingMessage, bounds = LINGER_BOUNDS): void {
  const socket = request.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = () => lingeringClose(socket, bounds, request);
}
