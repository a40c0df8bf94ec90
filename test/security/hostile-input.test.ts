// The hostile and broken input catalogue: each case is what an attacker or a broken client could send,
// and the test says what it gets (a clear SCIM error or a correct forward), whether anything reached
// "MAS", and that the process is still serving afterwards.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse as parseFilter } from 'scim2-parse-filter';
import { diff } from '../../src/observe/json-patch.ts';
import { applyRules } from '../../src/rules/apply.ts';
import { loadRules, ruleDirs } from '../../src/rules/load.ts';
import {
  type Answer,
  AUTH,
  ENTRA_TOKEN,
  type GuardedProxy,
  raw,
  scimErrorOf,
  send,
  startGuardedProxy,
} from './guarded-proxy.ts';
import { rawRequest, sendRaw } from './raw-http.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MiB = 1024 * 1024;

/** The answer is a SCIM error with this status (and scimType), its detail matching `detail`. */
function assertScimError(answer: Answer, status: number, scimType?: string, detail?: RegExp): void {
  const error = scimErrorOf(answer, status);
  assert.equal(error.scimType, scimType);
  assert.ok(error.detail.length > 20, 'the detail says what failed and how to fix it');
  if (detail) assert.match(error.detail, detail);
}

async function assertNothingReachedMas(p: GuardedProxy): Promise<void> {
  assert.deepEqual(
    p.mas.seen.map((s) => `${s.method} ${s.path}`),
    [],
  );
  assert.ok(await p.stillServes(), 'the proxy still serves');
}

const patchBody = (Operations: unknown[]) => JSON.stringify({ schemas: [PATCH_OP], Operations });

// --- Bodies that are not JSON, or not quite ---------------------------------------------------------

test('invalid JSON is a 400 invalidSyntax that names the parse error, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await send(p, 'POST', '/scim/v2/p1/Users', '{"userName": }');
  assertScimError(answer, 400, 'invalidSyntax', /not valid JSON \(.+\)/);
  await assertNothingReachedMas(p);
});

test('truncated JSON text is a 400 invalidSyntax, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await send(
    p,
    'PATCH',
    '/scim/v2/p1/Groups/g1',
    `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add"`,
  );
  assertScimError(answer, 400, 'invalidSyntax', /not valid JSON/);
  await assertNothingReachedMas(p);
});

test('a body cut off on the wire before its Content-Length is never forwarded', async (t) => {
  const p = await startGuardedProxy(t);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(Number(new URL(p.url).port), '127.0.0.1', () => {
      socket.write(
        rawRequest(
          ['POST /scim/v2/p1/Users HTTP/1.1', `Host: ${p.host}`, `Authorization: ${AUTH}`, 'Content-Length: 100'],
          '{"userName":',
        ),
      );
      setTimeout(() => socket.destroy(), 100);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  await assertNothingReachedMas(p);
});

test('a byte-order mark is accepted and MAS receives the body without it', async (t) => {
  const p = await startGuardedProxy(t);
  const json = '{"userName":"bom@contoso.com"}';
  const answer = await send(
    p,
    'POST',
    '/scim/v2/p1/Users',
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]),
  );
  assert.equal(answer.status, 201);
  assert.equal(p.mas.seen[0]?.raw.toString('latin1'), json);
  assert.equal(p.mas.seen[0]?.headers['content-length'], String(json.length));
});

test('a second byte-order mark is not JSON: 400 invalidSyntax', async (t) => {
  const p = await startGuardedProxy(t);
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const answer = await send(p, 'POST', '/scim/v2/p1/Users', Buffer.concat([bom, bom, Buffer.from('{"userName":"a"}')]));
  assertScimError(answer, 400, 'invalidSyntax', /not valid JSON/);
  await assertNothingReachedMas(p);
});

