// The hostile catalogue of least privilege (issue 17): whoever holds Entra's Secret Token can do what
// Entra's provisioning does through the proxy, and nothing more. Each case runs through the running
// proxy and asserts what reached the MAS stand-in: nothing, or the request in its safe form.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import {
  type Answer,
  AUTH,
  type GuardedProxy,
  HEADERS_MAS_MAY_RECEIVE,
  raw,
  scimErrorOf,
  send,
  startGuardedProxy,
} from './guarded-proxy.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function assertScimError(answer: Answer, status: number, detail: RegExp): { scimType?: string } {
  const error = scimErrorOf(answer, status);
  assert.match(error.detail, detail);
  return error;
}

const reached = (p: GuardedProxy) => p.mas.seen.map((s) => `${s.method} ${s.path}`);
const patch = (Operations: unknown) => ({ schemas: [PATCH_OP], Operations });

// --- Routes -----------------------------------------------------------------------------------------

test('a Bulk request carrying a group wipe is a 404 that says why, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const bulk = {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
    Operations: [{ method: 'PATCH', path: '/Groups/G1', data: patch([{ op: 'remove', path: 'members' }]) }],
  };
  for (const path of ['/scim/v2/MasProfile1/Bulk', '/scim/v2/Bulk', '/scim/v2/MasProfile1/bulk']) {
    assertScimError(await send(p, 'POST', path, bulk), 404, /Bulk.*rules, the guard and the audit trail/);
  }
  assert.deepEqual(reached(p), []);
  assert.ok(await p.stillServes());
});

test('the profile API is a 404 for every method, in any case, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const profile = { id: 'MasProfile1', useGroupDisplayNameAsGroupId: false };
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
    for (const path of ['/scim/v2/Profiles', '/scim/v2/Profiles/MasProfile1', '/scim/v2/profiles/MasProfile1']) {
      const body = ['GET', 'DELETE'].includes(method) ? undefined : profile;
      assertScimError(await send(p, method, path, body), 404, /profile API.*entitled/);
    }
  }
  assert.deepEqual(reached(p), []);
});

test('/Me, POST .search, Applications and deeper paths are a 404, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName pr' };
  assertScimError(await send(p, 'GET', '/scim/v2/Me'), 404, /own MAS user/);
  assertScimError(await send(p, 'GET', '/scim/v2/MasProfile1/Me'), 404, /not forwarded/);
  assertScimError(await send(p, 'POST', '/scim/v2/MasProfile1/Users/.search', search), 404, /GET with \?filter=/);
  assertScimError(await send(p, 'POST', '/scim/v2/MasProfile1/.search', search), 404, /GET with \?filter=/);
  assertScimError(await send(p, 'GET', '/scim/v2/MasProfile1/Applications'), 404, /"Applications" is not forwarded/);
  assertScimError(await send(p, 'GET', '/scim/v2/MasProfile1/Users/u1/groups'), 404, /serves SCIM under/);
  assert.deepEqual(reached(p), []);
});

test('a write to a discovery endpoint is a 405 with Allow: GET, HEAD, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const schema = { id: 'urn:ietf:params:scim:schemas:core:2.0:User', attributes: [] };
  for (const [method, path] of [
    ['PUT', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'],
    ['POST', '/scim/v2/MasProfile1/Schemas'],
    ['DELETE', '/scim/v2/ResourceTypes/User'],
    ['PATCH', '/scim/v2/MasProfile1/ServiceProviderConfig'],
  ] as const) {
    const body = method === 'DELETE' ? undefined : schema;
    const answer = await send(p, method, path, body);
    assertScimError(answer, 405, /read-only/);
    assert.equal(answer.headers.allow, 'GET, HEAD');
  }
  assert.deepEqual(reached(p), []);
});

