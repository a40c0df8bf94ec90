// Checks what Entra presents: a static Secret Token (SCIM_TOKEN), an access token from scim-proxy's
// own token endpoint (OAUTH_CLIENT_ID), or either when both are configured. Static tokens are compared
// on fixed-length digests with timingSafeEqual, so neither length nor first wrong byte shows in the
// response time. A refusal names what failed and never repeats the token.
import { hash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { type AccessTokens, TOKEN_REFUSALS, type TokenRefusal } from '../oauth/access-tokens.ts';
import { TOKEN_PATH } from '../oauth/token-endpoint.ts';
import { ScimError } from '../scim/error.ts';

/** Why a SCIM request was refused; also the metric's reason label. */
export const AUTH_REFUSALS = ['missing', 'not_bearer', 'unknown_token', ...TOKEN_REFUSALS] as const;
export type AuthRefusal = (typeof AUTH_REFUSALS)[number];

// One-shot: no Hash object per request.
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export interface InboundAuthOptions {
  /** The static tokens, read at each request: SCIM_TOKEN_FILE is re-read when its Secret rotates. */
  tokens: () => readonly string[];
  /** Accepts scim-proxy's own access tokens too; undefined when OAuth is off. */
  accessTokens?: AccessTokens;
  /** The audience and issuer access tokens must carry, quoted in refusals to help an administrator. */
  expected?: { audience: string; issuer: string };
  onFailure?: (reason: AuthRefusal) => void;
}

export function inboundAuth({ tokens, accessTokens, expected, onFailure }: InboundAuthOptions): RequestHandler {
  // A rotated token file replaces the list (never with an empty one): digests follow it.
  let source = tokens();
  let digests = source.map(digest);
  const how = [
    ...(digests.length > 0 ? ['the Secret Token configured in SCIM_TOKEN'] : []),
    ...(accessTokens ? [`an access token from POST ${TOKEN_PATH}`] : []),
  ].join(' or ');
  const refuse = (reason: AuthRefusal, message: string) => {
    onFailure?.(reason);
    // RFC 6750 §3: no error attribute when no token was presented at all.
    const tokenError = reason === 'missing' || reason === 'not_bearer' ? '' : ', error="invalid_token"';
    return new ScimError(401, message, {
      code: 'unauthorized',
      headers: { 'www-authenticate': `Bearer realm="scim-proxy"${tokenError}` },
    });
  };
  // Not async: a Secret Token is judged at once, and only an access token waits for its verification.
  return function inboundAuth(req, _res, next) {
    const current = tokens();
    if (current !== source) {
      source = current;
      digests = current.map(digest);
    }
    // With neither, the caller's Authorization is MAS's business: it passes through unread.
    if (digests.length === 0 && !accessTokens) return next();
    const authorization = req.get('authorization');
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    const token = match?.[1] ?? '';
    // Every configured token is compared, whatever was presented: the work does not depend on it.
    const presented = digest(token);
    let known = false;
    for (const candidate of digests) known = timingSafeEqual(candidate, presented) || known;
    if (!authorization)
      return next(refuse('missing', `No bearer token: send "Authorization: Bearer <token>" with ${how}.`));
    if (!match) return next(refuse('not_bearer', `The Authorization header is not "Bearer <token>"; send ${how}.`));
    if (known) return next();
    if (!accessTokens || !JWT_SHAPE.test(token)) {
      return next(refuse('unknown_token', `The bearer token is not one scim-proxy accepts; send ${how}.`));
    }
    return accessTokens
      .verify(token)
      .then((verdict) => ('clientId' in verdict ? next() : next(refuse(verdict.refusal, explain(verdict, expected)))));
  };
}

function explain(
  verdict: { refusal: TokenRefusal; expiredAt?: Date },
  expected: InboundAuthOptions['expected'],
): string {
  const renew = `Entra gets a new one from POST ${TOKEN_PATH} with its client id and secret.`;
  switch (verdict.refusal) {
    case 'expired':
      return `The access token expired${verdict.expiredAt ? ` at ${verdict.expiredAt.toISOString()}` : ''}. ${renew}`;
    case 'audience':
      return `The access token is for another audience; this scim-proxy accepts ${expected?.audience ?? 'its own'} (OAUTH_AUDIENCE). ${renew}`;
    case 'issuer':
      return `The access token is from another issuer; this scim-proxy accepts ${expected?.issuer ?? 'its own'} (OAUTH_ISSUER). ${renew}`;
    case 'signature':
      return `The access token's signature does not verify with this scim-proxy's signing key. ${renew}`;
    case 'unknown_key':
      return 'The access token was signed with a key this scim-proxy does not hold (OAUTH_SIGNING_KEY_FILE); during a signing-key rotation, give every replica the new key before any signs with it.';
    case 'algorithm':
      return `The access token's signing algorithm is not the one of this scim-proxy's keys. ${renew}`;
    case 'not_yet_valid':
      return `The access token is not valid yet; check the clocks of the replicas. ${renew}`;
    case 'claims':
      return `The access token lacks a claim scim-proxy requires (exp, sub) or carries one it refuses. ${renew}`;
    case 'malformed':
      return `The bearer token is neither a Secret Token scim-proxy accepts nor an access token it issued. ${renew}`;
  }
}
