// Sends bytes exactly as given over a plain socket, for requests fetch and http.request refuse to
// build or would tidy up: raw dot segments, absolute-form targets, odd Host headers, invalid bytes.
import net from 'node:net';

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything received, for the cases where the server answers outside HTTP's usual shape. */
  raw: Buffer;
}

/**
 * Writes `request` (a string is sent as latin1, byte for byte) and reads one answer: until its body is
 * complete, or until the server closes the connection (status 0 when it closed without answering).
 */
export function sendRaw(baseUrl: string, request: string | Buffer, { timeoutMs = 5000 } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const done = () => {
      socket.destroy();
      resolve(parse(Buffer.concat(chunks)));
    };
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // A server may answer (413, 431) and close before reading everything: a failed write is not a failure.
    socket.on('connect', () =>
      socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request, () => {}),
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (complete(Buffer.concat(chunks))) done();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer was read is the server closing hard; what arrived still counts.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') done();
      else reject(error);
    });
    socket.on('close', done);
  });
}

/** Whether `raw` holds a whole answer (head and the body its head announces). */
function complete(received: Buffer): boolean {
  const raw = finalAnswer(received);
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return false;
  const { status, headers } = parse(raw);
  if (status === 204 || status === 304) return true;
  if (headers['transfer-encoding'] === 'chunked') return raw.subarray(headEnd).includes('\r\n0\r\n\r\n');
  const length = headers['content-length'];
  return length !== undefined && raw.length - headEnd - 4 >= Number(length);
}

/** A request head (and body) with CRLF line ends: `lines` are the request line and the headers. */
export function rawRequest(lines: readonly string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Skips interim answers (100 Continue): the final one is what a test asserts on. */
function finalAnswer(raw: Buffer): Buffer {
  let rest = raw;
  while (/^HTTP\/1\.[01] 1\d\d /.test(rest.subarray(0, 13).toString('latin1'))) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return rest;
    rest = rest.subarray(end + 4);
  }
  return rest;
}

function parse(received: Buffer): RawResponse {
  const raw = finalAnswer(received);
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = (headEnd < 0 ? raw : raw.subarray(0, headEnd)).toString('latin1');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = headEnd < 0 ? Buffer.alloc(0) : raw.subarray(headEnd + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return { status, headers, body: body.toString('utf8'), raw };
}

function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