test('the routes are refused without SCIM_TOKEN too, where the caller authenticates to MAS itself', async (t) => {
  const p = await startGuardedProxy(t, { SCIM_TOKEN: '', MAS_TOKEN: '' });
  assertScimError(await send(p, 'PUT', '/scim/v2/Profiles/MasProfile1', { id: 'MasProfile1' }), 404, /profile API/);
  assertScimError(await send(p, 'POST', '/scim/v2/Bulk', { Operations: [] }), 404, /Bulk/);
  assertScimError(await send(p, 'PUT', '/scim/v2/Schemas/x', {}), 405, /read-only/);
  assert.deepEqual(reached(p), []);
});

test('a resource named in another case reaches MAS in its canonical spelling, through the rules and the guard', async (t) => {
  const p = await startGuardedProxy(t);
  const legacy = patch([{ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }]);
  assert.equal((await send(p, 'PATCH', '/scim/v2/MasProfile1/groups/G1', legacy)).status, 204);
  assert.equal((await send(p, 'GET', '/scim/v2/MasProfile1/USERS?filter=userName+eq+%22a%22')).status, 200);
  const wipe = patch([{ op: 'remove', path: 'members' }]);
  assertScimError(await send(p, 'PATCH', '/scim/v2/MasProfile1/gRoUpS/G1', wipe), 400, /every member/);
  assert.deepEqual(reached(p), ['PATCH /scim/v2/MasProfile1/Groups/G1', 'GET /scim/v2/MasProfile1/Users']);
  assert.deepEqual(p.mas.seen[0]?.body, patch([{ op: 'remove', path: 'members[value eq "u1"]' }]));
});

// --- The guard judges effect, not spelling -----------------------------------------------------------

const URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** Each empties, or nearly empties, a group on a server that applies RFC 7644 or reads names in any case. */
const WIPES: Record<string, unknown> = {
  'path-less replace with no members': patch([{ op: 'replace', value: { members: [] } }]),
  'path-less replace, Members': patch([{ op: 'replace', value: { Members: [] } }]),
  'path-less replace, members null': patch([{ op: 'replace', value: { members: null } }]),
  'replace of members with {}': patch([{ op: 'replace', path: 'members', value: {} }]),
  'replace of members with [{}]': patch([{ op: 'replace', path: 'members', value: [{}] }]),
  'members[value pr]': patch([{ op: 'remove', path: 'members[value pr]' }]),
  'members[value ne "x"]': patch([{ op: 'remove', path: 'members[value ne "x"]' }]),
  'members[]': patch([{ op: 'remove', path: 'members[]' }]),
  'members.value': patch([{ op: 'remove', path: 'members.value' }]),
  'URN-qualified members': patch([{ op: 'remove', path: `${URN}:members` }]),
  'operations in lower case': { schemas: [PATCH_OP], operations: [{ op: 'remove', path: 'members' }] },
  'OPERATIONS in upper case': { schemas: [PATCH_OP], OPERATIONS: [{ op: 'remove', path: 'members' }] },
  'Op and Path': patch([{ Op: 'remove', Path: 'members' }]),
};

test('every spelling of a group wipe is refused with the safe form, or reaches MAS as no wipe at all', async (t) => {
  const p = await startGuardedProxy(t);
  for (const [name, body] of Object.entries(WIPES)) {
    const answer = await send(p, 'PATCH', '/scim/v2/MasProfile1/Groups/G1', body);
    // The normalizing rules may already have made it harmless (answered here, or rewritten); else the guard refuses it.
    if (answer.status === 400) assertScimError(answer, 400, /members\[value eq \\"<id>\\"\]|spelled/);
    else assert.equal(answer.status, 204, `${name}: ${answer.body}`);
  }
  for (const seen of p.mas.seen) {
    const operations = (seen.body as { Operations: { op: string; path?: string; value?: unknown }[] }).Operations;
    for (const op of operations) {
      const onMembers = /members/i.test(op.path ?? JSON.stringify(op.value ?? ''));
      const named = /^members\[value eq "[^"]*"\]$/.test(op.path ?? '');
      assert.ok(!onMembers || op.op === 'add' || named, `a wipe reached MAS: ${JSON.stringify(op)}`);
    }
  }
  assert.ok(await p.stillServes());
});

