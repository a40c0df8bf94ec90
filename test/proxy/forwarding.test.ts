// What reaches MAS, and what never does.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { auth, ENTRA_TOKEN, errorOf, MAS_TOKEN, scimJson, startProxy } from '../support/proxy.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

async function setup(t: test.TestContext, env: Record<string, string> = {}, upstream?: Upstream) {
  const mas = upstream ?? (await startUpstream());
  const proxy = await startProxy(mas.url, env);
  t.after(async () => {
    await proxy.close();
    await mas.close();
  });
  return { mas, proxy };
}

const patch = (Operations: unknown[]) =>
  JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

test('an unchanged body reaches MAS byte for byte, spacing and key order included', async (t) => {
  const { mas, proxy } = await setup(t);
  const raw =
    '{ "Operations":[ {"op":"add","path":"nickName","value":"B"} ],\n "schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"] }';
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { method: 'PATCH', headers: scimJson, body: raw });
  assert.equal(res.status, 204);
  assert.equal(mas.seen[0]?.raw.toString('utf8'), raw);
});

test('a rewritten body is sent with a content-length that matches it', async (t) => {
  const { mas, proxy } = await setup(t);
  const body = patch([{ op: 'Remove', path: 'members', value: [{ value: 'jürgen' }] }]);
  await fetch(`${proxy.url}/scim/v2/p1/Groups/g1`, { method: 'PATCH', headers: scimJson, body });
  const seen = mas.seen[0]!;
  assert.equal(Number(seen.headers['content-length']), seen.raw.length);
  assert.deepEqual(seen.body, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'remove', path: 'members[value eq "jürgen"]' }],
  });
});

test("Entra's feature flags are dropped from the query and the rest is forwarded as sent", async (t) => {
  const { mas, proxy } = await setup(t);
  await fetch(
    `${proxy.url}/scim/v2/p1/Users?AADOPTSCIM062020&filter=userName+eq+%22a%40b.c%22&azureadscimpatch2017=1`,
    {
      headers: auth,
    },
  );
  assert.equal(mas.seen[0]?.rawQuery, 'filter=userName+eq+%22a%40b.c%22');
});

test("the caller's token is checked and never forwarded; MAS gets the MAS token", async (t) => {
  const { mas, proxy } = await setup(t);
  await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(mas.seen[0]?.headers.authorization, `Bearer ${MAS_TOKEN}`);
  assert.ok(!JSON.stringify(mas.seen[0]?.headers).includes(ENTRA_TOKEN));
});

test('any of several comma-separated tokens is accepted, for rotation', async (t) => {
  const { mas, proxy } = await setup(t, { SCIM_TOKEN: `old-token, ${ENTRA_TOKEN}` });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: { authorization: 'Bearer old-token' } });
  assert.equal(res.status, 200);
  assert.equal(mas.seen.length, 1);
});

test('a missing or wrong token gets a 401 SCIM error and nothing reaches MAS', async (t) => {
  const { mas, proxy } = await setup(t);
  for (const headers of [
    {},
    { authorization: 'Bearer wrong' },
    { authorization: `Basic ${ENTRA_TOKEN}` },
    { authorization: '' },
  ]) {
    const res = await fetch(`${proxy.url}/scim/v2/p1/Users`, { headers });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/scim+json; charset=utf-8');
    const body = await errorOf(res);
    assert.equal(body.schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error');
    assert.match(body.detail, /SCIM_TOKEN/);
  }
  assert.equal(mas.seen.length, 0);
});

test("without SCIM_TOKEN the caller's Authorization passes through to MAS unchanged", async (t) => {
  const { mas, proxy } = await setup(t, { SCIM_TOKEN: '', MAS_TOKEN: '' });
  await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: { authorization: 'Bearer callers-own-mas-jwt' } });
  assert.equal(mas.seen[0]?.headers.authorization, 'Bearer callers-own-mas-jwt');
});

