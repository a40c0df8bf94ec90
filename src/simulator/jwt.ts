/**
 * HS256 JSON Web Tokens, signed and checked with node:crypto. Real MAS signs with RS256; the
 * proxy never verifies MAS tokens, it only reads `exp`, so a symmetric key is enough here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Claims {
  sub: string;
  iat: number;
  exp?: number;
  [claim: string]: unknown;
}

const header = encode({ alg: 'HS256', typ: 'JWT' });

export function signJwt(claims: Claims, secret: string): string {
  const body = `${header}.${encode(claims)}`;
  return `${body}.${signature(body, secret)}`;
}

/** The claims of a token signed with `secret` and not expired at `nowSeconds`, else why not. */
export function verifyJwt(
  token: string,
  secret: string,
  nowSeconds: number,
): { claims: Claims } | { reason: 'malformed' | 'signature' | 'expired' } {
  const [head, payload, sig, ...rest] = token.split('.');
  if (!head || !payload || !sig || rest.length > 0) return { reason: 'malformed' };
  const expected = Buffer.from(signature(`${head}.${payload}`, secret));
  const actual = Buffer.from(sig);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { reason: 'signature' };
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  } catch {
    return { reason: 'malformed' };
  }
  if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) return { reason: 'expired' };
  return { claims };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
