import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulator } from '../../src/simulator/index.ts';
import { call, token } from './client.ts';

const apiKeys = { 'a-inst1-abcdefghij': 'key-token' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function claimsOf(jwt: string) {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

async function authenticate(url: string, headers: Record<string, string>) {
  const response = await fetch(`${url}/v1/authenticate`, { headers });
  return { status: response.status, body: (await response.json()) as { token: string } };
}

test('mints an RS256 JWT for a valid API key, expiring as the duration header asks', async (t) => {
  const now = Date.UTC(2026, 0, 1);
  const sim = await startSimulator({ apiKeys, now: () => now });
  t.after(() => sim.close());
  const answer = await authenticate(sim.url, {
    authorization: basic('a-inst1-abcdefghij', 'key-token'),
    'mas-jwt-expiry-duration': 'PT10M',
  });
  assert.equal(answer.status, 200);
  const [header = ''] = answer.body.token.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { alg: 'RS256', typ: 'JWT' });
  const claims = claimsOf(answer.body.token);
  assert.equal(claims.sub, 'a-inst1-abcdefghij');
  assert.equal(claims.exp - claims.iat, 600);
});

test('mints a token without exp when the duration is NEVER', async (t) => {
  const sim = await startSimulator({ apiKeys });
  t.after(() => sim.close());
  const answer = await authenticate(sim.url, {
    authorization: basic('a-inst1-abcdefghij', 'key-token'),
    'mas-jwt-expiry-duration': 'NEVER',
  });
  assert.equal(claimsOf(answer.body.token).exp, undefined);
});

test('refuses a wrong API key token with 401', async (t) => {
  const sim = await startSimulator({ apiKeys });
  t.after(() => sim.close());
  const answer = await authenticate(sim.url, { authorization: basic('a-inst1-abcdefghij', 'wrong') });
  assert.equal(answer.status, 401);
});

test('refuses an expiry header that is not an ISO 8601 duration with 400', async (t) => {
  const sim = await startSimulator({ apiKeys });
  t.after(() => sim.close());
  const answer = await authenticate(sim.url, {
    authorization: basic('a-inst1-abcdefghij', 'key-token'),
    'mas-jwt-expiry-duration': 'ten minutes',
  });
  assert.equal(answer.status, 400);
});

test('accepts a minted JWT as Bearer or x-access-token on SCIM calls', async (t) => {
  const sim = await startSimulator({ apiKeys });
  t.after(() => sim.close());
  const { body } = await authenticate(sim.url, { authorization: basic('a-inst1-abcdefghij', 'key-token') });
  const bearer = await call(sim, 'GET', '/scim/v2/p1/Users', undefined, {
    authorization: `Bearer ${body.token}`,
  });
  const header = await call(sim, 'GET', '/scim/v2/p1/Users', undefined, { 'x-access-token': body.token });
  assert.equal(bearer.status, 200);
  assert.equal(header.status, 200);
});

test('answers 401 with a SCIM error when the token is missing, forged or expired', async (t) => {
  let now = Date.UTC(2026, 0, 1);
  const sim = await startSimulator({ now: () => now });
  t.after(() => sim.close());
  const shortLived = await sim.issueToken('a-inst1-abcdefghij', 60);
  const forged = `${shortLived.slice(0, -4)}AAAA`;
  now += 61_000;
  const attempts: Record<string, string>[] = [
    {},
    { authorization: `Bearer ${forged}` },
    { authorization: `Bearer ${shortLived}` },
  ];
  for (const headers of attempts) {
    const answer = await call(sim, 'GET', '/scim/v2/p1/Users', undefined, headers);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(answer.body.status, '401');
  }
});

test('accepts a configured static token', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  assert.equal((await call(sim, 'GET', '/scim/v2/p1/Users')).status, 200);
});

test('lets every call through when requireAuth is off', async (t) => {
  const sim = await startSimulator({ requireAuth: false });
  t.after(() => sim.close());
  assert.equal((await call(sim, 'GET', '/scim/v2/p1/Users', undefined, {})).status, 200);
  assert.equal((await call(sim, 'GET', '/scim/v2/Profiles', undefined, {})).status, 200);
});

test('guards the Profiles API too', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  assert.equal((await call(sim, 'GET', '/scim/v2/Profiles', undefined, {})).status, 401);
});