test('invalid UTF-8 (a stray 0xFF, an overlong "/", an encoded surrogate) is a 400 invalidSyntax', async (t) => {
  const p = await startGuardedProxy(t);
  for (const bad of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
    const body = Buffer.concat([Buffer.from('{"userName":"'), Buffer.from(bad), Buffer.from('"}')]);
    assertScimError(await send(p, 'POST', '/scim/v2/p1/Users', body), 400, 'invalidSyntax', /not valid UTF-8/);
  }
  await assertNothingReachedMas(p);
});

test('a body declared in another charset than UTF-8 is a 415 that asks for UTF-8', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await send(p, 'POST', '/scim/v2/p1/Users', Buffer.from('{"userName":"a"}', 'utf16le'), {
    'content-type': 'application/scim+json; charset=utf-16le',
  });
  assertScimError(answer, 415, undefined, /UTF-8/);
  await assertNothingReachedMas(p);
});

test('a body that is not JSON by its Content-Type is a 415 that names the right type', async (t) => {
  const p = await startGuardedProxy(t);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
    const answer = await send(p, 'POST', '/scim/v2/p1/Users', 'userName=a', { 'content-type': type });
    assertScimError(answer, 415, undefined, /application\/scim\+json/);
  }
  await assertNothingReachedMas(p);
});

test('a body that is an array, a string, a number, true or null is a 400 invalidSyntax for POST, PUT and PATCH', async (t) => {
  const p = await startGuardedProxy(t);
  for (const [method, path] of [
    ['POST', '/scim/v2/p1/Users'],
    ['PUT', '/scim/v2/p1/Users/u1'],
    ['PATCH', '/scim/v2/p1/Users/u1'],
  ] as const) {
    for (const body of ['[{"op":"add"}]', '"text"', '42', 'true', 'null']) {
      assertScimError(await send(p, method, path, body), 400, 'invalidSyntax', /must be a JSON object/);
    }
  }
  await assertNothingReachedMas(p);
});

// --- Size and shape ---------------------------------------------------------------------------------

test('a 10 MiB body is a 413 naming BODY_LIMIT_BYTES, refused from its Content-Length', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await raw(
    p,
    ['POST /scim/v2/p1/Users HTTP/1.1', `Authorization: ${AUTH}`, 'Content-Type: application/scim+json'],
    Buffer.alloc(10 * MiB, 0x20),
  );
  assertScimError(answer, 413, undefined, /BODY_LIMIT_BYTES/);
  assert.equal(answer.headers.connection, 'close');
  await assertNothingReachedMas(p);
});

test('a 10 MiB chunked body (no Content-Length) is a 413 once the limit is passed', async (t) => {
  const p = await startGuardedProxy(t);
  const chunk = Buffer.alloc(MiB, 0x20);
  const chunks = Array.from({ length: 10 }, () => [
    Buffer.from(`${chunk.length.toString(16)}\r\n`),
    chunk,
    Buffer.from('\r\n'),
  ]);
  const answer = await raw(
    p,
    [
      'POST /scim/v2/p1/Users HTTP/1.1',
      `Authorization: ${AUTH}`,
      'Content-Type: application/scim+json',
      'Transfer-Encoding: chunked',
    ],
    Buffer.concat([...chunks.flat(), Buffer.from('0\r\n\r\n')]),
  );
  assertScimError(answer, 413, undefined, /BODY_LIMIT_BYTES/);
  await assertNothingReachedMas(p);
});

test('100,000 operations in one PATCH are a 413 at the default body limit', async (t) => {
  const p = await startGuardedProxy(t);
  const ops = Array.from({ length: 100_000 }, (_, i) => ({ op: 'Add', path: 'members', value: [{ value: `u${i}` }] }));
  assertScimError(await send(p, 'PATCH', '/scim/v2/p1/Groups/g1', patchBody(ops)), 413, undefined, /BODY_LIMIT_BYTES/);
  await assertNothingReachedMas(p);
});

