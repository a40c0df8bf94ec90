// Checks Entra's Secret Token. The comparison is on fixed-length digests with timingSafeEqual, so
// neither the token's length nor its first wrong byte shows in the response time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ScimError } from '../scim/error.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export interface InboundAuthOptions {
  tokens: readonly string[];
  onFailure?: () => void;
}

export function inboundAuth({ tokens, onFailure }: InboundAuthOptions): RequestHandler {
  const expected = tokens.map(digest);
  return function inboundAuth(req, _res, next) {
    // Without SCIM_TOKEN the caller's Authorization is MAS's business: it passes through unread.
    if (expected.length === 0) return next();
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('authorization') ?? '');
    const presented = digest(match?.[1] ?? '');
    let valid = false;
    for (const candidate of expected) valid = timingSafeEqual(candidate, presented) || valid;
    if (match && valid) return next();
    onFailure?.();
    next(
      new ScimError(
        401,
        match
          ? 'The bearer token is not one scim-proxy accepts. Set the Secret Token in Entra to one of the tokens in SCIM_TOKEN.'
          : 'No bearer token: send "Authorization: Bearer <token>" with the Secret Token configured in SCIM_TOKEN.',
        { code: 'unauthorized', headers: { 'www-authenticate': 'Bearer realm="scim-proxy"' } },
      ),
    );
  };
}
