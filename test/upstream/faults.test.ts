// What Entra gets when MAS fails: each fault becomes one SCIM error (or a safe retry), counted by
// kind, and the proxy goes on serving. MAS is a real HTTP (or raw TCP) server misbehaving on purpose.
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { Registry } from 'prom-client';
import { createMetrics } from '../../src/observe/metrics.ts';
import { auth, errorOf, scimJson, startProxy } from '../support/proxy.ts';
import { type SeenRequest, startUpstream } from '../support/upstream.ts';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const removal = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'remove', path: 'members[value eq "u1"]' }],
});

async function proxyWithMetrics(t: TestContext, masUrl: string, env: Record<string, string> = {}) {
  const registry = new Registry();
  const proxy = await startProxy(masUrl, env, [], { metrics: createMetrics(registry, { version: 'test' }) });
  t.after(() => proxy.close());
  const sample = async (name: string, labels: Record<string, string> = {}) => {
    const values = (await registry.getMetricsAsJSON()).flatMap((m) =>
      m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })),
    );
    const value = values.find((v) => v.name === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return value?.value ?? 0;
  };
  return { ...proxy, sample };
}

async function stillServing(url: string) {
  assert.equal((await fetch(`${url}/livez`)).status, 200);
}

/** A MAS that accepts connections and misbehaves at the TCP level. */
async function rawMas(t: TestContext, onRequest: (socket: net.Socket) => void) {
  let seen = 0;
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      seen += 1;
      onRequest(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: () => seen };
}

test('MAS refusing connections is a 502 counted as connect, and the proxy keeps serving', async (t) => {
  const closed = await startUpstream();
  await closed.close();
  const proxy = await proxyWithMetrics(t, closed.url);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users?filter=userName%20eq%20%22a%22`, { headers: auth });
  assert.equal(res.status, 502);
  const error = await errorOf(res);
  assert.deepEqual(error.schemas, [SCIM_ERROR]);
  assert.match(error.detail, /could not be reached \(ECONNREFUSED\).*MAS_URL/);
  assert.equal(await proxy.sample('scim_proxy_upstream_errors_total', { kind: 'connect' }), 1);
  await stillServing(proxy.url);
});

test('MAS cutting the connection mid-answer is a 502 for Entra, sent to MAS once, counted as reset', async (t) => {
  const mas = await rawMas(t, (socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/scim+json\r\ncontent-length: 500\r\n\r\n{"schemas":[');
    setTimeout(() => socket.destroy(), 20);
  });
  const proxy = await proxyWithMetrics(t, mas.url);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Groups/g1`, { method: 'PATCH', headers: scimJson, body: removal });
  assert.equal(res.status, 502);
  assert.match((await errorOf(res)).detail, /closed the connection before its answer was complete/);
  assert.equal(mas.seen(), 1, 'a PATCH MAS may have applied is never sent twice');
  assert.equal(await proxy.sample('scim_proxy_upstream_errors_total', { kind: 'reset' }), 1);
  await stillServing(proxy.url);
});