test('10,000 operations within the limit are rewritten and forwarded whole, in order', async (t) => {
  const p = await startGuardedProxy(t);
  const ops = Array.from({ length: 10_000 }, (_, i) => ({ op: 'Add', path: 'members', value: [{ value: `u${i}` }] }));
  const answer = await send(p, 'PATCH', '/scim/v2/p1/Groups/g1', patchBody(ops));
  assert.equal(answer.status, 204);
  const forwarded =
    (p.mas.seen[0]?.body as { Operations: { op: string; value: { value: string }[] }[] } | undefined)?.Operations ?? [];
  assert.equal(forwarded.length, 10_000);
  assert.ok(forwarded.every((op, i) => op.op === 'add' && op.value[0]?.value === `u${i}`));
  assert.ok(await p.stillServes());
});

test('10,000 levels of nested arrays are a 400 invalidSyntax, not a stack overflow', async (t) => {
  const p = await startGuardedProxy(t);
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  const answer = await send(
    p,
    'PATCH',
    '/scim/v2/p1/Users/u1',
    patchBody([{ op: 'add', path: 'nickName', value: 0 }]).replace('0}]', `${deep}}]`),
  );
  assertScimError(answer, 400, 'invalidSyntax', /nests deeper than \d+ levels/);
  await assertNothingReachedMas(p);
});

test('10,000 levels of nested objects in a created user are a 400 invalidSyntax', async (t) => {
  const p = await startGuardedProxy(t);
  const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const answer = await send(p, 'POST', '/scim/v2/p1/Users', `{"userName":"a","x":${deep}}`);
  assertScimError(answer, 400, 'invalidSyntax', /nests deeper/);
  await assertNothingReachedMas(p);
});

test('a key given twice in one object is a 400 invalidSyntax: the rules and MAS could read different values', async (t) => {
  const p = await startGuardedProxy(t);
  // JSON.parse keeps the last "path" (filtered, harmless); a parser keeping the first would empty the group.
  const body = `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"remove","path":"members","path":"members[value eq \\"u1\\"]"}]}`;
  assertScimError(await send(p, 'PATCH', '/scim/v2/p1/Groups/g1', body), 400, 'invalidSyntax', /"path" appears twice/);
  await assertNothingReachedMas(p);
});

// --- Prototype keys ---------------------------------------------------------------------------------

test('__proto__ and constructor keys in PATCH values reach MAS as data and pollute nothing', async (t) => {
  const p = await startGuardedProxy(t);
  const value = JSON.parse(
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"active":"False"}',
  );
  const body = patchBody([
    { op: 'Replace', value },
    { op: 'Add', path: '__proto__', value: { polluted: 'yes' } },
  ]);
  assert.equal((await send(p, 'PATCH', '/scim/v2/p1/Users/u1', body)).status, 204);
  const forwarded = p.mas.seen[0]?.raw.toString('utf8') ?? '';
  assert.match(forwarded, /"__proto__":\{"polluted":"yes"\}/);
  assert.match(forwarded, /"constructor":\{"prototype":\{"polluted":"yes"\}\}/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
});

test('__proto__ and constructor keys in a created user reach MAS as the same keys', async (t) => {
  const p = await startGuardedProxy(t);
  const body = '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"userName":"a"}';
  assert.equal((await send(p, 'POST', '/scim/v2/p1/Users', body)).status, 201);
  assert.deepEqual(Object.keys(p.mas.seen[0]?.body as object), ['__proto__', 'constructor', 'userName']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('__proto__ and constructor in the query reach MAS unchanged and pollute nothing', async (t) => {
  const p = await startGuardedProxy(t);
  assert.equal((await send(p, 'GET', '/scim/v2/p1/Users?__proto__=x&constructor=y')).status, 200);
  assert.equal(p.mas.seen[0]?.rawQuery, '__proto__=x&constructor=y');
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

// --- Headers and framing Node's parser refuses -------------------------------------------------------

test('oversized headers (20 KB) are a 431, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await raw(p, [
    'GET /scim/v2/p1/Users HTTP/1.1',
    `Authorization: ${AUTH}`,
    `X-Big: ${'a'.repeat(20_000)}`,
  ]);
  assert.equal(answer.status, 431);
  await assertNothingReachedMas(p);
});

test('an oversized URL (a 20 KB filter) is a 431, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await raw(p, [
    `GET /scim/v2/p1/Users?filter=${'a'.repeat(20_000)} HTTP/1.1`,
    `Authorization: ${AUTH}`,
  ]);
  assert.equal(answer.status, 431);
  await assertNothingReachedMas(p);
});

