// POST /oauth2/token: the client-credentials grant (RFC 6749 §4.4) for Entra's OAuth option. The
// client secret travels only here; SCIM requests carry the short-lived access token it buys. Answered
// locally, never forwarded, and outside the exchange path: no audit record or recording of it exists.
import type { IncomingMessage } from 'node:http';
import { type Request, type Response, Router } from 'express';
import type { Logger } from 'winston';
import { sourceAddress } from '../http/source-address.ts';
import type { AccessTokens } from './access-tokens.ts';
import type { OAuthClient } from './client.ts';
import type { Lockout } from './lockout.ts';

export const TOKEN_PATH = '/oauth2/token';
/** A client-credentials request is a few hundred bytes; anything far larger is not one. */
export const TOKEN_BODY_LIMIT_BYTES = 8 * 1024;

/** How a token request ended; also the metric's result label. */
export const TOKEN_RESULTS = [
  'issued',
  'invalid_request',
  'invalid_client',
  'unsupported_grant_type',
  'invalid_scope',
  'locked_out',
] as const;
export type TokenResult = (typeof TOKEN_RESULTS)[number];

export interface TokenEndpointOptions {
  client: OAuthClient;
  tokens: AccessTokens;
  /** Failed client authentications per source address, and per client id. */
  lockouts: { source: Lockout; client: Lockout };
  trustedProxyHops: number;
  logger: Logger;
  onResult?: (result: TokenResult) => void;
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;
// RFC 6749 §3.3: scope tokens are printable ASCII but space, " and \.
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

class OAuthError extends Error {
  readonly status: number;
  readonly error: Exclude<TokenResult, 'issued'>;
  readonly headers: Record<string, string>;
  constructor(status: number, error: OAuthError['error'], description: string, headers: Record<string, string> = {}) {
    super(description);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);

export function tokenEndpoint(options: TokenEndpointOptions): Router {
  const router = Router();
  router.all(TOKEN_PATH, async function tokenEndpoint(req, res) {
    const source = sourceAddress(req, options.trustedProxyHops);
    try {
      const answer = await grant(req, source, options);
      options.onResult?.('issued');
      send(res, 200, answer);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      options.onResult?.(error.error);
      res.set(error.headers);
      send(res, error.status, { error: error.error, error_description: error.message });
    }
  });
  return router;
}

async function grant(req: Request, source: string, options: TokenEndpointOptions): Promise<Record<string, unknown>> {
  const { client, lockouts, logger } = options;
  if (req.method !== 'POST') {
    throw new OAuthError(
      405,
      'invalid_request',
      `The token endpoint takes POST only, not ${req.method.slice(0, 20)}.`,
      {
        allow: 'POST',
      },
    );
  }
  if (req.originalUrl.includes('?')) {
    throw invalidRequest(
      'The token endpoint takes no query: parameters in a URL end up in logs. Send them in an application/x-www-form-urlencoded body.',
    );
  }
  const sourceWait = lockouts.source.retryAfterMs(source);
  if (sourceWait > 0) throw lockedOut(sourceWait, 'this source address');
  if (!FORM.test(req.get('content-type') ?? '')) {
    throw invalidRequest(
      `The body must be application/x-www-form-urlencoded (RFC 6749 §4.4.2), not ${(req.get('content-type') ?? 'missing').slice(0, 60)}.`,
    );
  }
  const params = singleParameters(await readBody(req));
  const credentials = clientCredentials(req, params);
  const clientWait = lockouts.client.retryAfterMs(credentials.id);
  if (clientWait > 0) throw lockedOut(clientWait, 'this client id');
  const { raw } = credentials;
  let check = client.check(credentials.id, credentials.secret);
  if (check !== 'ok' && raw) check = client.check(raw.id, raw.secret) === 'ok' ? 'ok' : check;
  if (check !== 'ok') {
    lockouts.source.fail(source);
    // Only the configured id is counted: any other id is the caller's invention, and would fill memory.
    if (check === 'wrong_secret') lockouts.client.fail(client.id);
    logger.warn('token endpoint refused a client authentication', { reason: check, source, style: credentials.style });
    throw new OAuthError(
      401,
      'invalid_client',
      'Client authentication failed: the client id or secret is not the one configured (OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET).',
      { 'www-authenticate': 'Basic realm="scim-proxy", charset="UTF-8"' },
    );
  }
  const grantType = params.get('grant_type');
  if (grantType === undefined) throw invalidRequest('grant_type is missing; send grant_type=client_credentials.');
  if (grantType !== 'client_credentials') {
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      `grant_type ${grantType.slice(0, 40)} is not supported; scim-proxy issues tokens for client_credentials only.`,
    );
  }
  const scope = params.get('scope');
  if (scope !== undefined && (scope.length > 1000 || !SCOPE.test(scope))) {
    throw new OAuthError(400, 'invalid_scope', 'scope must be space-separated printable ASCII tokens (RFC 6749 §3.3).');
  }
  const issued = await options.tokens.issue(client.id, scope);
  logger.info('access token issued', {
    clientId: client.id,
    source,
    style: credentials.style,
    expiresIn: issued.expiresIn,
  });
  return {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    ...(scope !== undefined && { scope }),
  };
}

function lockedOut(waitMs: number, what: string): OAuthError {
  const seconds = Math.ceil(waitMs / 1000);
  return new OAuthError(
    429,
    'locked_out',
    `Too many failed client authentications from ${what}; try again in ${seconds} s.`,
    { 'retry-after': String(seconds) },
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = () =>
    new OAuthError(
      413,
      'invalid_request',
      `The body is larger than ${TOKEN_BODY_LIMIT_BYTES} bytes; a token request is far smaller.`,
      // The rest is never read: the connection cannot carry another request after it.
      { connection: 'close' },
    );
  if (Number(req.headers['content-length'] ?? 0) > TOKEN_BODY_LIMIT_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > TOKEN_BODY_LIMIT_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw invalidRequest('The body could not be read to the end; send it again.');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** RFC 6749 §3.2: a parameter sent twice is an error, not a choice left to the server. */
function singleParameters(body: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (params.has(name)) throw invalidRequest(`The parameter ${name.slice(0, 40)} is sent more than once.`);
    params.set(name, value);
  }
  return params;
}

interface Credentials {
  id: string;
  secret: string;
  /** The same credentials as read without RFC 6749's form-decoding (some clients skip the encoding). */
  raw?: { id: string; secret: string };
  style: 'client_secret_basic' | 'client_secret_post';
}

/**
 * RFC 6749 §2.3.1: HTTP Basic or the body, never both. A client_id in the body next to Basic is not a
 * second method (public clients send it, §3.2.1) and is let through when it names the same client.
 */
function clientCredentials(req: Request, params: Map<string, string>): Credentials {
  const authorization = req.get('authorization');
  if (authorization !== undefined) {
    const basic = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(authorization);
    const decoded = basic ? Buffer.from(basic[1] as string, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidRequest('The Authorization header must be "Basic base64(client_id:client_secret)".');
    const raw = { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    const id = formDecode(raw.id);
    const secret = formDecode(raw.secret);
    const bodyId = params.get('client_id');
    if (params.has('client_secret') || (bodyId !== undefined && bodyId !== id && bodyId !== raw.id)) {
      throw invalidRequest('Send the client credentials once: in the Authorization header or in the body, not both.');
    }
    const skipped = id !== raw.id || secret !== raw.secret;
    return { id, secret, ...(skipped && { raw }), style: 'client_secret_basic' };
  }
  const id = params.get('client_id');
  const secret = params.get('client_secret');
  if (id === undefined || secret === undefined) {
    throw new OAuthError(
      401,
      'invalid_client',
      'No client authentication: send the client id and secret by HTTP Basic or as client_id and client_secret in the body.',
      { 'www-authenticate': 'Basic realm="scim-proxy", charset="UTF-8"' },
    );
  }
  return { id, secret, style: 'client_secret_post' };
}

/**
 * RFC 6749 §2.3.1 form-encodes id and secret before Basic; clients that skip it send them raw, so both
 * readings are tried. Secrets of hex or base64url characters read the same either way.
 */
function formDecode(value: string): string {
  if (!/[%+]/.test(value)) return value;
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}

function send(res: Response, status: number, body: Record<string, unknown>): void {
  res.status(status).set(NO_STORE).type('application/json').send(JSON.stringify(body));
}
