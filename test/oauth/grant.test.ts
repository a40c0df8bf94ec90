// Entra's OAuth client-credentials option, end to end through the running proxy: a token bought at
// /oauth2/token with either client authentication style opens /scim/v2 until it expires, and every
// refusal says what failed, without echoing the token, counted by reason.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { calculateJwkThumbprint, decodeProtectedHeader, exportJWK, SignJWT } from 'jose';
import { ENTRA_TOKEN, MAS_TOKEN } from '../support/proxy.ts';
import {
  basic,
  CLIENT_ID,
  CLIENT_SECRET,
  counter,
  newKey,
  requestToken,
  scimGet,
  startOAuthProxy,
} from './oauth-proxy.ts';

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

test('client_secret_basic buys a Bearer access token that opens /scim/v2, and MAS sees only its own credentials', async (t) => {
  const p = await startOAuthProxy(t);
  const res = await requestToken(p.url, { grant_type: 'client_credentials' }, basic());
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('pragma'), 'no-cache');
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await res.json()) as TokenAnswer;
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 3600);
  assert.equal(body.scope, undefined);
  assert.equal(decodeProtectedHeader(body.access_token).typ, 'at+jwt');

  const scim = await scimGet(p.url, body.access_token);
  assert.equal(scim.status, 200);
  assert.equal(p.mas.seen.length, 1);
  assert.equal(p.mas.seen[0]?.headers.authorization, `Bearer ${MAS_TOKEN}`);
  assert.equal(await counter(p.registry, 'scim_proxy_oauth_token_requests_total', { result: 'issued' }), 1);
});

