// Health, draining and the HTTPS listener of the running service.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { auth, startProxy } from '../support/proxy.ts';
import { selfSignedCertificate } from '../support/tls.ts';
import { startUpstream } from '../support/upstream.ts';

test('draining turns /readyz to 503 and lets an in-flight request finish', async (t) => {
  const mas = await startUpstream({ delayMs: 400 });
  t.after(() => mas.close());
  const proxy = await startProxy(mas.url);
  assert.equal((await fetch(`${proxy.url}/readyz`)).status, 200);
  const inFlight = fetch(`${proxy.url}/scim/v2/p1/Users`, { headers: auth });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(proxy.service.readiness.ready, true);
  const drained = proxy.service.drain();
  assert.equal(proxy.service.readiness.ready, false);
  const res = await inFlight;
  assert.equal(res.status, 200, 'the request that was in flight completed');
  await drained;
  await assert.rejects(fetch(`${proxy.url}/livez`), 'the listener is closed after draining');
});

test('the start-up hook (the memory-reducing collection of main.ts) runs once per start, and the proxy is ready after it', async (t) => {
  const mas = await startUpstream();
  t.after(() => mas.close());
  let calls = 0;
  const proxy = await startProxy(mas.url, {}, [], { beforeReady: () => calls++ });
  t.after(() => proxy.close());
  assert.equal(calls, 1);
  assert.equal(proxy.service.readiness.ready, true);
  assert.equal((await fetch(`${proxy.url}/readyz`)).status, 200);
});

test('a connection that never sent a request does not hold the drain up to SHUTDOWN_TIMEOUT_MS', async (t) => {
  const mas = await startUpstream();
  t.after(() => mas.close());
  const proxy = await startProxy(mas.url, { SHUTDOWN_TIMEOUT_MS: '20000' });
  const spare = net.connect(Number(new URL(proxy.url).port), '127.0.0.1');
  await once(spare, 'connect');
  const closed = once(spare, 'close');
  const started = performance.now();
  await proxy.service.drain();
  await closed;
  assert.ok(performance.now() - started < 5000, `drained in ${Math.round(performance.now() - started)} ms`);
});

test('with TLS_CERT_FILE and TLS_KEY_FILE the proxy also serves HTTPS (OpenShift reencrypt)', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tls-'));
  let cert: string;
  let key: string;
  try {
    ({ cert, key } = selfSignedCertificate(dir, 'localhost'));
  } catch {
    await rm(dir, { recursive: true, force: true });
    return t.skip('openssl not found');
  }
  const mas = await startUpstream();
  const proxy = await startProxy(mas.url, { TLS_CERT_FILE: cert, TLS_KEY_FILE: key, TLS_PORT: '0' });
  t.after(async () => {
    await proxy.close();
    await mas.close();
    await rm(dir, { recursive: true, force: true });
  });
  const status = await new Promise<number>((resolve, reject) => {
    https
      .get(
        `https://127.0.0.1:${proxy.service.tlsPort}/scim/v2/p1/Users`,
        { headers: auth, rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
      .on('error', reject);
  });
  assert.equal(status, 200);
  assert.equal(mas.seen.length, 1);
});
