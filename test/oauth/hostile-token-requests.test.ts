// Hostile and careless requests at the token endpoint: each gets the OAuth error RFC 6749 §5.2 names,
// no token, nothing reaches MAS, and the endpoint keeps issuing to the real client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawRequest, sendRaw } from '../security/raw-http.ts';
import {
  basic,
  CLIENT_ID,
  CLIENT_SECRET,
  counter,
  type OAuthProxy,
  requestToken,
  startOAuthProxy,
} from './oauth-proxy.ts';

const FORM = 'application/x-www-form-urlencoded';

async function post(p: OAuthProxy, body: string, headers: Record<string, string>, path = '/oauth2/token') {
  const res = await fetch(`${p.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string> };
}

async function assertStillIssues(p: OAuthProxy) {
  assert.equal((await requestToken(p.url, { grant_type: 'client_credentials' }, basic())).status, 200);
  assert.equal(p.mas.seen.length, 0, 'nothing reached MAS');
}

test('malformed token requests are invalid_request or unsupported_grant_type, each saying what to fix', async (t) => {
  const p = await startOAuthProxy(t);
  const credentials = `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`;
  const cases: [string, string, Record<string, string>, number, string, RegExp][] = [
    ['no grant_type', '', { 'content-type': FORM, ...basic() }, 400, 'invalid_request', /grant_type is missing/],
    [
      'another grant',
      'grant_type=password',
      { 'content-type': FORM, ...basic() },
      400,
      'unsupported_grant_type',
      /client_credentials only/,
    ],
    [
      'JSON instead of a form',
      JSON.stringify({ grant_type: 'client_credentials' }),
      { 'content-type': 'application/json', ...basic() },
      400,
      'invalid_request',
      /x-www-form-urlencoded.*not application\/json/,
    ],
    [
      'no content type',
      'grant_type=client_credentials',
      { ...basic() },
      400,
      'invalid_request',
      /x-www-form-urlencoded/,
    ],
    [
      'text/plain',
      'grant_type=client_credentials',
      { 'content-type': 'text/plain', ...basic() },
      400,
      'invalid_request',
      /not text\/plain/,
    ],
    [
      'a repeated parameter',
      'grant_type=client_credentials&grant_type=password',
      { 'content-type': FORM, ...basic() },
      400,
      'invalid_request',
      /grant_type is sent more than once/,
    ],
    [
      'a repeated secret',
      `${credentials}&client_secret=x&grant_type=client_credentials`,
      { 'content-type': FORM },
      400,
      'invalid_request',
      /client_secret is sent more than once/,
    ],
    [
      'Basic and a client_id in the body naming another client',
      'client_id=someone-else&grant_type=client_credentials',
      { 'content-type': FORM, ...basic() },
      400,
      'invalid_request',
      /not both/,
    ],
    [
      'both client authentication styles',
      `${credentials}&grant_type=client_credentials`,
      { 'content-type': FORM, ...basic() },
      400,
      'invalid_request',
      /not both/,
    ],
    [
      'a malformed Basic header',
      'grant_type=client_credentials',
      { 'content-type': FORM, authorization: 'Basic !!!' },
      400,
      'invalid_request',
      /Basic base64/,
    ],
    [
      'a Bearer header',
      'grant_type=client_credentials',
      { 'content-type': FORM, authorization: 'Bearer x' },
      400,
      'invalid_request',
      /Basic base64/,
    ],
    [
      'no client authentication',
      'grant_type=client_credentials',
      { 'content-type': FORM },
      401,
      'invalid_client',
      /No client authentication/,
    ],
    [
      'a scope with a quote',
      'grant_type=client_credentials&scope=%22x',
      { 'content-type': FORM, ...basic() },
      400,
      'invalid_scope',
      /scope/,
    ],
  ];
  for (const [name, body, headers, status, error, description] of cases) {
    const answer = await post(p, body, headers);
    assert.equal(answer.status, status, name);
    assert.equal(answer.body.error, error, name);
    assert.match(answer.body.error_description ?? '', description, name);
    assert.equal(answer.body.access_token, undefined, name);
    assert.equal(answer.headers.get('cache-control'), 'no-store', name);
  }
  await assertStillIssues(p);
});

test('a secret or token in the query is refused before anything is read, and never logged', async (t) => {
  const p = await startOAuthProxy(t);
  for (const query of [`client_secret=${CLIENT_SECRET}`, 'access_token=abc', 'grant_type=client_credentials']) {
    const answer = await post(
      p,
      'grant_type=client_credentials',
      { 'content-type': FORM, ...basic() },
      `/oauth2/token?${query}`,
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_request');
    assert.match(answer.body.error_description ?? '', /takes no query/);
  }
  assert.deepEqual(
    p.lines().filter((l) => l.includes(CLIENT_SECRET)),
    [],
  );
  await assertStillIssues(p);
});

test('an oversized body is cut off with 413 without being read to its end', async (t) => {
  const p = await startOAuthProxy(t);
  const declared = await post(p, `grant_type=client_credentials&pad=${'x'.repeat(20_000)}`, {
    'content-type': FORM,
    ...basic(),
  });
  assert.equal(declared.status, 413);
  assert.equal(declared.body.error, 'invalid_request');
  const chunked = await sendRaw(
    p.url,
    rawRequest(
      [
        'POST /oauth2/token HTTP/1.1',
        `Host: ${new URL(p.url).host}`,
        `Content-Type: ${FORM}`,
        'Transfer-Encoding: chunked',
        basicHeader(),
      ],
      `4000\r\n${'x'.repeat(0x4000)}\r\n0\r\n\r\n`,
    ),
  );
  assert.equal(chunked.status, 413);
  await assertStillIssues(p);
});

test('methods other than POST are 405 with Allow: POST', async (t) => {
  const p = await startOAuthProxy(t);
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const res = await fetch(`${p.url}/oauth2/token`, { method, headers: basic() });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
  }
  await assertStillIssues(p);
});

test('failed client authentications lock the source out for a while, even with the right secret, and count it', async (t) => {
  const p = await startOAuthProxy(t, { env: { OAUTH_MAX_FAILURES_PER_SOURCE: '3', OAUTH_LOCKOUT_SECONDS: '60' } });
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await requestToken(p.url, { grant_type: 'client_credentials' }, basic(CLIENT_ID, `guess-${i}`))).status,
      401,
    );
  }
  const locked = await requestToken(p.url, { grant_type: 'client_credentials' }, basic());
  assert.equal(locked.status, 429);
  assert.equal(locked.headers.get('retry-after'), '60');
  assert.match(((await locked.json()) as { error_description: string }).error_description, /this source address/);
  assert.equal(await counter(p.registry, 'scim_proxy_oauth_lockouts_total', { scope: 'source' }), 1);
  assert.equal(await counter(p.registry, 'scim_proxy_oauth_token_requests_total', { result: 'locked_out' }), 1);
  p.clock.ms += 60_000;
  assert.equal((await requestToken(p.url, { grant_type: 'client_credentials' }, basic())).status, 200);
});

test('failures against the client id from many sources lock the client out; unknown ids are counted per source only', async (t) => {
  const p = await startOAuthProxy(t, {
    env: { OAUTH_MAX_FAILURES_PER_CLIENT: '5', OAUTH_MAX_FAILURES_PER_SOURCE: '100', TRUSTED_PROXY_HOPS: '1' },
  });
  const from = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}` });
  for (let i = 0; i < 10; i++) {
    const res = await requestToken(
      p.url,
      { grant_type: 'client_credentials' },
      { ...basic(`nobody-${i}`, 'x'), ...from(i) },
    );
    assert.equal(res.status, 401);
  }
  assert.equal(await counter(p.registry, 'scim_proxy_oauth_lockouts_total', { scope: 'client' }), 0);
  for (let i = 0; i < 5; i++) {
    await requestToken(p.url, { grant_type: 'client_credentials' }, { ...basic(CLIENT_ID, 'x'), ...from(i) });
  }
  const locked = await requestToken(p.url, { grant_type: 'client_credentials' }, { ...basic(), ...from(99) });
  assert.equal(locked.status, 429);
  assert.match(((await locked.json()) as { error_description: string }).error_description, /this client id/);
  assert.equal(await counter(p.registry, 'scim_proxy_oauth_lockouts_total', { scope: 'client' }), 1);
});

test('the forwarded-for address is believed only through the configured number of proxies', async (t) => {
  const p = await startOAuthProxy(t, { env: { OAUTH_MAX_FAILURES_PER_SOURCE: '2' } });
  // TRUSTED_PROXY_HOPS is 0: a caller writing X-Forwarded-For cannot spread its failures over invented sources.
  for (let i = 0; i < 2; i++) {
    await requestToken(
      p.url,
      { grant_type: 'client_credentials' },
      { ...basic(CLIENT_ID, 'x'), 'x-forwarded-for': `198.51.100.${i}` },
    );
  }
  const locked = await requestToken(
    p.url,
    { grant_type: 'client_credentials' },
    { ...basic(), 'x-forwarded-for': '198.51.100.77' },
  );
  assert.equal(locked.status, 429);
});

function basicHeader(): string {
  return `Authorization: ${basic().authorization}`;
}