test('client_secret_post buys a token too, and a scope asked for is echoed', async (t) => {
  const p = await startOAuthProxy(t);
  const res = await requestToken(p.url, {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    scope: 'scim.provision',
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as TokenAnswer;
  assert.equal(body.scope, 'scim.provision');
  assert.equal((await scimGet(p.url, body.access_token)).status, 200);
});

test('a token is accepted until its lifetime ends and refused as expired from then on', async (t) => {
  const p = await startOAuthProxy(t, { env: { OAUTH_TOKEN_LIFETIME_SECONDS: '600' } });
  const token = await p.token();
  p.clock.ms += 599_000;
  assert.equal((await scimGet(p.url, token)).status, 200);
  p.clock.ms += 1_000;
  const refused = await scimGet(p.url, token);
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="scim-proxy", error="invalid_token"');
  const body = (await refused.json()) as { schemas: string[]; detail: string };
  assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  assert.match(body.detail, /expired at 2026-12-01T09:10:00\.000Z/);
  assert.match(body.detail, /\/oauth2\/token/);
  assert.ok(!body.detail.includes(token));
  assert.equal(p.mas.seen.length, 1, 'the refused request never reached MAS');
  assert.equal(await counter(p.registry, 'scim_proxy_inbound_auth_failures_total', { reason: 'expired' }), 1);
  // Entra renews: a fresh token works at once.
  assert.equal((await scimGet(p.url, await p.token())).status, 200);
});

test('with OAuth only, a static token is refused; with both, either opens /scim/v2', async (t) => {
  const oauthOnly = await startOAuthProxy(t, { env: { SCIM_TOKEN: '' } });
  assert.equal((await scimGet(oauthOnly.url, ENTRA_TOKEN)).status, 401);
  assert.equal(
    await counter(oauthOnly.registry, 'scim_proxy_inbound_auth_failures_total', { reason: 'unknown_token' }),
    1,
  );
  assert.equal((await scimGet(oauthOnly.url, await oauthOnly.token())).status, 200);

  const both = await startOAuthProxy(t);
  assert.equal((await scimGet(both.url, ENTRA_TOKEN)).status, 200);
  assert.equal((await scimGet(both.url, await both.token())).status, 200);
});

test('each refused access token is a 401 naming what failed, counted by reason, and reaches nothing', async (t) => {
  const key = newKey();
  const p = await startOAuthProxy(t, { keys: [key], env: { SCIM_TOKEN: '' } });
  const kid = await calculateJwkThumbprint(await exportJWK(createPublicKey(key)));
  const now = Math.floor(p.clock.ms / 1000);
  const forge = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, signer = key) =>
    new SignJWT({ client_id: CLIENT_ID, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt', ...header })
      .sign(signer);
  const good = { iss: 'scim-proxy', aud: 'scim-proxy', sub: CLIENT_ID, iat: now, exp: now + 600 };
  const genuine = await p.token();
  const [head, payload] = genuine.split('.');
  const cases: [string, string, RegExp][] = [
    [
      'audience',
      await forge({ ...good, aud: 'another-proxy' }),
      /another audience; this scim-proxy accepts scim-proxy \(OAUTH_AUDIENCE\)/,
    ],
    ['issuer', await forge({ ...good, iss: 'someone-else' }), /another issuer/],
    ['signature', await forge(good, {}, newKey()), /signature does not verify/],
    ['unknown_key', await forge(good, { kid: 'not-a-key-of-ours' }), /key this scim-proxy does not hold/],
    ['expired', await forge({ ...good, exp: now - 1 }), /expired at/],
    ['not_yet_valid', await forge({ ...good, nbf: now + 600 }), /not valid yet/],
    ['claims', await forge({ ...good, exp: undefined }), /lacks a claim/],
    ['malformed', `${Buffer.from('not json').toString('base64url')}.${payload}.${head}`, /neither a Secret Token/],
    ['malformed', await forge(good, { typ: 'JWT' }), /neither a Secret Token/],
    ['unknown_token', 'just-a-guess', /not one scim-proxy accepts/],
    [
      'signature',
      `${head}.${Buffer.from(JSON.stringify({ ...good, sub: 'mallory' })).toString('base64url')}.${genuine.split('.')[2]}`,
      /signature/,
    ],
  ];
  for (const [reason, token, detail] of cases) {
    const res = await scimGet(p.url, token);
    const body = (await res.json()) as { detail: string };
    assert.equal(res.status, 401, reason);
    assert.match(body.detail, detail, reason);
    assert.ok(!body.detail.includes(token), `${reason}: the token is not echoed`);
  }
  for (const reason of ['audience', 'issuer', 'unknown_key', 'expired', 'not_yet_valid', 'claims', 'unknown_token']) {
    assert.equal(await counter(p.registry, 'scim_proxy_inbound_auth_failures_total', { reason }), 1, reason);
  }
  assert.equal(await counter(p.registry, 'scim_proxy_inbound_auth_failures_total', { reason: 'signature' }), 2);
  assert.equal(await counter(p.registry, 'scim_proxy_inbound_auth_failures_total', { reason: 'malformed' }), 2);
  assert.equal(p.mas.seen.length, 0);
  const missing = await fetch(`${p.url}/scim/v2/p1/Users`);
  assert.equal(missing.status, 401);
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="scim-proxy"');
  assert.match(((await missing.json()) as { detail: string }).detail, /access token from POST \/oauth2\/token/);
});

test('a signing-key rotation overlaps: tokens of the old key keep working while every replica learns the new one', async (t) => {
  const [oldKey, newer] = [newKey(), newKey()];
  const before = await startOAuthProxy(t, { keys: [oldKey] });
  const learning = await startOAuthProxy(t, { keys: [oldKey, newer] });
  const signingNew = await startOAuthProxy(t, { keys: [newer, oldKey] });
  const after = await startOAuthProxy(t, { keys: [newer] });
  const oldToken = await before.token();
  const newToken = await signingNew.token();
  assert.notEqual(decodeProtectedHeader(oldToken).kid, decodeProtectedHeader(newToken).kid);
  // Step 1: the new key is added second; replicas still sign with the old one and accept both.
  assert.equal(decodeProtectedHeader(await learning.token()).kid, decodeProtectedHeader(oldToken).kid);
  assert.equal((await scimGet(learning.url, newToken)).status, 200);
  // Step 2: the new key signs; tokens of the old one stay good until they expire.
  assert.equal((await scimGet(signingNew.url, oldToken)).status, 200);
  assert.equal((await scimGet(before.url, await learning.token())).status, 200);
  // Step 3: the old key is gone, and so are its tokens.
  assert.equal((await scimGet(after.url, newToken)).status, 200);
  const refused = await scimGet(after.url, oldToken);
  assert.equal(refused.status, 401);
  assert.equal(await counter(after.registry, 'scim_proxy_inbound_auth_failures_total', { reason: 'unknown_key' }), 1);
});

test('during a client secret rotation both secrets buy tokens; a wrong one is invalid_client with WWW-Authenticate', async (t) => {
  const next = 'f'.repeat(64);
  const p = await startOAuthProxy(t, { env: { OAUTH_CLIENT_SECRET: `${next},${CLIENT_SECRET}` } });
  assert.equal((await requestToken(p.url, { grant_type: 'client_credentials' }, basic())).status, 200);
  assert.equal((await requestToken(p.url, { grant_type: 'client_credentials' }, basic(CLIENT_ID, next))).status, 200);
  for (const headers of [basic(CLIENT_ID, 'e'.repeat(64)), basic('someone-else', CLIENT_SECRET)]) {
    const res = await requestToken(p.url, { grant_type: 'client_credentials' }, headers);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="scim-proxy", charset="UTF-8"');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { error: string; error_description: string };
    assert.equal(body.error, 'invalid_client');
    assert.match(body.error_description, /OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET/);
  }
  assert.equal(await counter(p.registry, 'scim_proxy_oauth_token_requests_total', { result: 'invalid_client' }), 2);
});

test('Basic with the same client_id repeated in the body is one client authentication, not two', async (t) => {
  const p = await startOAuthProxy(t);
  const res = await requestToken(p.url, { grant_type: 'client_credentials', client_id: CLIENT_ID }, basic());
  assert.equal(res.status, 200);
});

test('a client that form-encodes its Basic credentials (RFC 6749 §2.3.1) and one that does not are both let in', async (t) => {
  const secret = `${'a'.repeat(40)}+/=`;
  const p = await startOAuthProxy(t, { env: { OAUTH_CLIENT_SECRET: secret } });
  const encoded = `Basic ${Buffer.from(`${CLIENT_ID}:${encodeURIComponent(secret)}`).toString('base64')}`;
  for (const headers of [basic(CLIENT_ID, secret), { authorization: encoded }]) {
    assert.equal((await requestToken(p.url, { grant_type: 'client_credentials' }, headers)).status, 200);
  }
});