test('keys that collide in another case, Operations as an object and invisible characters are each a 400', async (t) => {
  const p = await startGuardedProxy(t);
  const path = '/scim/v2/MasProfile1/Groups/G1';
  const both = `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"displayName","value":"x"}],"operations":[{"op":"remove","path":"members"}]}`;
  assertScimError(await send(p, 'PATCH', path, both), 400, /"Operations" and "operations" name the same attribute/);
  const twoOps = patch([{ op: 'add', OP: 'remove', path: 'members' }]);
  assertScimError(await send(p, 'PATCH', path, twoOps), 400, /"op" and "OP" name the same attribute/);
  const object = { schemas: [PATCH_OP], Operations: { op: 'remove', path: 'members' } };
  assertScimError(await send(p, 'PATCH', path, object), 400, /"Operations" must be an array/);
  for (const operation of [
    { op: 'remove\u0000', path: 'members' },
    { op: 'remove', path: 'members\u200b' },
  ]) {
    assertScimError(await send(p, 'PATCH', path, patch([operation])), 400, /control or invisible characters/);
  }
  assertScimError(await send(p, 'PATCH', '/scim/v2/p1/Users/u1', object), 400, /must be an array/);
  assert.deepEqual(reached(p), []);
});

test('a PUT of a group reaches MAS only with the explicit member list it replaces', async (t) => {
  const p = await startGuardedProxy(t);
  const path = '/scim/v2/MasProfile1/Groups/G1';
  const group = { schemas: [URN], displayName: 'G1' };
  assertScimError(await send(p, 'PUT', path, group), 400, /PUT without "members"/);
  assertScimError(await send(p, 'PUT', path, { ...group, members: [] }), 400, /an empty list/);
  assertScimError(await send(p, 'PUT', path, { ...group, members: [{ display: 'A' }] }), 400, /without a "value"/);
  assert.deepEqual(reached(p), []);
  const full = { ...group, members: [{ value: 'u1' }, { value: 'u2' }] };
  assert.equal((await send(p, 'PUT', path, full)).status, 204);
  assert.deepEqual(reached(p), [`PUT ${path}`]);
  assert.deepEqual(p.mas.seen[0]?.body, full);
});

test('ALLOW_REMOVE_ALL_MEMBERS still lets an intended wipe through, and nothing malformed', async (t) => {
  const p = await startGuardedProxy(t, { ALLOW_REMOVE_ALL_MEMBERS: 'true' });
  const path = '/scim/v2/MasProfile1/Groups/G1';
  assert.equal((await send(p, 'PATCH', path, patch([{ op: 'remove', path: 'members' }]))).status, 204);
  assert.equal((await send(p, 'PUT', path, { displayName: 'G1', members: [] })).status, 204);
  const object = { schemas: [PATCH_OP], Operations: { op: 'remove', path: 'members' } };
  assertScimError(await send(p, 'PATCH', path, object), 400, /must be an array/);
  assert.deepEqual(reached(p), [`PATCH ${path}`, `PUT ${path}`]);
});

// --- Headers, both ways ------------------------------------------------------------------------------

