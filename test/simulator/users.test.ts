import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulator } from '../../src/simulator/index.ts';
import { call, createUser, token, userSchema } from './client.ts';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const filter = (expression: string) => `filter=${encodeURIComponent(expression)}`;

test('creates a user with 201 and reads it back by id', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  const created = await createUser(sim, 'p1', 'alice@example.com', { externalId: 'e-1', active: true });
  assert.equal(created.status, 201);
  assert.equal(typeof created.body.id, 'string');
  const read = await call(sim, 'GET', `/scim/v2/p1/Users/${created.body.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.userName, 'alice@example.com');
  assert.equal(sim.user('p1', created.body.id)?.externalId, 'e-1');
});

test('keeps the enterprise extension Entra sends', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  const created = await call(sim, 'POST', '/scim/v2/p1/Users', {
    schemas: [userSchema, enterprise],
    userName: 'bob',
    [enterprise]: { employeeNumber: '701984' },
  });
  assert.equal(created.status, 201);
  assert.equal(created.body[enterprise].employeeNumber, '701984');
});

test('answers 409 uniqueness to a duplicate userName, whatever its case', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  await createUser(sim, 'p1', 'alice');
  const duplicate = await createUser(sim, 'p1', 'ALICE');
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.scimType, 'uniqueness');
  assert.deepEqual(duplicate.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
});

test('answers a SCIM 404 for an unknown user id', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  for (const method of ['GET', 'DELETE']) {
    const answer = await call(sim, method, '/scim/v2/p1/Users/no-such-id');
    assert.equal(answer.status, 404, method);
    assert.equal(answer.body.status, '404');
  }
});

test('keeps each profile its own users', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  const created = await createUser(sim, 'p1', 'alice');
  assert.equal((await createUser(sim, 'p2', 'alice')).status, 201);
  assert.equal((await call(sim, 'GET', `/scim/v2/p2/Users/${created.body.id}`)).status, 404);
  assert.equal(sim.users('p1').length, 1);
  assert.equal(sim.users('p2').length, 1);
});

test('filters users by userName, externalId, and both joined with and', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  await createUser(sim, 'p1', 'alice', { externalId: 'e-1' });
  await createUser(sim, 'p1', 'bob', { externalId: 'e-2' });
  const cases = [
    ['userName eq "bob"', ['bob']],
    ['externalId eq "e-1"', ['alice']],
    ['userName eq "alice" and externalId eq "e-1"', ['alice']],
    ['userName eq "alice" and externalId eq "e-2"', []],
  ] as const;
  for (const [expression, expected] of cases) {
    const list = await call(sim, 'GET', `/scim/v2/p1/Users?${filter(expression)}`);
    assert.equal(list.status, 200, expression);
    assert.deepEqual(
      list.body.Resources.map((user: { userName: string }) => user.userName),
      expected,
      expression,
    );
    assert.equal(list.body.totalResults, expected.length, expression);
  }
});

test('pages a list with startIndex and count', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) await createUser(sim, 'p1', name);
  const page = await call(sim, 'GET', '/scim/v2/p1/Users?startIndex=2&count=2');
  assert.equal(page.body.totalResults, 5);
  assert.equal(page.body.startIndex, 2);
  assert.equal(page.body.itemsPerPage, 2);
  assert.deepEqual(
    page.body.Resources.map((user: { userName: string }) => user.userName),
    ['u2', 'u3'],
  );
});

test('replaces a user on PUT and deletes it with 204', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  const { body } = await createUser(sim, 'p1', 'alice', { displayName: 'Alice' });
  const put = await call(sim, 'PUT', `/scim/v2/p1/Users/${body.id}`, {
    schemas: [userSchema],
    userName: 'alice',
    displayName: 'Alice Smith',
  });
  assert.equal(put.status, 200);
  assert.equal(sim.user('p1', body.id)?.displayName, 'Alice Smith');
  assert.equal((await call(sim, 'DELETE', `/scim/v2/p1/Users/${body.id}`)).status, 204);
  assert.equal(sim.user('p1', body.id), undefined);
});

test('accepts users under a profile that does not exist, unless told not to', async (t) => {
  const lenient = await startSimulator({ staticTokens: [token] });
  t.after(() => lenient.close());
  assert.equal((await createUser(lenient, 'nowhere', 'alice')).status, 201);
  const strict = await startSimulator({ staticTokens: [token], acceptUnknownProfile: false });
  t.after(() => strict.close());
  assert.equal((await createUser(strict, 'nowhere', 'alice')).status, 404);
});

test('answers paths MAS does not serve with its AIUCO1022E exception', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  const answer = await call(sim, 'GET', '/v3/nothing');
  assert.equal(answer.status, 404);
  assert.equal(answer.body.exception.id, 'AIUCO1022E');
});

test('serves Schemas, ResourceTypes and ServiceProviderConfig under a profile', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  for (const path of ['Schemas', 'ResourceTypes', 'ServiceProviderConfig']) {
    assert.equal((await call(sim, 'GET', `/scim/v2/p1/${path}`)).status, 200, path);
  }
});

test('keeps two simulators in one process apart', async (t) => {
  const first = await startSimulator({ staticTokens: [token] });
  const second = await startSimulator({ staticTokens: [token], randomGroupIdSuffix: false });
  t.after(() => Promise.all([first.close(), second.close()]));
  await createUser(first, 'p1', 'alice');
  assert.equal((await call(second, 'GET', '/scim/v2/p1/Users')).body.totalResults, 0);
  assert.equal((await createUser(second, 'p1', 'alice')).status, 201);
});
