// The OAuth settings: read from the environment and the mounted Secret once, every mistake listed at
// start with its fix, and no secret quoted in a problem.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { CLIENT_SECRET, newKey, pem } from './oauth-proxy.ts';

const files: Record<string, string> = {
  '/s/keys.pem': pem(newKey(), newKey()),
  '/s/public.pem': generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString(),
  '/s/rsa1024.pem': generateKeyPairSync('rsa', { modulusLength: 1024 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
  '/s/secret': `${CLIENT_SECRET}\n`,
};
const read = (f: string) => {
  if (f in files) return files[f] as string;
  throw Object.assign(new Error('missing'), { code: 'ENOENT' });
};
const problemsOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env, read);
    return '';
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.join('\n');
  }
};
const client = {
  OAUTH_CLIENT_ID: 'entra',
  OAUTH_CLIENT_SECRET_FILE: '/s/secret',
  OAUTH_SIGNING_KEY_FILE: '/s/keys.pem',
};

test('a client with its secret file and signing keys is read once, defaults filled in', () => {
  const { oauth, trustedProxyHops } = loadConfig({ MAS_URL: 'https://mas', MAS_TOKEN: 'm', ...client }, read);
  assert.equal(oauth.clientId, 'entra');
  assert.deepEqual(oauth.clientSecrets, [CLIENT_SECRET]);
  assert.equal(oauth.signingKeys.length, 2);
  assert.equal(oauth.tokenLifetimeSeconds, 3600);
  assert.equal(oauth.issuer, 'scim-proxy');
  assert.equal(oauth.audience, 'scim-proxy');
  assert.equal(oauth.maxFailuresPerSource, 10);
  assert.equal(oauth.lockoutSeconds, 300);
  assert.equal(trustedProxyHops, 0);
  assert.ok(Object.isFrozen(oauth));
});

test('OAuth alone is enough to lend MAS credentials: SCIM_TOKEN is not required then', () => {
  assert.equal(problemsOf({ MAS_URL: 'https://mas', MAS_TOKEN: 'm', ...client }), '');
});

test('halves of a client, short secrets and keys that cannot sign are each a problem with its fix, secrets unquoted', () => {
  const short = 'too-short-a-secret';
  const problems = problemsOf({
    MAS_URL: 'https://mas',
    OAUTH_CLIENT_SECRET: short,
    OAUTH_SIGNING_KEY_FILE: '/s/public.pem',
    OAUTH_TOKEN_LIFETIME_SECONDS: '5',
  });
  assert.match(problems, /OAUTH_CLIENT_SECRET is set but OAUTH_CLIENT_ID is not/);
  assert.match(problems, /at least 32 characters; generate one with: openssl rand -hex 32/);
  assert.match(problems, /OAUTH_SIGNING_KEY_FILE: key 1 is not a private key/);
  assert.match(problems, /OAUTH_TOKEN_LIFETIME_SECONDS/);
  assert.ok(!problems.includes(short));
  assert.match(problemsOf({ ...client, OAUTH_SIGNING_KEY_FILE: '/s/rsa1024.pem' }), /key 1 is rsa; use EC P-256/);
  assert.match(
    problemsOf({ ...client, OAUTH_SIGNING_KEY_FILE: '/s/none.pem' }),
    /cannot read \/s\/none.pem \(ENOENT\)/,
  );
  assert.match(problemsOf({ ...client, OAUTH_SIGNING_KEY_FILE: '/s/secret' }), /no PEM private key in it/);
  assert.match(problemsOf({ OAUTH_CLIENT_ID: 'entra' }), /OAUTH_CLIENT_SECRET \(or OAUTH_CLIENT_SECRET_FILE\) is not/);
  assert.match(
    problemsOf({ OAUTH_CLIENT_ID: 'has:colon', OAUTH_CLIENT_SECRET: CLIENT_SECRET }),
    /OAUTH_CLIENT_ID="has:colon" is not a client id; use printable ASCII without spaces or colons/,
  );
});

test('in front of a real MAS the signing key is required; the demo generates one', () => {
  const { OAUTH_SIGNING_KEY_FILE: _, ...withoutKey } = client;
  assert.match(problemsOf({ MAS_URL: 'https://mas', MAS_TOKEN: 'm', ...withoutKey }), /OAUTH_SIGNING_KEY_FILE is not/);
  assert.equal(problemsOf(withoutKey), '');
});
