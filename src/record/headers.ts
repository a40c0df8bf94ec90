// The headers a request arrived with, fit to be kept: what Entra sent that can change how the proxy
// or MAS behaves, never a credential. Runs on every request, so it is one pass over a short list.

import { setOwn } from '../scim/json.ts';

/** What a recorded Authorization says instead of the token: the corpus's own placeholder. */
export const BEARER_PLACEHOLDER = 'Bearer <secret-token>';
export const SECRET_PLACEHOLDER = '<secret>';

// Connection details (RFC 9110 §7.6.1) and what the router in front adds: they describe the hop,
// not what the tenant sent, and would only make a replay lie about its own connection.
const DROPPED = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'forwarded',
  'via',
  'x-real-ip',
]);
const SECRET_NAME = /authorization|token|secret|password|api[-_]?key|cookie|session|signature|credential/i;
// A value that carries a credential whatever its header is called: an auth scheme or a JWT.
const SECRET_VALUE = /^\s*(bearer|basic|digest|negotiate|ntlm)\s|eyJ[\w-]+\.[\w-]+\./i;

/** From `req.rawHeaders` (names as sent): secrets replaced by placeholders, connection details left out. */
export function receivedHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const lower = name.toLowerCase();
    if (DROPPED.has(lower) || lower.startsWith('x-forwarded-')) continue;
    // Spelled as the corpus spells it, so corpus tools that set their own Authorization replace it.
    const key = lower === 'authorization' ? 'Authorization' : name;
    const kept =
      lower === 'authorization'
        ? /^\s*bearer\s/i.test(value)
          ? BEARER_PLACEHOLDER
          : SECRET_PLACEHOLDER
        : SECRET_NAME.test(lower) || SECRET_VALUE.test(value)
          ? SECRET_PLACEHOLDER
          : value;
    setOwn(headers, key, Object.hasOwn(headers, key) && kept !== headers[key] ? `${headers[key]}, ${kept}` : kept);
  }
  return headers;
}
