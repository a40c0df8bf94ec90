import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import SCIMMY from 'scimmy';
import { type ScimRecord, type StartedSimulator, startSimulator } from '../../src/simulator/index.ts';
import { call, createGroup, createUser, patch, token, userSchema } from './client.ts';

const filtered = (expression: string) => `/scim/v2/p1/Users?filter=${encodeURIComponent(expression)}`;
const ids = (list: { body: { Resources: { id: string }[] } }) => list.body.Resources.map((user) => user.id);
/** What scimmy's filter finds when it scans every stored user: what the index must answer. */
const scanned = (sim: StartedSimulator, expression: string) =>
  new SCIMMY.Types.Filter(expression).match(sim.users('p1')).map((user) => (user as ScimRecord).id);

// Few names, several spellings of each, so creates and renames collide often.
const names = ['ann', 'ANN', 'Ann', 'bob', 'Bob', 'cy'];
const step = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), name: fc.constantFrom(...names) }),
  fc.record({
    kind: fc.constantFrom('put' as const, 'patch' as const),
    who: fc.nat(),
    name: fc.constantFrom(...names),
  }),
  fc.record({ kind: fc.constant('delete' as const), who: fc.nat() }),
);

test('finds users by userName after creates, renames and deletes exactly as a scan of every user would', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 14 }), async (steps) => {
      const sim = await startSimulator({ staticTokens: [token], caseExactNames: true });
      try {
        // The model: live users in creation order, and the 409s uniqueness must give.
        const live: { id: string; userName: string }[] = [];
        const holder = (name: string, except?: string) =>
          live.find((user) => user.id !== except && user.userName.toLowerCase() === name.toLowerCase());
        for (const s of steps) {
          if (s.kind === 'create') {
            const answer = await createUser(sim, 'p1', s.name);
            assert.equal(answer.status, holder(s.name) ? 409 : 201);
            if (answer.status === 201) live.push({ id: answer.body.id, userName: s.name });
            continue;
          }
          const user = live[s.who % Math.max(1, live.length)];
          if (!user) continue;
          const path = `/scim/v2/p1/Users/${user.id}`;
          if (s.kind === 'delete') {
            assert.equal((await call(sim, 'DELETE', path)).status, 204);
            live.splice(live.indexOf(user), 1);
            continue;
          }
          const answer =
            s.kind === 'put'
              ? await call(sim, 'PUT', path, { schemas: [userSchema], userName: s.name })
              : await patch(sim, path, [{ op: 'replace', path: 'userName', value: s.name }]);
          // scimmy answers 204 to a PATCH that changes nothing.
          const unchanged = s.kind === 'patch' && s.name === user.userName;
          assert.equal(answer.status, holder(s.name, user.id) ? 409 : unchanged ? 204 : 200);
          if (answer.status === 200) user.userName = s.name;
        }
        for (const name of [...names, 'nobody']) {
          for (const expression of [`userName eq "${name}"`, `USERNAME eq "${name}"`]) {
            const list = await call(sim, 'GET', filtered(expression));
            assert.deepEqual(ids(list), scanned(sim, expression), expression);
            assert.deepEqual(
              ids(list),
              live.filter((user) => user.userName === name).map((user) => user.id),
              expression,
            );
          }
        }
      } finally {
        await sim.close();
      }
    }),
    { numRuns: 15 },
  );
});

test('answers 409 to a userName held in another case and frees a name once its user is renamed or deleted', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], caseExactNames: true });
  t.after(() => sim.close());
  const alice = (await createUser(sim, 'p1', 'Alice')).body.id as string;
  const bob = (await createUser(sim, 'p1', 'bob')).body.id as string;
  assert.equal((await createUser(sim, 'p1', 'ALICE')).status, 409);
  assert.equal(
    (await patch(sim, `/scim/v2/p1/Users/${bob}`, [{ op: 'replace', path: 'userName', value: 'alice' }])).status,
    409,
  );
  // Renaming a user to another spelling of its own name is no clash.
  assert.equal(
    (await patch(sim, `/scim/v2/p1/Users/${alice}`, [{ op: 'replace', path: 'userName', value: 'ALICE' }])).status,
    200,
  );
  assert.deepEqual(ids(await call(sim, 'GET', filtered('userName eq "ALICE"'))), [alice]);
  assert.deepEqual(ids(await call(sim, 'GET', filtered('userName eq "Alice"'))), []);

  assert.equal(
    (await patch(sim, `/scim/v2/p1/Users/${alice}`, [{ op: 'replace', path: 'userName', value: 'carol' }])).status,
    200,
  );
  const second = await createUser(sim, 'p1', 'alice');
  assert.equal(second.status, 201);
  assert.equal((await call(sim, 'DELETE', `/scim/v2/p1/Users/${bob}`)).status, 204);
  assert.equal((await createUser(sim, 'p1', 'BOB')).status, 201);
  assert.deepEqual(ids(await call(sim, 'GET', filtered('userName eq "carol"'))), [alice]);
  assert.deepEqual(ids(await call(sim, 'GET', filtered('userName eq "alice"'))), [second.body.id]);
  assert.deepEqual(ids(await call(sim, 'GET', filtered('userName eq "bob"'))), []);
});