test('paths outside /scim/v2/, dot segments plain or encoded, are answered 404 here', async (t) => {
  const { mas, proxy } = await setup(t);
  const paths = [
    '/v1/authenticate',
    '/scim/v2/../v1/authenticate',
    '/scim/v2/%2e%2e/v1/authenticate',
    '/scim/v2/p1/Users/%2E%2E/%2E%2E/%2E%2E/v1/authenticate',
    '/scim/v2/p1/Users/..%2f..%2f..%2fv1%2fauthenticate',
    '/scim/v2/p1/Users/a%5c..%5c..',
    '/scim/v2/',
    '/scimx/v2/p1/Users',
  ];
  for (const path of paths) {
    // A raw request: fetch would resolve the dot segments before sending.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${proxy.url}${path}`, { headers: auth }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.path = path;
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 404, path);
  }
  assert.equal(mas.seen.length, 0);
});

test('invalid JSON is a 400 invalidSyntax that says where it broke, and nothing reaches MAS', async (t) => {
  const { mas, proxy } = await setup(t);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, {
    method: 'PATCH',
    headers: scimJson,
    body: '{"Operations":[',
  });
  assert.equal(res.status, 400);
  const body = await errorOf(res);
  assert.equal(body.scimType, 'invalidSyntax');
  assert.match(body.detail, /not valid JSON/);
  assert.equal(mas.seen.length, 0);
});

test('a body over BODY_LIMIT_BYTES is a 413 and nothing reaches MAS', async (t) => {
  const { mas, proxy } = await setup(t, { BODY_LIMIT_BYTES: '2048' });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users`, {
    method: 'POST',
    headers: scimJson,
    body: JSON.stringify({ userName: 'x'.repeat(5000) }),
  });
  assert.equal(res.status, 413);
  assert.match((await errorOf(res)).detail, /BODY_LIMIT_BYTES/);
  assert.equal(mas.seen.length, 0);
});

test('MAS unreachable is a 502 SCIM error naming MAS_URL, and the proxy keeps serving', async (t) => {
  const mas = await startUpstream();
  const deadUrl = mas.url;
  await mas.close();
  const proxy = await startProxy(deadUrl);
  t.after(() => proxy.close());
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users`, { headers: auth });
  assert.equal(res.status, 502);
  assert.match((await errorOf(res)).detail, /MAS_URL/);
  assert.equal((await fetch(`${proxy.url}/livez`)).status, 200);
});

test('MAS slower than UPSTREAM_TIMEOUT_MS is a 504 SCIM error', async (t) => {
  const { proxy } = await setup(t, { UPSTREAM_TIMEOUT_MS: '200' }, await startUpstream({ delayMs: 1500 }));
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users`, { headers: auth });
  assert.equal(res.status, 504);
  assert.match((await errorOf(res)).detail, /UPSTREAM_TIMEOUT_MS/);
});

test("MAS's own errors come back to Entra unchanged", async (t) => {
  const { proxy } = await setup(t, {}, await startUpstream({ status: 409 }));
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users`, {
    method: 'POST',
    headers: scimJson,
    body: '{"userName":"a"}',
  });
  assert.equal(res.status, 409);
  assert.deepEqual(await res.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409' });
});

test("Entra's client-request-id is echoed as x-request-id and passed to MAS; no x-powered-by", async (t) => {
  const { mas, proxy } = await setup(t);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users`, { headers: { ...auth, 'client-request-id': 'abc-123' } });
  assert.equal(res.headers.get('x-request-id'), 'abc-123');
  assert.equal(res.headers.get('x-powered-by'), null);
  assert.equal(mas.seen[0]?.headers['x-request-id'], 'abc-123');
});

test('a body that is not a JSON object is refused for PATCH', async (t) => {
  const { mas, proxy } = await setup(t);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { method: 'PATCH', headers: scimJson, body: '[1,2]' });
  assert.equal(res.status, 400);
  assert.equal(mas.seen.length, 0);
});