test("a caller's cookies, API keys, forwarding and hop-by-hop headers never reach MAS", async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await raw(
    p,
    [
      'PATCH /scim/v2/MasProfile1/Users/u1 HTTP/1.1',
      `Authorization: ${AUTH}`,
      'Content-Type: application/scim+json',
      'Cookie: LtpaToken2=stolen',
      'apikey: caller-key',
      'x-access-token: caller-jwt',
      'maxauth: d2lsc29uOndpbHNvbg==',
      'mas-jwt-expiry-duration: 99999999',
      'Proxy-Authorization: Basic eA==',
      'X-Forwarded-For: 10.0.0.1',
      'X-Forwarded-Host: mas.internal',
      'X-Forwarded-Proto: http',
      'Forwarded: for=10.0.0.1',
      'X-Real-IP: 10.0.0.1',
      'TE: trailers',
      'Upgrade: h2c',
      'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
      'Keep-Alive: timeout=600',
      'If-Match: W/"1"',
      'Connection: keep-alive, If-Match, User-Agent',
      'User-Agent: Entra',
    ],
    JSON.stringify(patch([{ op: 'replace', path: 'active', value: false }])),
  );
  assert.equal(answer.status, 204, answer.body);
  const seen = p.mas.seen[0]?.headers ?? {};
  assert.deepEqual(
    Object.keys(seen).filter((name) => !HEADERS_MAS_MAY_RECEIVE.has(name)),
    [],
  );
  assert.equal(seen.authorization, 'Bearer mas-token-for-tests');
  assert.equal(seen['if-match'], undefined, 'a header the caller named in Connection is dropped');
  assert.equal(seen['user-agent'], undefined);
  assert.notEqual(seen.connection?.toLowerCase(), 'upgrade');
});

test('conditional-request headers, Accept and the request id reach MAS', async (t) => {
  const p = await startGuardedProxy(t);
  await send(p, 'GET', '/scim/v2/MasProfile1/Users/u1', undefined, {
    accept: 'application/scim+json',
    'if-none-match': 'W/"2"',
    'client-request-id': 'entra-req-1',
  });
  const seen = p.mas.seen[0]?.headers ?? {};
  assert.equal(seen.accept, 'application/scim+json');
  assert.equal(seen['if-none-match'], 'W/"2"');
  assert.equal(seen['x-request-id'], 'entra-req-1');
});

test("MAS's cookies, banners, CORS, hop-by-hop headers and caching never reach Entra; Location is the proxy's", async (t) => {
  let masUrl = '';
  const p = await startGuardedProxy(t, {}, [], {
    respond: (request, res) => {
      const own = request.path.endsWith('/Users')
        ? `${masUrl}/scim/v2/MasProfile1/Users/123`
        : 'https://mas.internal/x';
      res.writeHead(201, {
        'content-type': 'application/scim+json',
        location: own,
        etag: 'W/"1"',
        'set-cookie': 'JSESSIONID=mas-session; Path=/',
        server: 'WebSphere',
        'x-powered-by': 'Servlet/3.0',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        'cache-control': 'public, max-age=3600',
        'keep-alive': 'timeout=600',
        connection: 'keep-alive, x-mas-internal',
        'x-mas-internal': 'pod-7',
      });
      res.end(JSON.stringify({ id: '123' }));
    },
  });
  masUrl = p.mas.url;
  const created = await send(p, 'POST', '/scim/v2/MasProfile1/Users', { userName: 'a@b.c' });
  assert.equal(created.status, 201);
  assert.equal(created.headers.location, '/scim/v2/MasProfile1/Users/123');
  assert.equal(created.headers.etag, 'W/"1"');
  assert.equal(created.headers['cache-control'], 'no-store');
  for (const name of [
    'set-cookie',
    'server',
    'x-powered-by',
    'access-control-allow-origin',
    'access-control-allow-credentials',
    'x-mas-internal',
  ]) {
    assert.equal(created.headers[name], undefined, name);
  }
  assert.notEqual(created.headers['keep-alive'], 'timeout=600', "MAS's Keep-Alive is not the proxy's");
  const elsewhere = await send(p, 'POST', '/scim/v2/MasProfile1/Groups', { displayName: 'G' });
  assert.equal(elsewhere.headers.location, undefined, 'a Location outside MAS_URL is dropped');
});

// --- Time --------------------------------------------------------------------------------------------

