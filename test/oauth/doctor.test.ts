// doctor on the OAuth settings: the signing key really signs, the lifetime is sane, a static token
// left next to OAuth is pointed out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { CLIENT_ID, CLIENT_SECRET, newKey, secretDir } from './oauth-proxy.ts';

function capture(): Output & { text: () => string } {
  const lines: string[] = [];
  return { log: (l) => lines.push(l), error: (l) => lines.push(l), text: () => lines.join('\n') };
}

const oauthEnv = () => ({
  OAUTH_CLIENT_ID: CLIENT_ID,
  OAUTH_CLIENT_SECRET: CLIENT_SECRET,
  OAUTH_SIGNING_KEY_FILE: secretDir([newKey(), newKey()]).keyFile,
});

test('doctor signs and verifies with the key and passes OAuth only, naming the key that signs', async () => {
  const out = capture();
  await cli(['doctor'], out, oauthEnv());
  assert.match(out.text(), /PASS {2}inbound token: OAuth only/);
  assert.match(
    out.text(),
    /PASS {2}OAuth token endpoint: client entra-provisioning; 2 signing key\(s\), ES256 key \S+ signs; tokens live 3600 s/,
  );
  assert.ok(!out.text().includes(CLIENT_SECRET));
});

test('doctor warns about a long token lifetime, a very short one, and a static token kept next to OAuth', async () => {
  const long = capture();
  await cli(['doctor'], long, { ...oauthEnv(), OAUTH_TOKEN_LIFETIME_SECONDS: '86400' });
  assert.match(
    long.text(),
    /WARN {2}OAuth token endpoint: .*86400 s.*\n {6}fix: a stolen access token lives that long/,
  );
  const short = capture();
  await cli(['doctor'], short, { ...oauthEnv(), OAUTH_TOKEN_LIFETIME_SECONDS: '60' });
  assert.match(short.text(), /WARN {2}OAuth token endpoint: .*\n {6}fix: Entra asks for a new token that often/);
  const both = capture();
  await cli(['doctor'], both, { ...oauthEnv(), SCIM_TOKEN: 'static-token' });
  assert.match(both.text(), /WARN {2}inbound token: 1 Secret Token\(s\) accepted from Entra, and OAuth access tokens/);
});

test('doctor fails a signing key file that holds no private key, without quoting it', async () => {
  const out = capture();
  const { dir } = secretDir([]);
  assert.equal(
    await cli(['doctor'], out, { ...oauthEnv(), OAUTH_SIGNING_KEY_FILE: `${dir}/oauth-signing-keys.pem` }),
    1,
  );
  assert.match(out.text(), /FAIL {2}configuration: [\s\S]*OAUTH_SIGNING_KEY_FILE: no PEM private key in it/);
});