test('Content-Length with Transfer-Encoding (request smuggling) is a 400 and the smuggled request never runs', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await raw(
    p,
    ['POST /scim/v2/p1/Users HTTP/1.1', `Authorization: ${AUTH}`, 'Content-Length: 4', 'Transfer-Encoding: chunked'],
    `0\r\n\r\nGET /scim/v2/p1/Users/smuggled HTTP/1.1\r\nHost: ${p.host}\r\nAuthorization: ${AUTH}\r\n\r\n`,
  );
  assert.equal(answer.status, 400);
  await assertNothingReachedMas(p);
});

test('two different Content-Lengths, a malformed chunk and a garbage request line are each a 400', async (t) => {
  const p = await startGuardedProxy(t);
  const answers = [
    await raw(
      p,
      ['POST /scim/v2/p1/Users HTTP/1.1', `Authorization: ${AUTH}`, 'Content-Length: 2', 'Content-Length: 3'],
      '{}',
    ),
    await raw(
      p,
      ['POST /scim/v2/p1/Users HTTP/1.1', `Authorization: ${AUTH}`, 'Transfer-Encoding: chunked'],
      'zz\r\n{}\r\n0\r\n\r\n',
    ),
    await sendRaw(p.url, 'GARBAGE\r\n\r\n'),
    await raw(p, ['GET /scim/v2/p1/Users/a\tb HTTP/1.1', `Authorization: ${AUTH}`]),
  ];
  assert.deepEqual(
    answers.map((a) => a.status),
    [400, 400, 400, 400],
  );
  await assertNothingReachedMas(p);
});

test('what the HTTP parser refuses is answered with a SCIM error body', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await raw(p, ['GET /scim/v2/p1/Users HTTP/1.1', `X-Big: ${'a'.repeat(20_000)}`]);
  assertScimError(answer, 431, undefined, /headers/);
});

// --- Paths: only /scim/v2/** after normalization, never another MAS API ------------------------------

test('/scim/v2/../v1/authenticate with raw dot segments is a 404 and never reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  for (const path of [
    '/scim/v2/../v1/authenticate',
    '/scim/v2/p1/Users/../../../v1/authenticate',
    '/scim/v2/./../v1',
  ]) {
    assertScimError(await raw(p, [`GET ${path} HTTP/1.1`, `Authorization: ${AUTH}`]), 404, undefined, /\/scim\/v2\//);
  }
  await assertNothingReachedMas(p);
});

test('percent-encoded dot segments and separators (%2e%2e, .%2E, ..%2f, %5c) are a 404', async (t) => {
  const p = await startGuardedProxy(t);
  for (const path of [
    '/scim/v2/%2e%2e/v1/authenticate',
    '/scim/v2/p1/Users/.%2E/.%2E/.%2E/v1/authenticate',
    '/scim/v2/p1/Users/..%2f..%2f..%2fv1%2fauthenticate',
    '/scim/v2/p1/Users/..%5c..%5c..%5cv1',
    '/scim/v2/p1/Users/%c0%ae%c0%ae/',
  ]) {
    assertScimError(await raw(p, [`GET ${path} HTTP/1.1`, `Authorization: ${AUTH}`]), 404);
  }
  await assertNothingReachedMas(p);
});

test('dot segments with ;parameters (..;), which Java servlet containers read as .., are a 404', async (t) => {
  const p = await startGuardedProxy(t);
  for (const path of [
    '/scim/v2/..;/v1/authenticate',
    '/scim/v2/p1/..;/..;/v1/authenticate',
    '/scim/v2/p1/Users/.;x',
    '/scim/v2/%2e%2e%3b/v1',
  ]) {
    assertScimError(await raw(p, [`GET ${path} HTTP/1.1`, `Authorization: ${AUTH}`]), 404);
  }
  await assertNothingReachedMas(p);
});

