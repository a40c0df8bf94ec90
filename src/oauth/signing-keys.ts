// The keys access tokens are signed with, read from PEM in a mounted Secret. Several keys make a
// rotation overlap: the first signs, all verify. Each key's id is its RFC 7638 thumbprint, so replicas
// given the same Secret agree on it with nothing else shared.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/** The JWS algorithm for a private key, or undefined for a key type access tokens do not use. */
export function algorithmOf(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType === 'rsa')
    return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? 'RS256' : undefined;
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType !== 'ec') return undefined;
  return { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[key.asymmetricKeyDetails?.namedCurve ?? ''];
}

/**
 * The private keys in a PEM file, in order; a problem for each block that is not one, said without
 * quoting the file (it is a secret).
 */
export function parsePrivateKeys(pem: string, source: string): { keys: KeyObject[]; problems: string[] } {
  const keys: KeyObject[] = [];
  const problems: string[] = [];
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0)
    problems.push(
      `${source}: no PEM private key in it; generate one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`,
    );
  blocks.forEach((block, i) => {
    try {
      const key = createPrivateKey(block);
      if (algorithmOf(key)) keys.push(key);
      else
        problems.push(
          `${source}: key ${i + 1} is ${key.asymmetricKeyType ?? 'of an unknown type'}; use EC P-256, RSA of 2048 bits or more, or Ed25519`,
        );
    } catch {
      problems.push(`${source}: key ${i + 1} is not a private key (public keys and certificates cannot sign)`);
    }
  });
  return { keys, problems };
}

export async function signingKeys(privateKeys: readonly KeyObject[]): Promise<SigningKey[]> {
  // Loaded here, not at start: the configuration check reads the keys (parsePrivateKeys) without jose.
  const { calculateJwkThumbprint, exportJWK } = await import('jose');
  return Promise.all(
    privateKeys.map(async (privateKey) => {
      const publicKey = createPublicKey(privateKey);
      return {
        kid: await calculateJwkThumbprint(await exportJWK(publicKey)),
        alg: algorithmOf(privateKey) as string,
        privateKey,
        publicKey,
      };
    }),
  );
}
