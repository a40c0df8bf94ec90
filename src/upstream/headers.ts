// The headers that cross the proxy, by allow-list both ways. Towards MAS only what a SCIM request
// needs beside the proxy's own credentials: a caller's Cookie, apikey or X-Forwarded-For would
// otherwise reach MAS with administrator rights attached. Towards Entra only what a SCIM client
// reads: MAS's cookies, CORS, server banners and internal host names stay behind.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** Content, conditional requests (RFC 7644 §3.14 versioning), the client's name. */
const TO_MAS = [
  'accept',
  'content-type',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'user-agent',
];
/** What a SCIM client reads of an answer; Location is rewritten, the length set from the body sent. */
const TO_ENTRA = ['content-type', 'content-encoding', 'etag', 'last-modified', 'retry-after', 'www-authenticate'];

/** Names a `Connection` header lists: they describe that one connection and never cross (RFC 9110 §7.6.1). */
function connectionNamed(value: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value.join(',') : value).toLowerCase().split(',');
  return new Set(names.map((name) => name.trim()));
}

export interface OutgoingParts {
  /** Set when the proxy did not check the caller's token itself: the caller's Authorization is MAS's to judge. */
  callerAuthorization: boolean;
  requestId: string;
  contentLength: number | undefined;
}

/** The headers of the request to MAS, built afresh from the allow-list; credentials are added per attempt. */
export function headersToMas(incoming: IncomingHttpHeaders, parts: OutgoingParts): IncomingHttpHeaders {
  const dropped = connectionNamed(incoming.connection);
  const headers: IncomingHttpHeaders = {};
  for (const name of TO_MAS) {
    const value = incoming[name];
    if (value !== undefined && !dropped?.has(name)) headers[name] = value;
  }
  if (parts.callerAuthorization && incoming.authorization !== undefined) headers.authorization = incoming.authorization;
  if (parts.contentLength !== undefined) headers['content-length'] = String(parts.contentLength);
  headers['x-request-id'] = parts.requestId;
  return headers;
}

/** Copies MAS's answer headers Entra may see onto `res`; the proxy's own (no-store, nosniff, request id) stay. */
export function copyHeadersToEntra(upstream: IncomingMessage, res: ServerResponse, masUrl: URL): void {
  const dropped = connectionNamed(upstream.headers.connection);
  for (const name of TO_ENTRA) {
    const value = upstream.headers[name];
    if (value !== undefined && !dropped?.has(name)) res.setHeader(name, value);
  }
  const location = upstream.headers.location;
  const rewritten = location === undefined || dropped?.has('location') ? undefined : proxiedLocation(location, masUrl);
  if (rewritten !== undefined) res.setHeader('location', rewritten);
}

/**
 * MAS's Location as the proxy's own: the same path as an absolute-path reference, which the client
 * resolves against the URL it called (RFC 9110 §10.2.2). Undefined for anything else (another host,
 * a path outside SCIM), which is dropped rather than shown to Entra.
 */
export function proxiedLocation(value: string, masUrl: URL): string | undefined {
  let url: URL;
  try {
    url = new URL(value, masUrl);
  } catch {
    return undefined;
  }
  const base = masUrl.pathname.replace(/\/$/, '');
  if (url.origin !== masUrl.origin || !url.pathname.startsWith(`${base}/scim/v2/`)) return undefined;
  return `${url.pathname.slice(base.length)}${url.search}`;
}
