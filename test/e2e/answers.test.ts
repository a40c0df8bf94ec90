// The answers Entra checks, through scim-proxy into the MAS simulator: a group asked for without its
// members comes back without them even from a MAS that ignores excludedAttributes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { startSimulator } from '../../src/simulator/index.ts';
import { auth, MAS_TOKEN, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

const PROFILE = 'MasProfile1';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

async function setUp(t: test.TestContext, honourAttributeParameters: boolean) {
  const sim = await startSimulator({
    staticTokens: [MAS_TOKEN],
    honourAttributeParameters,
    randomGroupIdSuffix: false,
    profiles: [{ id: PROFILE, version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } }],
  });
  const proxy = await startProxy(sim.url);
  t.after(async () => {
    await proxy.close();
    await sim.close();
  });
  const call = async (base: string, method: string, path: string, body?: unknown, headers = auth) => {
    const res = await fetch(`${base}/scim/v2/${PROFILE}${path}`, {
      method,
      headers: { ...headers, 'content-type': 'application/scim+json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const user = await call(proxy.url, 'POST', '/Users', { userName: 'ada@contoso.com' });
  const group = await call(proxy.url, 'POST', '/Groups', {
    schemas: [GROUP],
    displayName: 'Planners',
    members: [{ value: user.body.id }],
  });
  assert.equal(group.status, 201, JSON.stringify(group.body));
  return {
    proxy: (method: string, path: string, body?: unknown) => call(proxy.url, method, path, body),
    mas: (method: string, path: string) =>
      call(sim.url, method, path, undefined, { authorization: `Bearer ${MAS_TOKEN}` }),
    groupId: group.body.id as string,
    sim,
  };
}

test('a MAS that ignores excludedAttributes=members still leaves Entra a group lookup without members', async (t) => {
  const { proxy, mas, groupId } = await setUp(t, false);
  const filter = `?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Planners"')}`;
  const direct = await mas('GET', `/Groups${filter}`);
  assert.equal(direct.body.Resources[0].members.length, 1, 'the simulator ignores the parameter, as MAS might');
  const list = await proxy('GET', `/Groups${filter}`);
  assert.equal(list.status, 200);
  assert.equal(list.body.totalResults, 1);
  assert.equal('members' in list.body.Resources[0], false);
  assert.equal(list.body.Resources[0].displayName, 'Planners');
  const one = await proxy('GET', `/Groups/${groupId}?excludedAttributes=members`);
  assert.equal('members' in one.body, false);
  assert.equal(one.body.id, groupId);
});

test('attributes without members leaves them out; attributes naming them keeps them', async (t) => {
  const { proxy, groupId } = await setUp(t, false);
  const without = await proxy('GET', `/Groups/${groupId}?attributes=displayName`);
  assert.equal('members' in without.body, false);
  const withMembers = await proxy('GET', `/Groups/${groupId}?attributes=displayName,members`);
  assert.equal(withMembers.body.members.length, 1);
});

test('a MAS that honours the parameter answers the same through the proxy', async (t) => {
  const { proxy, mas, groupId } = await setUp(t, true);
  const direct = await mas('GET', `/Groups/${groupId}?excludedAttributes=members`);
  const proxied = await proxy('GET', `/Groups/${groupId}?excludedAttributes=members`);
  assert.equal('members' in direct.body, false);
  assert.deepEqual(proxied.body, direct.body);
});

test('a MAS answering application/json reaches Entra as application/scim+json, the body unchanged', async (t) => {
  const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', userName: 'a' });
  const upstream = await startUpstream({
    respond: (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    },
  });
  const proxy = await startProxy(upstream.url);
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.headers.get('content-type'), 'application/scim+json; charset=utf-8');
  assert.equal(await res.text(), body);
});

test('the simulator answers a create with 201, the id and a Location; an unknown id 404 and a duplicate 409, as SCIM errors', async (t) => {
  const { proxy } = await setUp(t, true);
  const created = await proxy('POST', '/Users', { userName: 'grace@contoso.com' });
  assert.equal(created.status, 201);
  assert.equal(typeof created.body.id, 'string');
  assert.equal(created.headers.get('location'), `/scim/v2/${PROFILE}/Users/${created.body.id}`);
  const missing = await proxy('GET', '/Users/no-such-id');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error');
  const duplicate = await proxy('POST', '/Groups', { schemas: [GROUP], displayName: 'Planners' });
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.scimType, 'uniqueness');
});

test('the simulator finds a user and a group by a name in another case (RFC 7643: not case-exact)', async (t) => {
  const { proxy } = await setUp(t, true);
  const users = await proxy('GET', `/Users?filter=${encodeURIComponent('userName eq "ADA@CONTOSO.COM"')}`);
  assert.equal(users.body.totalResults, 1);
  assert.equal(users.body.Resources[0].userName, 'ada@contoso.com');
  const groups = await proxy('GET', `/Groups?filter=${encodeURIComponent('displayName eq "planners"')}`);
  assert.equal(groups.body.totalResults, 1);
});

test('whatever the case of the parameter and the name, no group answer holds members the request excluded', async (t) => {
  const { proxy, groupId } = await setUp(t, false);
  const spelled = fc.tuple(fc.mixedCase(fc.constant('excludedAttributes')), fc.mixedCase(fc.constant('members')));
  const qualified = fc.boolean();
  await fc.assert(
    fc.asyncProperty(spelled, qualified, fc.boolean(), async ([parameter, name], urn, list) => {
      const excluded = urn ? `urn:ietf:params:scim:schemas:core:2.0:Group:${name}` : name;
      const query = `${parameter}=${encodeURIComponent(`displayName,${excluded}`)}`;
      const answer = list
        ? await proxy('GET', `/Groups?${query}&filter=${encodeURIComponent('displayName eq "Planners"')}`)
        : await proxy('GET', `/Groups/${groupId}?${query}`);
      const groups = list ? answer.body.Resources : [answer.body];
      assert.equal(groups.length, 1);
      for (const group of groups) assert.equal('members' in group, false, JSON.stringify(group));
    }),
    { numRuns: 20 },
  );
});

test('a list answer without schemas, startIndex or itemsPerPage reaches Entra with them; totalResults stays MAS’s', async (t) => {
  const upstream = await startUpstream({
    respond: (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      res.end(JSON.stringify({ totalResults: 3, Resources: [{ id: 'u2' }, { id: 'u3' }] }));
    },
  });
  const proxy = await startProxy(upstream.url);
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users?startIndex=2&count=2`, { headers: auth });
  assert.deepEqual(await res.json(), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: 3,
    Resources: [{ id: 'u2' }, { id: 'u3' }],
    startIndex: 2,
    itemsPerPage: 2,
  });
});
