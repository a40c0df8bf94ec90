// The proxy authenticates to MAS with an API key, like an administrator would configure it, against
// the MAS simulator's real /v1/authenticate and JWT checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulator } from '../../src/simulator/index.ts';
import { apiKeyCredentials } from '../../src/upstream/api-key-credentials.ts';
import { auth, ENTRA_TOKEN, errorOf, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

const KEY = { MAS_API_KEY_ID: 'a-inst1-abcdefghij', MAS_API_KEY: 'key-token-for-tests' };

/** A fetch that counts calls to /v1/authenticate. */
function countingFetch() {
  const calls = { authenticate: 0 };
  const counted: typeof fetch = (input, init) => {
    if (String(input).includes('/v1/authenticate')) calls.authenticate++;
    return fetch(input, init);
  };
  return { calls, counted };
}

/** API-key credentials against the simulator, renewing a 10-minute token, their token requests counted. */
function countedCredentials(simUrl: string, extra: Partial<Parameters<typeof apiKeyCredentials>[0]> = {}) {
  const { calls, counted } = countingFetch();
  const credentials = apiKeyCredentials({
    masUrl: new URL(simUrl),
    keyId: KEY.MAS_API_KEY_ID,
    key: KEY.MAS_API_KEY,
    expiry: 'PT10M',
    fetch: counted,
    ...extra,
  });
  return { calls, credentials };
}

async function simulator(t: test.TestContext, options: Parameters<typeof startSimulator>[0] = {}) {
  const sim = await startSimulator({ apiKeys: { [KEY.MAS_API_KEY_ID]: KEY.MAS_API_KEY }, ...options });
  t.after(() => sim.close());
  return sim;
}

test('the proxy exchanges the API key for a JWT that MAS accepts', async (t) => {
  const sim = await simulator(t);
  const proxy = await startProxy(sim.url, { MAS_TOKEN: '', ...KEY });
  t.after(() => proxy.close());
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users?filter=${encodeURIComponent('userName eq "nobody"')}`, {
    headers: auth,
  });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { totalResults: number }).totalResults, 0);
});

test('concurrent requests share one token request', async (t) => {
  const sim = await simulator(t);
  const { calls, credentials } = countedCredentials(sim.url);
  const headers = await Promise.all(Array.from({ length: 20 }, () => credentials.authorization()));
  assert.equal(calls.authenticate, 1);
  assert.equal(new Set(headers).size, 1);
  assert.match(headers[0] ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
});

test('the token is renewed before it expires, not after, and its expiry is reported', async (t) => {
  const sim = await simulator(t);
  let now = Date.now();
  const expiries: (Date | undefined)[] = [];
  const { calls, credentials } = countedCredentials(sim.url, {
    now: () => now,
    onExpiry: (at) => expiries.push(at),
  });
  await credentials.authorization();
  now += 7 * 60_000; // 3 of 10 minutes left: still well before the renewal margin
  await credentials.authorization();
  assert.equal(calls.authenticate, 1);
  now += 2 * 60_000; // 1 minute left: inside the margin
  await credentials.authorization();
  assert.equal(calls.authenticate, 2);
  const lifetime = (expiries[0]?.getTime() ?? 0) - Date.now();
  assert.ok(lifetime > 9 * 60_000 && lifetime <= 10 * 60_000, `token lifetime ${lifetime} ms`);
});

test('a 401 from MAS renews the token once and retries the request once', async (t) => {
  let skewMs = 0;
  const sim = await simulator(t, { now: () => Date.now() + skewMs });
  const proxy = await startProxy(sim.url, { MAS_TOKEN: '', ...KEY, MAS_JWT_EXPIRY: 'PT10M' });
  t.after(() => proxy.close());
  const create = () =>
    fetch(`${proxy.url}/scim/v2/p1/Users`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `u${Math.random()}` }),
    });
  assert.equal((await create()).status, 201);
  skewMs = 30 * 60_000; // MAS's clock has moved past the cached token's expiry
  const res = await create();
  assert.equal(res.status, 201);
  assert.equal(sim.users('p1').length, 2, 'the retried POST created exactly one more user');
});

test("a second 401 is a 502 naming scim-proxy's MAS credentials, instead of a loop or a 401 that blames Entra's token", async (t) => {
  const mas = await startUpstream({
    respond: (request, res) => {
      res.writeHead(request.path === '/v1/authenticate' ? 200 : 401, { 'content-type': 'application/json' });
      res.end(request.path === '/v1/authenticate' ? JSON.stringify({ token: 'not-a-jwt' }) : '{"status":"401"}');
    },
  });
  t.after(() => mas.close());
  const proxy = await startProxy(mas.url, { MAS_TOKEN: '', ...KEY });
  t.after(() => proxy.close());
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 502);
  assert.match((await errorOf(res)).detail, /MAS_API_KEY_ID\/MAS_API_KEY/);
  assert.equal(mas.seen.filter((r) => r.path.startsWith('/scim/')).length, 2);
  assert.equal(mas.seen.filter((r) => r.path === '/v1/authenticate').length, 2);
  assert.ok(mas.seen.every((r) => r.headers['mas-jwt-expiry-duration'] === 'PT12H' || r.path !== '/v1/authenticate'));
});

test('a wrong API key is a 502 that names the settings to check, without the key', async (t) => {
  const sim = await simulator(t);
  const proxy = await startProxy(sim.url, {
    MAS_TOKEN: '',
    MAS_API_KEY_ID: KEY.MAS_API_KEY_ID,
    MAS_API_KEY: 'wrong-key-value',
  });
  t.after(() => proxy.close());
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 502);
  const body = await errorOf(res);
  assert.match(body.detail, /MAS_API_KEY_ID and MAS_API_KEY/);
  assert.ok(!JSON.stringify(body).includes('wrong-key-value'));
  assert.ok(!JSON.stringify(body).includes(ENTRA_TOKEN));
});
