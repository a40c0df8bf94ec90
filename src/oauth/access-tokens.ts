// Access tokens (RFC 9068 JWTs) minted by the token endpoint and checked on the SCIM listener. A
// replica needs only the signing keys to accept another replica's tokens: nothing is stored.
import { createHash, randomUUID } from 'node:crypto';
import type * as Jose from 'jose';
import type { SigningKey } from './signing-keys.ts';

export interface AccessTokenOptions {
  /** The first signs; every one verifies (a rotation's overlap). */
  keys: readonly SigningKey[];
  issuer: string;
  audience: string;
  lifetimeSeconds: number;
  now: () => number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** Why an access token was refused; also the metric's reason label. */
export const TOKEN_REFUSALS = [
  'malformed',
  'algorithm',
  'unknown_key',
  'signature',
  'issuer',
  'audience',
  'expired',
  'not_yet_valid',
  'claims',
] as const;
export type TokenRefusal = (typeof TOKEN_REFUSALS)[number];

export type Verdict = { clientId: string } | { refusal: TokenRefusal; expiredAt?: Date };

export interface AccessTokens {
  issue(clientId: string, scope: string | undefined): Promise<IssuedToken>;
  verify(token: string): Promise<Verdict>;
}

const TYPE = 'at+jwt';
/** Entra presents the same token for its whole lifetime: a handful per replica at any time. */
const ACCEPTED_LIMIT = 1000;

export async function accessTokens({
  keys,
  issuer,
  audience,
  lifetimeSeconds,
  now,
}: AccessTokenOptions): Promise<AccessTokens> {
  // jose is loaded once OAuth is configured, not at start: a proxy in front of MAS with a static
  // SCIM token never signs or checks a JWT, and an idle replica's heap would carry it for nothing.
  const { errors, jwtVerify, SignJWT } = await import('jose');
  const [signer] = keys;
  if (!signer) throw new Error('access tokens need at least one signing key');
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  const algorithms = [...new Set(keys.map((key) => key.alg))];
  // Tokens already verified, by digest, until they expire: a signature check costs far more than a
  // SHA-256 (ES256 verify about 6x the static-token check). Keys are read once, so nothing could make
  // a verified token invalid before its exp; a reloaded key file (issue 18) must clear this.
  const accepted = new Map<string, { clientId: string; expiresAtMs: number }>();
  return {
    async issue(clientId, scope) {
      const iat = Math.floor(now() / 1000);
      const token = await new SignJWT({ client_id: clientId, ...(scope && { scope }) })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: TYPE })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(clientId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + lifetimeSeconds)
        .setJti(randomUUID())
        .sign(signer.privateKey);
      return { token, expiresIn: lifetimeSeconds };
    },
    async verify(token) {
      const digest = createHash('sha256').update(token).digest('base64url');
      const known = accepted.get(digest);
      if (known && known.expiresAtMs > now()) return { clientId: known.clientId };
      accepted.delete(digest);
      try {
        const { payload } = await jwtVerify(
          token,
          (header) => {
            const key = header.kid === undefined ? undefined : byKid.get(header.kid);
            if (!key) throw new UnknownKey();
            return key.publicKey;
          },
          { issuer, audience, algorithms, typ: TYPE, currentDate: new Date(now()), requiredClaims: ['exp', 'sub'] },
        );
        const clientId = String(payload.sub);
        if (accepted.size >= ACCEPTED_LIMIT) accepted.delete(accepted.keys().next().value as string);
        accepted.set(digest, { clientId, expiresAtMs: (payload.exp as number) * 1000 });
        return { clientId };
      } catch (error) {
        return refusalOf(error, errors);
      }
    },
  };
}

class UnknownKey extends Error {}

function refusalOf(error: unknown, errors: typeof Jose.errors): { refusal: TokenRefusal; expiredAt?: Date } {
  if (error instanceof UnknownKey) return { refusal: 'unknown_key' };
  if (error instanceof errors.JWTExpired) return { refusal: 'expired', ...expiry(error.payload) };
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A JWT of another type (typ) signed with our key is not an access token at all.
    const byClaim: Record<string, TokenRefusal> = {
      iss: 'issuer',
      aud: 'audience',
      nbf: 'not_yet_valid',
      typ: 'malformed',
    };
    return { refusal: byClaim[error.claim] ?? 'claims' };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return { refusal: 'algorithm' };
  if (error instanceof errors.JWSSignatureVerificationFailed) return { refusal: 'signature' };
  return { refusal: 'malformed' };
}

function expiry(payload: Jose.JWTPayload): { expiredAt?: Date } {
  return typeof payload.exp === 'number' ? { expiredAt: new Date(payload.exp * 1000) } : {};
}
