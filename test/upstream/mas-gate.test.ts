// MAS_MAX_CONCURRENCY: MAS never sees more requests at once than the cap; the rest wait their turn
// instead of failing, and only a full queue or a long wait answers Entra 503 with Retry-After.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createMetrics } from '../../src/observe/metrics.ts';
import { ScimError } from '../../src/scim/error.ts';
import { masGate } from '../../src/upstream/mas-gate.ts';
import { auth, errorOf, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

test('the gate lets in up to the cap and then one waiter per release, first come first served', async () => {
  const gate = masGate({ max: 2, queueLimit: 10, queueTimeoutMs: 5000 });
  const first = await gate.acquire();
  await gate.acquire();
  const order: string[] = [];
  const noting = (name: string) => (release: () => void) => {
    order.push(name);
    return release;
  };
  const third = gate.acquire().then(noting('third'));
  const fourth = gate.acquire().then(noting('fourth'));
  await sleep(10);
  assert.deepEqual(gate.state(), { inFlight: 2, queued: 2 });
  first();
  first();
  await third;
  assert.deepEqual(order, ['third'], 'a release given twice frees one slot only');
  assert.deepEqual(gate.state(), { inFlight: 2, queued: 1 });
  (await third)();
  await fourth;
  assert.deepEqual(order, ['third', 'fourth']);
});

test('a free slot is taken at once without waiting; a full gate leaves the caller to queue', async () => {
  const waits: number[] = [];
  const gate = masGate({ max: 1, queueLimit: 10, queueTimeoutMs: 5000, onWait: (s) => waits.push(s) });
  const release = gate.tryAcquire();
  assert.ok(release, 'the free slot');
  assert.deepEqual(gate.state(), { inFlight: 1, queued: 0 });
  assert.equal(gate.tryAcquire(), undefined, 'no slot, and nothing queued by asking');
  assert.deepEqual(gate.state(), { inFlight: 1, queued: 0 });
  const queued = gate.acquire();
  await sleep(10);
  release();
  const next = await queued;
  assert.deepEqual(gate.state(), { inFlight: 1, queued: 0 }, 'the release went to the waiter');
  assert.equal(gate.tryAcquire(), undefined, 'not to a caller that asks without queueing');
  next();
  assert.deepEqual(gate.state(), { inFlight: 0, queued: 0 });
  assert.equal(waits.length, 2);
  assert.equal(waits[0], 0);
});

test('a full queue is refused at once with 503 and a Retry-After', async () => {
  const rejected: string[] = [];
  const gate = masGate({ max: 1, queueLimit: 1, queueTimeoutMs: 4000, onReject: (r) => rejected.push(r) });
  await gate.acquire();
  const waiting = gate.acquire();
  const error = await gate.acquire().catch((e: unknown) => e);
  assert.ok(error instanceof ScimError);
  assert.equal(error.status, 503);
  assert.equal(error.code, 'mas_queue_full');
  assert.equal(error.headers['retry-after'], '4');
  assert.match(error.message, /MAS_QUEUE_LIMIT/);
  assert.deepEqual(rejected, ['full']);
  assert.equal(gate.state().queued, 1);
  void waiting.catch(() => {});
});

test('a wait past MAS_QUEUE_TIMEOUT_MS is a 503 and leaves the queue', async () => {
  const waits: number[] = [];
  const gate = masGate({ max: 1, queueLimit: 5, queueTimeoutMs: 50, onWait: (s) => waits.push(s) });
  await gate.acquire();
  const error = await gate.acquire().catch((e: unknown) => e);
  assert.ok(error instanceof ScimError);
  assert.equal(error.code, 'mas_queue_timeout');
  assert.deepEqual(gate.state(), { inFlight: 1, queued: 0 });
  assert.deepEqual(waits, [0], 'only the granted request records a wait');
});

test('a caller that gives up while waiting leaves the queue and never takes a slot', async () => {
  const gate = masGate({ max: 1, queueLimit: 5, queueTimeoutMs: 5000 });
  const release = await gate.acquire();
  const abandon = new AbortController();
  const waiting = gate.acquire(abandon.signal);
  abandon.abort(new Error('gone'));
  await assert.rejects(waiting, /gone/);
  assert.deepEqual(gate.state(), { inFlight: 1, queued: 0 });
  release();
  assert.deepEqual(gate.state(), { inFlight: 0, queued: 0 });
});

test('no cap (0) lets every request through', async () => {
  const gate = masGate({ max: 0, queueLimit: 0, queueTimeoutMs: 0 });
  await Promise.all(Array.from({ length: 50 }, () => gate.acquire()));
  assert.equal(gate.state().inFlight, 50);
});

/** A MAS that holds every request until the test lets it answer, and notes the most it held at once. */
async function heldMas(t: TestContext) {
  const held: http.ServerResponse[] = [];
  let most = 0;
  const mas = await startUpstream({
    respond: (_request, res) => {
      held.push(res);
      most = Math.max(most, held.length);
    },
  });
  t.after(() => mas.close());
  const answerAll = () => {
    for (const res of held.splice(0)) {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      res.end('{"id":"u1"}');
    }
  };
  return { ...mas, held, most: () => most, answerAll };
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  assert.ok(condition(), 'condition not reached in 2 s');
}

test('through the proxy, MAS never holds more than MAS_MAX_CONCURRENCY requests and every request is answered', async (t) => {
  const mas = await heldMas(t);
  const registry = new Registry();
  const proxy = await startProxy(mas.url, { MAS_MAX_CONCURRENCY: '2' }, [], {
    metrics: createMetrics(registry, { version: 't' }),
  });
  t.after(() => proxy.close());
  const answers = Array.from({ length: 6 }, (_, i) => fetch(`${proxy.url}/scim/v2/p1/Users/u${i}`, { headers: auth }));
  await until(() => mas.held.length === 2);
  await sleep(50);
  assert.equal(mas.seen.length, 2);
  const exposition = await registry.metrics();
  assert.match(exposition, /^scim_proxy_mas_queue_depth 4$/m);
  assert.match(exposition, /^scim_proxy_mas_in_flight_requests 2$/m);
  while (mas.seen.length < 6 || mas.held.length > 0) {
    await until(() => mas.held.length > 0);
    mas.answerAll();
    await sleep(5);
  }
  const statuses = await Promise.all(answers.map(async (a) => (await a).status));
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
  assert.equal(mas.most(), 2);
  assert.match(await registry.metrics(), /^scim_proxy_mas_queue_wait_seconds_count 6$/m);
});

test('through the proxy, a request beyond the queue gets 503 with Retry-After and never reaches MAS', async (t) => {
  const mas = await heldMas(t);
  const registry = new Registry();
  const env = { MAS_MAX_CONCURRENCY: '1', MAS_QUEUE_LIMIT: '1', MAS_QUEUE_TIMEOUT_MS: '10000' };
  const proxy = await startProxy(mas.url, env, [], { metrics: createMetrics(registry, { version: 't' }) });
  t.after(() => proxy.close());
  const first = fetch(`${proxy.url}/scim/v2/p1/Users/a`, { headers: auth });
  await until(() => mas.held.length === 1);
  const second = fetch(`${proxy.url}/scim/v2/p1/Users/b`, { headers: auth });
  await sleep(50);
  const third = await fetch(`${proxy.url}/scim/v2/p1/Users/c`, { headers: auth });
  assert.equal(third.status, 503);
  assert.equal(third.headers.get('retry-after'), '10');
  assert.match((await errorOf(third)).detail, /MAS_QUEUE_LIMIT/);
  assert.match(await registry.metrics(), /^scim_proxy_mas_queue_rejections_total\{reason="full"\} 1$/m);
  mas.answerAll();
  await until(() => mas.held.length === 1);
  mas.answerAll();
  assert.equal((await first).status, 200);
  assert.equal((await second).status, 200);
  assert.deepEqual(
    mas.seen.map((r) => r.path),
    ['/scim/v2/p1/Users/a', '/scim/v2/p1/Users/b'],
  );
});

test('a request Entra abandons while it waits for a slot never reaches MAS', async (t) => {
  const mas = await heldMas(t);
  const proxy = await startProxy(mas.url, { MAS_MAX_CONCURRENCY: '1' });
  t.after(() => proxy.close());
  const first = fetch(`${proxy.url}/scim/v2/p1/Users/a`, { headers: auth });
  await until(() => mas.held.length === 1);
  const abandon = new AbortController();
  const second = fetch(`${proxy.url}/scim/v2/p1/Users/b`, { headers: auth, signal: abandon.signal });
  await sleep(50);
  abandon.abort();
  await assert.rejects(second);
  await sleep(50);
  mas.answerAll();
  assert.equal((await first).status, 200);
  await sleep(100);
  assert.deepEqual(
    mas.seen.map((r) => r.path),
    ['/scim/v2/p1/Users/a'],
  );
});