test('by default finds a userName in any case, as RFC 7643 reads it; with caseExactNames only as written', async (t) => {
  for (const caseExactNames of [false, true]) {
    const sim = await startSimulator({ staticTokens: [token], caseExactNames });
    t.after(() => sim.close());
    const ann = (await createUser(sim, 'p1', 'Ann', { externalId: 'e1' })).body.id as string;
    const found = ids(await call(sim, 'GET', filtered('userName eq "ANN" and externalId eq "e1"')));
    assert.deepEqual(found, caseExactNames ? [] : [ann]);
    assert.deepEqual(ids(await call(sim, 'GET', filtered('userName eq "ANN" and externalId eq "e2"'))), []);
  }
});

test('gives seeded users that share a userName back in the order they were stored', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  for (const id of ['u3', 'u1', 'u2']) sim.seedUser('p1', { id, userName: 'twin' });
  sim.seedUser('p1', { id: 'u3', userName: 'twin', displayName: 'replaced, keeps its place' });
  assert.deepEqual(ids(await call(sim, 'GET', filtered('userName eq "twin"'))), ['u3', 'u1', 'u2']);
  assert.equal((await createUser(sim, 'p1', 'TWIN')).status, 409);
});

test('still finds a seeded user whose userName is spelt otherwise, as scimmy reads attribute names in any case', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  sim.seedUser('p1', { id: 'odd', UserName: 'odd' });
  await createUser(sim, 'p1', 'even');
  for (const expression of ['userName eq "odd"', 'userName eq "even"']) {
    const list = await call(sim, 'GET', filtered(expression));
    assert.deepEqual(ids(list), scanned(sim, expression), expression);
    assert.equal(ids(list).length, 1, expression);
  }
});

test('answers filters the index cannot serve, such as or and not, by scanning', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  for (const name of ['ann', 'bob', 'cy']) await createUser(sim, 'p1', name, { externalId: `e-${name}` });
  for (const expression of [
    'userName eq "ann" or userName eq "cy"',
    'not (userName eq "ann")',
    'userName sw "b"',
    'externalId eq "e-cy"',
    'userName eq "ann" and externalId eq "e-bob"',
  ]) {
    const list = await call(sim, 'GET', filtered(expression));
    assert.equal(list.status, 200, expression);
    assert.deepEqual(ids(list), scanned(sim, expression), expression);
  }
  assert.equal(ids(await call(sim, 'GET', filtered('userName eq "ann" or userName eq "cy"'))).length, 2);
});

test('finds a group by its new displayName after a rename, and no longer by the old one', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], randomGroupIdSuffix: false });
  t.after(() => sim.close());
  const group = (await createGroup(sim, 'p1', 'AP_OLD')).body.id as string;
  await createGroup(sim, 'p1', 'AP_OTHER');
  await patch(sim, `/scim/v2/p1/Groups/${group}`, [{ op: 'replace', path: 'displayName', value: 'AP_NEW' }]);
  const find = async (name: string) =>
    ids(await call(sim, 'GET', `/scim/v2/p1/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`));
  assert.deepEqual(await find('AP_OLD'), []);
  assert.deepEqual(await find('AP_NEW'), [group]);
  assert.deepEqual(await find('AP_OTHER'), ['AP_OTHER']);
});

test('drops a deleted user from exactly the groups that list it, after members changed by PATCH', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], randomGroupIdSuffix: false });
  t.after(() => sim.close());
  const [ann, bob] = await Promise.all(['ann', 'bob'].map(async (name) => (await createUser(sim, 'p1', name)).body.id));
  await createGroup(sim, 'p1', 'G1', [ann, bob]);
  await createGroup(sim, 'p1', 'G2', [bob]);
  await createGroup(sim, 'p1', 'G3', [ann]);
  // ann leaves G3 and joins G2 by PATCH: the member index must follow both.
  await patch(sim, '/scim/v2/p1/Groups/G3', [{ op: 'remove', path: `members[value eq "${ann}"]` }]);
  await patch(sim, '/scim/v2/p1/Groups/G2', [{ op: 'add', path: 'members', value: [{ value: ann }] }]);
  const before = sim.group('p1', 'G3');
  assert.equal((await call(sim, 'DELETE', `/scim/v2/p1/Users/${ann}`)).status, 204);
  const members = (id: string) => ((sim.group('p1', id)?.members ?? []) as { value: string }[]).map((m) => m.value);
  assert.deepEqual(members('G1'), [bob]);
  assert.deepEqual(members('G2'), [bob]);
  assert.deepEqual(sim.group('p1', 'G3'), before);
});
