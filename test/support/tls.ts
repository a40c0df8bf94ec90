// A throwaway self-signed certificate for localhost, made by openssl (throws where it is not installed).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Writes `<name>.crt` and `<name>.key` into `dir`: CN=name, valid for localhost, one day. */
export function selfSignedCertificate(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-days', '1'].concat([
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}
