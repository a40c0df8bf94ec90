// MAS's answer on its way back to Entra. It is read whole before anything is sent (SCIM answers are
// small), so a connection MAS cuts mid-answer becomes a clean SCIM error instead of half a body, and
// response rules can rewrite it. Only an answer larger than the limit is streamed, as it comes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { copyHeadersToEntra } from './headers.ts';

/** An answer too large to hold: what was read, then the rest as it arrives. A cut now can only cut Entra too. */
export function streamRest(upstream: IncomingMessage, res: ServerResponse, head: readonly Buffer[], masUrl: URL): void {
  res.statusCode = upstream.statusCode ?? 502;
  copyHeadersToEntra(upstream, res, masUrl);
  const length = upstream.headers['content-length'];
  if (length !== undefined) res.setHeader('content-length', length);
  for (const chunk of head) res.write(chunk);
  upstream.on('error', () => res.destroy());
  upstream.pipe(res);
  upstream.resume();
}

export function sendBody(upstream: IncomingMessage, res: ServerResponse, body: Buffer, masUrl: URL): void {
  res.statusCode = upstream.statusCode ?? 502;
  copyHeadersToEntra(upstream, res, masUrl);
  const type = upstream.headers['content-type'];
  if (type !== undefined && body.length > 0) res.setHeader('content-type', scimContentType(type));
  res.setHeader('content-length', body.length);
  res.end(body);
}

/** The answer as JSON, or undefined when it is not plain JSON. */
export function jsonOf(upstream: IncomingMessage, raw: Buffer): unknown {
  if (!/json/i.test(upstream.headers['content-type'] ?? '') || upstream.headers['content-encoding']) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * RFC 7644 §3.1: SCIM answers are `application/scim+json`, and Microsoft's SCIM Validator flags any
 * other type. A MAS answering plain `application/json` is relabelled; the body is the same JSON.
 */
export function scimContentType(type: string): string {
  return type.replace(/^\s*application\/json(?=\s*(;|$))/i, 'application/scim+json');
}
