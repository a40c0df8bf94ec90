// The hostile catalogue of least privilege (issue 17): whoever holds Entra's Secret Token can do what
// Entra's provisioning does through the proxy, and nothing more. Each case runs through the running
// proxy and asserts what reached the MAS stand-in: nothing, or the request in its safe form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTH, type GuardedProxy, startGuardedProxy } from './guarded-proxy.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function send(
  p: GuardedProxy,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: {
      authorization: AUTH,
      ...(body !== undefined && { 'content-type': 'application/scim+json' }),
      ...headers,
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

function assertScimError(answer: Answer, status: number, detail: RegExp): { scimType?: string } {
  assert.equal(answer.status, status, answer.body);
  assert.match(answer.headers['content-type'] ?? '', /^application\/scim\+json/);
  const error = JSON.parse(answer.body) as { schemas: string[]; status: string; scimType?: string; detail: string };
  assert.deepEqual(error.schemas, [ERROR_SCHEMA]);
  assert.equal(error.status, String(status));
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

test('every spelling of a group wipe is refused with the safe form, and nothing reaches MAS', async (t) => {
  const p = await startGuardedProxy(t);
  for (const [name, body] of Object.entries(WIPES)) {
    const answer = await send(p, 'PATCH', '/scim/v2/MasProfile1/Groups/G1', body);
    assert.equal(answer.status, 400, `${name}: ${answer.body}`);
    assertScimError(answer, 400, /members\[value eq \\"<id>\\"\]/);
  }
  assert.deepEqual(reached(p), []);
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
