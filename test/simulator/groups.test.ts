import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ScimRecord, startSimulator } from '../../src/simulator/index.ts';
import { call, createGroup, createUser, patch, token } from './client.ts';

const byDisplayName = { id: 'p1', version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } };
const memberValues = (group: ScimRecord | undefined) =>
  ((group?.members ?? []) as { value: string }[]).map((member) => member.value);

async function groupWithTwoMembers(options: Parameters<typeof startSimulator>[0] = {}) {
  const sim = await startSimulator({ staticTokens: [token], profiles: [byDisplayName], ...options });
  const alice = (await createUser(sim, 'p1', 'alice')).body.id as string;
  const bob = (await createUser(sim, 'p1', 'bob')).body.id as string;
  const group = await createGroup(sim, 'p1', 'AP_MAXIMO_SUPERVISORS', [alice, bob]);
  return { sim, alice, bob, path: `/scim/v2/p1/Groups/${group.body.id}`, id: group.body.id as string };
}

test('suffixes a new group id with _ and six lower-case letters by default', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], profiles: [{ id: 'p1', version: 1 }] });
  t.after(() => sim.close());
  const created = await createGroup(sim, 'p1', 'AP_MAXIMO_SUPERVISORS');
  assert.equal(created.status, 201);
  assert.match(created.body.id, /^AP_MAXIMO_SUPERVISORS_[a-z]{6}$/);
  assert.equal(created.body.displayName, 'AP_MAXIMO_SUPERVISORS');
});

test('suffixes group ids under a profile that does not exist', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], groupIdSuffix: () => 'tyhntb' });
  t.after(() => sim.close());
  const created = await createGroup(sim, 'nowhere', 'AP_MAXIMO_SUPERVISORS');
  assert.equal(created.body.id, 'AP_MAXIMO_SUPERVISORS_tyhntb');
});

test('uses the display name as id when the profile sets useGroupDisplayNameAsGroupId', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], profiles: [byDisplayName] });
  t.after(() => sim.close());
  const created = await createGroup(sim, 'p1', 'AP_MAXIMO_SUPERVISORS');
  assert.equal(created.body.id, 'AP_MAXIMO_SUPERVISORS');
  assert.ok(sim.group('p1', 'AP_MAXIMO_SUPERVISORS'));
});

test('uses the display name as id for every profile when the suffix is switched off', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], randomGroupIdSuffix: false });
  t.after(() => sim.close());
  assert.equal((await createGroup(sim, 'p1', 'AP_X')).body.id, 'AP_X');
});

test('answers 409 uniqueness when the display-name id is taken', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], profiles: [byDisplayName] });
  t.after(() => sim.close());
  await createGroup(sim, 'p1', 'AP_X');
  const duplicate = await createGroup(sim, 'p1', 'AP_X');
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.scimType, 'uniqueness');
});

test('finds a group by displayName eq and answers 404 for an unknown group id', async (t) => {
  const { sim, id } = await groupWithTwoMembers();
  t.after(() => sim.close());
  const filter = encodeURIComponent('displayName eq "AP_MAXIMO_SUPERVISORS"');
  const list = await call(sim, 'GET', `/scim/v2/p1/Groups?filter=${filter}&excludedAttributes=members`);
  assert.deepEqual(
    list.body.Resources.map((group: { id: string }) => group.id),
    [id],
  );
  assert.equal(list.body.Resources[0].members, undefined);
  assert.equal((await call(sim, 'GET', '/scim/v2/p1/Groups/NOPE')).status, 404);
});

test("empties the group on Entra's legacy remove of one member, as MAS does", async (t) => {
  const { sim, alice, path, id } = await groupWithTwoMembers();
  t.after(() => sim.close());
  const answer = await patch(sim, path, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: alice }] }]);
  assert.equal(answer.status, 200);
  assert.deepEqual(memberValues(sim.group('p1', id)), []);
});

test('removes only the listed member when the wipe is switched off', async (t) => {
  const { sim, alice, bob, path, id } = await groupWithTwoMembers({ wipeOnUnfilteredMemberRemove: false });
  t.after(() => sim.close());
  const answer = await patch(sim, path, [{ op: 'Remove', path: 'members', value: [{ value: alice }] }]);
  assert.equal(answer.status, 200);
  assert.deepEqual(memberValues(sim.group('p1', id)), [bob]);
});

test('removes one member with the compliant filtered remove', async (t) => {
  const { sim, alice, bob, path, id } = await groupWithTwoMembers();
  t.after(() => sim.close());
  const answer = await patch(sim, path, [{ op: 'remove', path: `members[value eq "${alice}"]` }]);
  assert.equal(answer.status, 200);
  assert.deepEqual(memberValues(sim.group('p1', id)), [bob]);
});

test('adds members with a capitalised Add op', async (t) => {
  const { sim, path, id } = await groupWithTwoMembers();
  t.after(() => sim.close());
  const carol = (await createUser(sim, 'p1', 'carol')).body.id as string;
  const answer = await patch(sim, path, [{ op: 'Add', path: 'members', value: [{ value: carol }] }]);
  assert.equal(answer.status, 200);
  assert.ok(memberValues(sim.group('p1', id)).includes(carol));
});

test('refuses a capitalised op with 400 when ops are matched case-sensitively', async (t) => {
  const { sim, alice, path, id } = await groupWithTwoMembers({ caseInsensitiveOps: false });
  t.after(() => sim.close());
  const answer = await patch(sim, path, [{ op: 'Remove', path: 'members', value: [{ value: alice }] }]);
  assert.equal(answer.status, 400);
  assert.equal(answer.body.scimType, 'invalidSyntax');
  assert.equal(memberValues(sim.group('p1', id)).length, 2);
});

test('renames a group with replace displayName, keeping its id', async (t) => {
  const { sim, path, id } = await groupWithTwoMembers();
  t.after(() => sim.close());
  const answer = await patch(sim, path, [{ op: 'Replace', path: 'displayName', value: 'Supervisors' }]);
  assert.equal(answer.status, 200);
  assert.equal(sim.group('p1', id)?.displayName, 'Supervisors');
});

test('drops a deleted user from the groups it was in', async (t) => {
  const { sim, alice, bob, id } = await groupWithTwoMembers();
  t.after(() => sim.close());
  assert.equal((await call(sim, 'DELETE', `/scim/v2/p1/Users/${alice}`)).status, 204);
  assert.deepEqual(memberValues(sim.group('p1', id)), [bob]);
});

test('seeds groups and resets all state for inspection without HTTP', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  sim.seedGroup('p1', { id: 'AP_SEEDED', displayName: 'AP_SEEDED', members: [] });
  assert.equal((await call(sim, 'GET', '/scim/v2/p1/Groups/AP_SEEDED')).status, 200);
  sim.reset();
  assert.equal(sim.group('p1', 'AP_SEEDED'), undefined);
});