test('double-encoded dot segments (%252e%252e%252f) are a 404, so no second decoding can climb out', async (t) => {
  const p = await startGuardedProxy(t);
  for (const path of ['/scim/v2/%252e%252e/v1/authenticate', '/scim/v2/p1/Users/%252e%252e%252f%252e%252e%252fv1']) {
    assertScimError(await raw(p, [`GET ${path} HTTP/1.1`, `Authorization: ${AUTH}`]), 404);
  }
  await assertNothingReachedMas(p);
});

test('paths outside /scim/v2/ (other MAS APIs, /metrics, other versions, other case) are a 404', async (t) => {
  const p = await startGuardedProxy(t);
  for (const path of ['/v1/authenticate', '/metrics', '/scim/v1/p1/Users', '/SCIM/V2/p1/Users', '/scim/v2']) {
    assertScimError(await send(p, 'GET', path), 404);
  }
  await assertNothingReachedMas(p);
});

// --- Absolute URLs and Host tricks: never an open proxy ----------------------------------------------

test('an absolute-form target naming another host is a 404 and no connection leaves for it', async (t) => {
  const p = await startGuardedProxy(t);
  for (const target of [
    'http://evil.example/scim/v2/p1/Users',
    `${p.mas.url}/v1/authenticate`,
    '//evil.example/scim/v2/p1/Users',
  ]) {
    assertScimError(await raw(p, [`GET ${target} HTTP/1.1`, `Authorization: ${AUTH}`]), 404);
  }
  await assertNothingReachedMas(p);
});

test('CONNECT to MAS opens no tunnel and an asterisk-form OPTIONS * is a 404', async (t) => {
  const p = await startGuardedProxy(t);
  const masHost = new URL(p.mas.url).host;
  const connect = await raw(p, [`CONNECT ${masHost} HTTP/1.1`, `Host: ${masHost}`, `Authorization: ${AUTH}`]);
  assert.notEqual(connect.status, 200);
  assertScimError(await raw(p, ['OPTIONS * HTTP/1.1', `Authorization: ${AUTH}`]), 404);
  await assertNothingReachedMas(p);
});

test('a forged Host, X-Forwarded-Host or userinfo Host still sends the request to MAS_URL only', async (t) => {
  const p = await startGuardedProxy(t);
  const masHost = new URL(p.mas.url).host;
  for (const hosts of [
    ['Host: evil.example'],
    [`Host: ${masHost}@evil.example`],
    ['Host: evil.example', 'Host: other.example'],
    [`Host: ${p.host}`, 'X-Forwarded-Host: evil.example', 'Forwarded: host=evil.example'],
  ]) {
    const answer = await raw(p, ['GET /scim/v2/p1/Users HTTP/1.1', `Authorization: ${AUTH}`, ...hosts]);
    assert.equal(answer.status, 200, hosts.join(' | '));
  }
  assert.equal(p.mas.seen.length, 4, 'each reached the one configured MAS');
  assert.deepEqual(new Set(p.mas.seen.map((s) => s.headers.host)), new Set([masHost]));
});

test('HTTP/1.0 without a Host header is forwarded to MAS_URL like any request', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await sendRaw(p.url, `GET /scim/v2/p1/Users HTTP/1.0\r\nAuthorization: ${AUTH}\r\n\r\n`);
  assert.equal(answer.status, 200);
  assert.equal(p.mas.seen[0]?.headers.host, new URL(p.mas.url).host);
});

// --- Methods ----------------------------------------------------------------------------------------

