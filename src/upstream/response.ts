// MAS's answer on its way back to Entra: streamed unchanged, or (when a response rule applies to it)
// read, rewritten and re-sent with a matching content-length.
import type { IncomingMessage, ServerResponse } from 'node:http';

// Headers that describe one connection, not the message: they never cross a proxy (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function copyHeaders(from: IncomingMessage, to: ServerResponse, skip: ReadonlySet<string> = HOP_BY_HOP): void {
  for (const [name, value] of Object.entries(from.headers)) {
    if (value !== undefined && !skip.has(name)) to.setHeader(name, value);
  }
}

export function streamResponse(upstream: IncomingMessage, res: ServerResponse): void {
  res.statusCode = upstream.statusCode ?? 502;
  copyHeaders(upstream, res);
  upstream.pipe(res);
}

const LENGTH = new Set([...HOP_BY_HOP, 'content-length']);

/** Reads a JSON answer whole (up to `limitBytes`); undefined when it is not JSON or too large. */
export async function readJson(upstream: IncomingMessage, limitBytes: number): Promise<{ raw: Buffer; json: unknown }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upstream as AsyncIterable<Buffer>) {
    size += chunk.length;
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  if (
    size > limitBytes ||
    !/json/i.test(upstream.headers['content-type'] ?? '') ||
    upstream.headers['content-encoding']
  ) {
    return { raw, json: undefined };
  }
  try {
    return { raw, json: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { raw, json: undefined };
  }
}

export function sendBody(upstream: IncomingMessage, res: ServerResponse, body: Buffer): void {
  res.statusCode = upstream.statusCode ?? 502;
  copyHeaders(upstream, res, LENGTH);
  res.setHeader('content-length', body.length);
  res.end(body);
}
