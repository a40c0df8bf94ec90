/**
 * RS256 JSON Web Tokens as MAS mints them, signed and checked with jose, the project's one JOSE
 * implementation. The proxy never verifies MAS tokens (it only reads `exp`); the simulator does.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

export interface Claims {
  sub: string;
  iat: number;
  exp?: number;
  [claim: string]: unknown;
}

let processKey: KeyObject | undefined;

/**
 * One RSA key per process unless a test brings its own: generating 2048-bit keys costs tens of
 * milliseconds, and every test starts simulators of its own.
 */
export function defaultSigningKey(): KeyObject {
  processKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return processKey;
}

export function signJwt(claims: Claims, privateKey: KeyObject): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
}

/** The claims of a token signed by `publicKey`'s pair and not expired at `nowSeconds`, else why not. */
export async function verifyJwt(
  token: string,
  publicKey: KeyObject,
  nowSeconds: number,
): Promise<{ claims: Claims } | { reason: 'malformed' | 'signature' | 'expired' }> {
  try {
    const { payload } = await jwtVerify<Claims>(token, publicKey, {
      algorithms: ['RS256'],
      currentDate: new Date(nowSeconds * 1000),
    });
    return { claims: payload };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { reason: 'expired' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { reason: 'signature' };
    return { reason: 'malformed' };
  }
}