test('a 101 Switching Protocols or a 1xx from MAS is a 502 at once, and MAS loses the connection', async (t) => {
  for (const interim of [
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n',
    'HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n',
  ]) {
    let masSocketClosed = false;
    const p = await startGuardedProxy(t, { UPSTREAM_TIMEOUT_MS: '5000' }, [], {
      respond: (_request, res) => {
        res.socket?.once('close', () => {
          masSocketClosed = true;
        });
        res.socket?.write(interim);
      },
    });
    const started = performance.now();
    const answer = await raw(p, [
      'GET /scim/v2/MasProfile1/Users/u1 HTTP/1.1',
      `Authorization: ${AUTH}`,
      'Connection: Upgrade',
      'Upgrade: h2c',
    ]);
    assertScimError(answer, 502, /never asks for an upgrade or interim answers/);
    assert.ok(performance.now() - started < 2000, 'answered long before UPSTREAM_TIMEOUT_MS');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(masSocketClosed, 'the connection to MAS is destroyed');
    assert.equal(p.mas.seen[0]?.headers.upgrade, undefined, 'Upgrade never reached MAS');
  }
});

test('a MAS answer trickled a byte at a time is cut at UPSTREAM_TIMEOUT_MS: a deadline, not an idle timer', async (t) => {
  const p = await startGuardedProxy(t, { UPSTREAM_TIMEOUT_MS: '800' }, [], {
    respond: (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': '1000' });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(' ')), 100);
      res.once('close', () => clearInterval(drip));
    },
  });
  const started = performance.now();
  const answer = await send(p, 'GET', '/scim/v2/MasProfile1/Users/u1');
  const took = performance.now() - started;
  assertScimError(answer, 504, /UPSTREAM_TIMEOUT_MS/);
  assert.ok(took >= 750 && took < 2000, `cut after ${Math.round(took)} ms`);
});

test('a client trickling header lines is answered 408 at HEADERS_TIMEOUT_MS and its connection closed', async (t) => {
  const p = await startGuardedProxy(t, { HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000' });
  const started = performance.now();
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(new URL(p.url).port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.write(`GET /scim/v2/MasProfile1/Users HTTP/1.1\r\nHost: ${p.host}\r\n`);
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => {
      clearInterval(drip);
      resolve(Buffer.concat(received).toString('utf8'));
    });
    socket.on('error', reject);
  });
  const took = performance.now() - started;
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.match(answer, /HEADERS_TIMEOUT_MS/);
  assert.ok(took < 3000, `closed after ${Math.round(took)} ms`);
  assert.deepEqual(reached(p), []);
});

test('connections beyond MAX_CONNECTIONS are closed on arrival, and the proxy serves again once they go', async (t) => {
  const p = await startGuardedProxy(t, { MAX_CONNECTIONS: '2' });
  const port = Number(new URL(p.url).port);
  const open = (): Promise<net.Socket> =>
    new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    });
  const held = [await open(), await open()];
  await new Promise((resolve) => setTimeout(resolve, 50));
  const third = await open();
  const closed = await new Promise<boolean>((resolve) => {
    third.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 1000);
  });
  assert.ok(closed, 'the third connection is closed by the proxy');
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(await p.stillServes());
});

test('a MAS answer nested 200,000 levels on a Groups GET is a 502, not a crash', async (t) => {
  const deep = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  const p = await startGuardedProxy(t, {}, [], {
    respond: (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      res.end(deep);
    },
  });
  assertScimError(
    await send(p, 'GET', '/scim/v2/MasProfile1/Groups?filter=displayName+eq+%22G%22'),
    502,
    /nested deeper than 64/,
  );
});

// --- Paths and queries -------------------------------------------------------------------------------

test('a triple-encoded dot segment is a 404, however often a server behind MAS decodes', async (t) => {
  const p = await startGuardedProxy(t);
  for (const path of ['/scim/v2/MasProfile1/Users/%25252e%25252e', '/scim/v2/MasProfile1/%2525252e%2525252e/x']) {
    assertScimError(await send(p, 'GET', path), 404, /serves SCIM under/);
  }
  assert.deepEqual(reached(p), []);
});