test('TRACE, OPTIONS and WebDAV methods are a 405 with the route Allow header, so MAS never echoes its credentials', async (t) => {
  const p = await startGuardedProxy(t);
  for (const method of ['TRACE', 'OPTIONS', 'PROPFIND']) {
    const answer = await raw(p, [`${method} /scim/v2/p1/Users HTTP/1.1`, `Authorization: ${AUTH}`]);
    assertScimError(answer, 405, undefined, /GET, HEAD, POST/);
    assert.equal(answer.headers.allow, 'GET, HEAD, POST');
  }
  await assertNothingReachedMas(p);
});

test('a method-override header is a 400: a POST the rules judged must not become a PATCH at MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const wipe = patchBody([{ op: 'remove', path: 'members' }]);
  for (const header of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override']) {
    const answer = await send(p, 'POST', '/scim/v2/p1/Groups', wipe, { [header]: 'PATCH' });
    assertScimError(answer, 400, 'invalidSyntax', new RegExp(header, 'i'));
  }
  await assertNothingReachedMas(p);
});

// --- Filters and ids --------------------------------------------------------------------------------

test('member ids built to break out of a filter stay one quoted value each', async (t) => {
  const p = await startGuardedProxy(t);
  const ids = ['x"] or value pr or members[value eq "y', 'a" or "1" eq "1', 'u]\u2028[', 'back\\slash"'];
  const body = patchBody([{ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) }]);
  assert.equal((await send(p, 'PATCH', '/scim/v2/p1/Groups/g1', body)).status, 204);
  const forwarded = (p.mas.seen[0]?.body as { Operations: { op: string; path: string }[] } | undefined)?.Operations;
  assert.deepEqual(
    forwarded,
    ids.map((id) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` })),
  );
  // An independent SCIM filter parser reads each as exactly one equality on that id.
  for (const [i, id] of ids.slice(0, 2).entries()) {
    const filter: string = forwarded?.[i]?.path.slice('members['.length, -1) ?? '';
    assert.deepEqual(parseFilter(filter), { op: 'eq', attrPath: 'value', compValue: id });
  }
});

test("a GET filter's crafted literal stays one literal after the filter rewrite", async (t) => {
  const p = await startGuardedProxy(t);
  const filter = 'emails[type eq "work"].value eq "a\\" or userName pr or userName eq \\"b"';
  assert.equal((await send(p, 'GET', `/scim/v2/p1/Users?filter=${encodeURIComponent(filter)}`)).status, 200);
  const forwarded = p.mas.seen[0]?.query.filter ?? '';
  assert.equal(forwarded, 'emails[type eq "work" and value eq "a\\" or userName pr or userName eq \\"b"]');
});

test('a malformed percent-encoding or a repeated parameter in the query is a 400 invalidSyntax', async (t) => {
  const p = await startGuardedProxy(t);
  assertScimError(await send(p, 'GET', '/scim/v2/p1/Users?filter=%zz'), 400, 'invalidSyntax', /percent-encoding/);
  assertScimError(await send(p, 'GET', '/scim/v2/p1/Users?filter=a&filter=b'), 400, 'invalidSyntax', /more than once/);
  await assertNothingReachedMas(p);
});

// --- Credentials in the wrong place ------------------------------------------------------------------

test('a token in the query string is a 400, with or without a valid Authorization, and never reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  const noHeader = await raw(p, [`GET /scim/v2/p1/Users?access_token=${ENTRA_TOKEN} HTTP/1.1`]);
  assertScimError(noHeader, 400, 'invalidSyntax', /Authorization: Bearer/);
  assertScimError(await send(p, 'GET', `/scim/v2/p1/Users?Access_Token=${ENTRA_TOKEN}`), 400, 'invalidSyntax');
  assertScimError(await send(p, 'GET', `/scim/v2/p1/Users?authorization=Bearer+${ENTRA_TOKEN}`), 400, 'invalidSyntax');
  await assertNothingReachedMas(p);
  assert.deepEqual(
    p.lines().filter((line) => line.includes(ENTRA_TOKEN)),
    [],
  );
});

test('empty and malformed Authorization headers are each a 401 with WWW-Authenticate', async (t) => {
  const p = await startGuardedProxy(t);
  for (const header of [
    'Authorization:',
    'Authorization: Bearer',
    'Authorization: Bearer ',
    `Authorization: Basic ${Buffer.from(`x:${ENTRA_TOKEN}`).toString('base64')}`,
    `Authorization: Bearer${ENTRA_TOKEN}`,
    `Authorization: Bearer ${ENTRA_TOKEN} extra`,
    `Authorization: Bearer ${ENTRA_TOKEN},Bearer x`,
    `Authorization: Bearer ${ENTRA_TOKEN}\u00ff`,
    'Authorization: Bearer wrong\r\nAuthorization: Bearer entra-token-for-tests',
  ]) {
    const answer = await raw(p, ['GET /scim/v2/p1/Users HTTP/1.1', header]);
    assertScimError(answer, 401, undefined, /SCIM_TOKEN/);
    // RFC 6750 §3: a token that was presented but is not accepted adds error="invalid_token".
    assert.match(answer.headers['www-authenticate'] ?? '', /^Bearer realm="scim-proxy"(, error="invalid_token")?$/);
  }
  await assertNothingReachedMas(p);
});

test('a client-request-id built for log injection is replaced by a fresh request id', async (t) => {
  const p = await startGuardedProxy(t);
  const answer = await send(p, 'GET', '/scim/v2/p1/Users', undefined, {
    'client-request-id': '{"kind":"audit","x":1}',
  });
  assert.match(answer.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(p.mas.seen[0]?.headers['x-request-id'], answer.headers['x-request-id']);
});

// --- The process stays up and its memory stays bounded ------------------------------------------------

test('an exchange observer that throws is logged and the process keeps serving', async (t) => {
  const p = await startGuardedProxy(t, {}, [
    function exploding() {
      throw new RangeError('Maximum call stack size exceeded');
    },
  ]);
  assert.equal((await send(p, 'GET', '/scim/v2/p1/Users')).status, 200);
  assert.ok(await p.stillServes());
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(p.lines().some((line) => line.includes('an exchange observer failed') && line.includes('exploding')));
  assert.ok(
    p.lines().some((line) => line.includes('"kind":"audit"')),
    'the audit trail still gets its line',
  );
});

test('the audit trail can describe a change to 200,000 operations', {}, () => {
  const from = { Operations: Array.from({ length: 200_000 }, () => ({ op: 'Add' })) };
  const to = { Operations: from.Operations.map(() => ({ op: 'add' })) };
  assert.equal(diff(from, to).length, 200_000);
});

test('one removal of 150,000 members (BODY_LIMIT_BYTES raised) expands into 150,000 filtered removals', {}, async () => {
  const rules = await loadRules(ruleDirs(undefined));
  const value = Array.from({ length: 150_000 }, (_, i) => ({ value: `u${i}` }));
  const body = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value }] };
  const rewrite = applyRules(rules, { method: 'PATCH', resource: 'Groups', id: 'g1', query: {}, body });
  assert.equal((rewrite.body as { Operations: unknown[] }).Operations.length, 150_000);
});

test('twenty 10 MiB bodies in a row leave memory where it was', async (t) => {
  const p = await startGuardedProxy(t);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const held = () => {
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const body = Buffer.alloc(10 * MiB, 0x20);
  const head = [
    'POST /scim/v2/p1/Users HTTP/1.1',
    `Authorization: ${AUTH}`,
    'Content-Type: application/scim+json',
    'Transfer-Encoding: chunked',
  ];
  const chunked = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
  await raw(p, head, chunked);
  const before = held();
  for (let i = 0; i < 20; i++) assert.equal((await raw(p, head, chunked)).status, 413);
  // Sockets and their buffers are released a moment after the answers: let them settle before judging.
  let grown = held() - before;
  for (let i = 0; i < 10 && grown >= 32 * MiB; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    grown = held() - before;
  }
  assert.ok(grown < 32 * MiB, `memory grew by ${Math.round(grown / MiB)} MiB over 200 MiB sent`);
  await assertNothingReachedMas(p);
});
