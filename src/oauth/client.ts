// The one OAuth client (Entra's provisioning job) and its secrets. Only SHA-256 digests are kept, and
// each comparison is on fixed-length digests with timingSafeEqual, every secret compared every time,
// so neither a secret's length nor which one matched shows in the response time.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export type ClientCheck = 'ok' | 'unknown_client' | 'wrong_secret';

export interface OAuthClient {
  id: string;
  check(id: string, secret: string): ClientCheck;
}

/** `secrets` holds several during a rotation: the new one Entra is about to get, and the old. */
export function oauthClient(id: string, secrets: readonly string[]): OAuthClient {
  const idDigest = digest(id);
  const secretDigests = secrets.map(digest);
  return {
    id,
    check(presentedId, presentedSecret) {
      const presented = digest(presentedSecret);
      let secretMatches = false;
      for (const candidate of secretDigests) secretMatches = timingSafeEqual(candidate, presented) || secretMatches;
      if (!timingSafeEqual(idDigest, digest(presentedId))) return 'unknown_client';
      return secretMatches ? 'ok' : 'wrong_secret';
    },
  };
}