test('a token after ";" and a parameter repeated in another case are each a 400, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  assertScimError(await send(p, 'GET', '/scim/v2/MasProfile1/Users?a=1;access_token=x'), 400, /access_token/);
  assertScimError(await send(p, 'GET', '/scim/v2/MasProfile1/Users?Access_Token=x'), 400, /access_token/);
  const twice = '/scim/v2/MasProfile1/Users?filter=userName+eq+%22a%22&Filter=userName+pr';
  assertScimError(await send(p, 'GET', twice), 400, /"Filter" is given more than once/);
  assertScimError(await send(p, 'GET', '/scim/v2/MasProfile1/Users?count=1;COUNT=2'), 400, /more than once/);
  assert.deepEqual(reached(p), []);
});

// --- Refusals are counted by reason --------------------------------------------------------------------

test('each refusal is counted in scim_proxy_refused_requests_total by its bounded reason', async (t) => {
  const p = await startGuardedProxy(t);
  await send(p, 'POST', '/scim/v2/Bulk', { Operations: [] });
  await send(p, 'GET', '/scim/v2/Profiles');
  await send(p, 'PUT', '/scim/v2/Schemas/x', {});
  await send(p, 'PATCH', '/scim/v2/p1/Groups/g1', patch([{ op: 'remove', path: 'members[value pr]' }]));
  await send(p, 'GET', '/scim/v2/p1/Users?a=1;access_token=x');
  await send(p, 'GET', `/scim/v2/p1/${'x'.repeat(30)}`);
  const exposition = await p.registry.metrics();
  const count = (reason: string) =>
    Number(new RegExp(`scim_proxy_refused_requests_total\\{reason="${reason}"\\} (\\d+)`).exec(exposition)?.[1]);
  assert.equal(count('route_not_served'), 3);
  assert.equal(count('method_not_allowed'), 1);
  assert.equal(count('member_removal_refused'), 0, "the guard rule's refusal counts by rule instead");
  assert.match(exposition, /scim_proxy_blocked_requests_total\{rule="guard-unfiltered-member-removal"\} 1/);
  assert.equal(count('token_in_query'), 1);
  assert.doesNotMatch(exposition, /reason="x{30}"/, 'no label from request data');
});

test('a harmless PATCH in another spelling of op, path or Operations is refused, or reaches MAS spelled as RFC 7644 does', async (t) => {
  const p = await startGuardedProxy(t);
  const lower = { schemas: [PATCH_OP], operations: [{ op: 'add', path: 'displayName', value: 'G' }] };
  const op = patch([{ Op: 'replace', path: 'active', value: false }]);
  for (const [path, body] of [
    ['/scim/v2/p1/Groups/g1', lower],
    ['/scim/v2/p1/Users/u1', op],
  ] as const) {
    const answer = await send(p, 'PATCH', path, body);
    if (answer.status === 400) assertScimError(answer, 400, /is spelled/);
    else assert.equal(answer.status, 204, answer.body);
  }
  for (const seen of p.mas.seen) {
    const body = seen.body as Record<string, unknown>;
    assert.ok(Array.isArray(body.Operations), JSON.stringify(body));
    for (const operation of body.Operations as Record<string, unknown>[]) {
      for (const key of Object.keys(operation)) assert.equal(key, key.toLowerCase(), JSON.stringify(operation));
    }
  }
});

test('a body on GET, HEAD or DELETE is a 400: no rule reads one, so it never reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  for (const method of ['GET', 'DELETE']) {
    const answer = await raw(
      p,
      [
        `${method} /scim/v2/MasProfile1/Groups/G1 HTTP/1.1`,
        `Authorization: ${AUTH}`,
        'Content-Type: application/scim+json',
      ],
      JSON.stringify(patch([{ op: 'remove', path: 'members' }])),
    );
    assertScimError(answer, 400, /carries no body/);
  }
  assert.deepEqual(reached(p), []);
});
