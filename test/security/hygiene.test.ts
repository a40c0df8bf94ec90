// Security hygiene: headers fit for an API, the Secret Token compared in constant time, failed logins
// counted, and no secret in any answer, log line, audit record or metric.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import { mock, test } from 'node:test';
import type { Request, Response } from 'express';
import { startMetricsServer } from '../../src/observe/metrics-server.ts';
import { AUTH, ENTRA_TOKEN, type GuardedProxy, MAS_TOKEN, startGuardedProxy } from './guarded-proxy.ts';
import { rawRequest, sendRaw } from './raw-http.ts';

interface Seen {
  status: number;
  headers: Headers;
  body: string;
}

async function get(
  p: GuardedProxy,
  path: string,
  headers: Record<string, string> = { authorization: AUTH },
  init: RequestInit = {},
): Promise<Seen> {
  const res = await fetch(`${p.url}${path}`, { headers, ...init });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function authFailures(p: GuardedProxy): Promise<number> {
  const metric = await p.registry.getSingleMetric('scim_proxy_inbound_auth_failures_total')?.get();
  return metric ? metric.values.reduce((sum, v) => sum + v.value, 0) : Number.NaN;
}

test("answers, forwarded or the proxy's own, carry no x-powered-by, and carry nosniff and no-store", async (t) => {
  const p = await startGuardedProxy(t);
  const answers = {
    livez: await get(p, '/livez', {}),
    forwarded: await get(p, '/scim/v2/p1/Users'),
    unauthorized: await get(p, '/scim/v2/p1/Users', {}),
    notScim: await get(p, '/v1/authenticate'),
    badJson: await get(
      p,
      '/scim/v2/p1/Users',
      { authorization: AUTH, 'content-type': 'application/scim+json' },
      {
        method: 'POST',
        body: '{',
      },
    ),
    methodNotAllowed: await get(p, '/scim/v2/p1/Users', { authorization: AUTH }, { method: 'OPTIONS' }),
  };
  for (const [name, answer] of Object.entries(answers)) {
    assert.equal(answer.headers.get('x-powered-by'), null, name);
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', name);
    assert.equal(answer.headers.get('cache-control'), 'no-store', name);
  }
  assert.deepEqual(
    Object.values(answers).map((a) => a.status),
    [200, 200, 401, 404, 400, 405],
  );
});

test('every error the proxy answers is application/scim+json with the SCIM error schema', async (t) => {
  const p = await startGuardedProxy(t);
  const errors = [
    await get(p, '/scim/v2/p1/Users', {}),
    await get(p, '/scim/v2/p1/Users', { authorization: 'Bearer wrong' }),
    await get(p, '/nowhere'),
    await get(p, '/scim/v2/p1/Users?filter=%zz'),
    await get(
      p,
      '/scim/v2/p1/Users',
      { authorization: AUTH, 'content-type': 'text/plain' },
      { method: 'POST', body: 'x' },
    ),
    await get(p, '/scim/v2/p1/Users', { authorization: AUTH }, { method: 'OPTIONS' }),
  ];
  for (const error of errors) {
    assert.equal(error.headers.get('content-type'), 'application/scim+json; charset=utf-8', error.body);
    const body = JSON.parse(error.body) as { schemas: string[]; status: string };
    assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(body.status, String(error.status));
  }
});

test('the parser-error handler answers oversized headers and malformed requests with SCIM error bodies', async (t) => {
  const { clientError } = await import('../../src/http/client-error.ts');
  const server = http.createServer((_req, res) => res.end('ok'));
  server.on('clientError', clientError());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const big = await sendRaw(url, rawRequest(['GET / HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`]));
  const garbage = await sendRaw(url, 'GARBAGE\r\n\r\n');
  for (const [answer, status] of [
    [big, 431],
    [garbage, 400],
  ] as const) {
    assert.equal(answer.status, status);
    assert.equal(answer.headers['content-type'], 'application/scim+json; charset=utf-8');
    assert.equal(JSON.parse(answer.body).status, String(status));
  }
});

test('every failed authentication is counted in scim_proxy_inbound_auth_failures_total, and no good one', async (t) => {
  const p = await startGuardedProxy(t);
  assert.equal(await authFailures(p), 0);
  const refused: Record<string, string>[] = [
    {},
    { authorization: '' },
    { authorization: 'Bearer wrong' },
    { authorization: `Basic ${ENTRA_TOKEN}` },
  ];
  for (const headers of refused) {
    assert.equal((await get(p, '/scim/v2/p1/Users', headers)).status, 401);
  }
  assert.equal((await get(p, '/scim/v2/p1/Users')).status, 200);
  assert.equal(await authFailures(p), 4);
  for (let i = 0; i < 20; i++) await get(p, '/scim/v2/p1/Groups', { authorization: `Bearer guess-${i}` });
  assert.equal(await authFailures(p), 24);
});

test('the token check runs timingSafeEqual on fixed-size digests against every configured token, whatever is presented', async (t) => {
  const spy = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  t.after(() => {
    spy.mock.restore();
    syncBuiltinESMExports();
  });
  const { inboundAuth } = await import('../../src/http/inbound-auth.ts');
  const check = inboundAuth({ tokens: () => [ENTRA_TOKEN, 'second-token-for-rotation'] });
  const presented = ['', 'x', ENTRA_TOKEN.slice(0, -1), `${ENTRA_TOKEN}x`, ENTRA_TOKEN, 'y'.repeat(10_000)];
  for (const token of presented) {
    spy.mock.resetCalls();
    let passed: unknown = 'not called';
    const req = {
      get: (name: string) => (name === 'authorization' ? `Bearer ${token}` : undefined),
    } as unknown as Request;
    await check(req, {} as Response, (error?: unknown) => {
      passed = error;
    });
    assert.equal(
      passed === undefined,
      token === ENTRA_TOKEN,
      `"${token.slice(0, 20)}" ${passed === undefined ? 'passed' : 'failed'}`,
    );
    assert.equal(spy.mock.callCount(), 2, 'one comparison per configured token, even after a match');
    for (const call of spy.mock.calls) {
      assert.deepEqual(
        call.arguments.map((b) => (b as Buffer).length),
        [32, 32],
      );
    }
  }
});

test('wrong tokens of any length or shared prefix are refused with the same answer', async (t) => {
  const p = await startGuardedProxy(t);
  const shape = (a: Seen) => ({
    status: a.status,
    body: a.body,
    headers: [...a.headers].filter(([name]) => !['date', 'x-request-id'].includes(name)),
  });
  const wrong = ['x', ENTRA_TOKEN.slice(0, -1), `${ENTRA_TOKEN}x`, `${ENTRA_TOKEN.slice(0, -1)}X`, 'z'.repeat(4000)];
  const answers = [];
  for (const token of wrong)
    answers.push(shape(await get(p, '/scim/v2/p1/Users', { authorization: `Bearer ${token}` })));
  assert.equal(answers[0]?.status, 401);
  for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
  assert.equal(p.mas.seen.length, 0);
});

test('no token, right or wrong, appears in an answer, a log line, an audit record or /metrics', async (t) => {
  const p = await startGuardedProxy(t);
  const metrics = await startMetricsServer(p.registry, { port: 0, host: '127.0.0.1' });
  t.after(() => metrics.close());
  const wrong = 'wrong-secret-4a7f2c9e';
  const answers: string[] = [];
  const keep = async (seen: Seen) => {
    answers.push(`${seen.status} ${JSON.stringify([...seen.headers])} ${seen.body}`);
  };
  const json = { authorization: AUTH, 'content-type': 'application/scim+json' };
  await keep(await get(p, '/scim/v2/p1/Users'));
  await keep(
    await get(p, '/scim/v2/p1/Users', json, { method: 'POST', body: '{"userName":"a","password":"p4ss-9e1"}' }),
  );
  await keep(await get(p, '/scim/v2/p1/Users/u1', json, { method: 'PATCH', body: '{"Operations":[' }));
  await keep(await get(p, '/scim/v2/p1/Users', { authorization: `Bearer ${wrong}` }));
  await keep(await get(p, '/scim/v2/p1/Users', { authorization: `Basic ${wrong}` }));
  await keep(await get(p, `/scim/v2/p1/Users?access_token=${wrong}`, {}));
  await keep(await get(p, '/v1/authenticate', { authorization: `Bearer ${wrong}` }));
  const trace = await sendRaw(
    p.url,
    rawRequest(['TRACE /scim/v2/p1/Users HTTP/1.1', `Host: ${p.host}`, `Authorization: ${AUTH}`]),
  );
  answers.push(trace.raw.toString('latin1'));
  const exposition = await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text();
  await new Promise((resolve) => setImmediate(resolve));
  const lines = p.lines();
  assert.ok(lines.some((line) => line.includes('"kind":"audit"')));
  for (const secret of [ENTRA_TOKEN, MAS_TOKEN, wrong, 'p4ss-9e1']) {
    // The stand-in MAS echoes a created user's password, as a real SCIM server must not; that is MAS's answer.
    if (secret !== 'p4ss-9e1') {
      assert.deepEqual(
        answers.filter((a) => a.includes(secret)),
        [],
        `${secret} in an answer`,
      );
    }
    assert.deepEqual(
      lines.filter((line) => line.includes(secret)),
      [],
      `${secret} in the log or audit trail`,
    );
    assert.equal(exposition.includes(secret), false, `${secret} in /metrics`);
  }
  // MAS did get its own token, and only that one.
  assert.ok(p.mas.seen.length > 0);
  for (const seen of p.mas.seen) assert.equal(seen.headers.authorization, `Bearer ${MAS_TOKEN}`);
});