test('a PATCH whose connection is reset before any answer is not sent again', async (t) => {
  const mas = await rawMas(t, (socket) => socket.resetAndDestroy());
  const proxy = await proxyWithMetrics(t, mas.url);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Groups/g1`, { method: 'PATCH', headers: scimJson, body: removal });
  assert.equal(res.status, 502);
  assert.equal(mas.seen(), 1);
  assert.equal(await proxy.sample('scim_proxy_upstream_retries_total', { reason: 'reset' }), 0);
});

test('a GET whose connection is reset before any answer is sent once more, and the answer reaches Entra', async (t) => {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls += 1;
    if (calls === 1) {
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    res.end('{"id":"u1"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const proxy = await proxyWithMetrics(t, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { id: 'u1' });
  assert.equal(calls, 2);
  assert.equal(await proxy.sample('scim_proxy_upstream_retries_total', { reason: 'reset' }), 1);
});

test('MAS slower than UPSTREAM_TIMEOUT_MS is a 504 counted as timeout, and the request is not repeated', async (t) => {
  const mas = await startUpstream({ delayMs: 1500 });
  t.after(() => mas.close());
  const proxy = await proxyWithMetrics(t, mas.url, { UPSTREAM_TIMEOUT_MS: '300' });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { method: 'DELETE', headers: auth });
  assert.equal(res.status, 504);
  assert.match((await errorOf(res)).detail, /UPSTREAM_TIMEOUT_MS/);
  assert.equal(await proxy.sample('scim_proxy_upstream_errors_total', { kind: 'timeout' }), 1);
  assert.equal(mas.seen.length, 1);
  await stillServing(proxy.url);
});

test("a 5xx SCIM error from MAS reaches Entra unchanged and is counted by MAS's status", async (t) => {
  const body = JSON.stringify({ schemas: [SCIM_ERROR], status: '500', detail: 'BMXAA0001E database down' });
  const mas = await startUpstream({
    respond: (_request, res) => {
      res.writeHead(500, { 'content-type': 'application/scim+json' });
      res.end(body);
    },
  });
  t.after(() => mas.close());
  const proxy = await proxyWithMetrics(t, mas.url);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 500);
  assert.equal(await res.text(), body);
  const count = await proxy.sample('scim_proxy_upstream_request_duration_seconds_count', { code: '500' });
  assert.equal(count, 1);
});

test("an HTML error page from MAS's router becomes a SCIM error that says to check MAS_URL", async () => {
  for (const [masStatus, entraStatus] of [
    [503, 503],
    [404, 502],
  ]) {
    const mas = await startUpstream({
      respond: (_request, res) => {
        res.writeHead(masStatus ?? 500, { 'content-type': 'text/html', 'retry-after': '30' });
        res.end('<html><body>Application is not available</body></html>');
      },
    });
    const proxy = await startProxy(mas.url);
    const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
    await proxy.close();
    await mas.close();
    assert.equal(res.status, entraStatus);
    assert.match(res.headers.get('content-type') ?? '', /application\/scim\+json/);
    const error = await errorOf(res);
    assert.deepEqual(error.schemas, [SCIM_ERROR]);
    assert.match(error.detail, new RegExp(`MAS answered ${masStatus} without a SCIM error body.*MAS_URL`));
  }
});

function throttlingMas(answers: readonly { status: number; retryAfter?: string }[]) {
  let call = 0;
  return startUpstream({
    respond: (_request: SeenRequest, res: http.ServerResponse) => {
      const answer = answers[Math.min(call, answers.length - 1)] ?? { status: 200 };
      call += 1;
      res.writeHead(answer.status, {
        'content-type': 'application/scim+json',
        ...(answer.retryAfter && { 'retry-after': answer.retryAfter }),
      });
      res.end(JSON.stringify(answer.status === 200 ? { id: 'u1' } : { schemas: [SCIM_ERROR], status: '429' }));
    },
  });
}

test('a 429 with a short Retry-After is waited out and retried, so Entra gets the answer and never a 429', async (t) => {
  const mas = await throttlingMas([{ status: 429, retryAfter: '1' }, { status: 200 }]);
  t.after(() => mas.close());
  const proxy = await proxyWithMetrics(t, mas.url);
  const started = performance.now();
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { method: 'PATCH', headers: scimJson, body: removal });
  assert.equal(res.status, 200);
  assert.ok(performance.now() - started >= 900, 'the proxy waited as MAS asked');
  assert.equal(mas.seen.length, 2);
  assert.deepEqual(mas.seen[1]?.body, mas.seen[0]?.body);
  assert.equal(await proxy.sample('scim_proxy_upstream_retries_total', { reason: 'throttled' }), 1);
});

test('MAS throttling without end is a 503 with Retry-After after two waits, never a 429', async (t) => {
  const mas = await throttlingMas([{ status: 429, retryAfter: '0' }]);
  t.after(() => mas.close());
  const proxy = await proxyWithMetrics(t, mas.url);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.match((await errorOf(res)).detail, /throttling/);
  assert.equal(mas.seen.length, 3);
});

test('a Retry-After longer than Entra would wait is passed on at once, as a 503', async (t) => {
  const mas = await throttlingMas([{ status: 429, retryAfter: '120' }]);
  t.after(() => mas.close());
  const proxy = await proxyWithMetrics(t, mas.url);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '120');
  assert.equal(mas.seen.length, 1);
  await stillServing(proxy.url);
});

test("a 401 from MAS to a static MAS_TOKEN is a 502 about the proxy's credentials, not Entra's", async (t) => {
  const mas = await startUpstream({ status: 401 });
  t.after(() => mas.close());
  const proxy = await proxyWithMetrics(t, mas.url);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 502);
  const { detail } = await errorOf(res);
  assert.match(detail, /MAS rejected scim-proxy's MAS_TOKEN \(401\); a static token is never renewed/);
  assert.doesNotMatch(detail, /after renewing/, 'nothing was renewed');
  assert.equal(mas.seen.length, 1, 'a static token cannot be renewed, so there is nothing to retry');
  assert.equal(await proxy.sample('scim_proxy_upstream_request_duration_seconds_count', { code: '401' }), 1);
});
