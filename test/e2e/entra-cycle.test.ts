// A whole Entra provisioning cycle, in the shapes Entra sends, through scim-proxy into the MAS
// simulator; and the same requests straight at the simulator, to show what the proxy prevents.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Exchange } from '../../src/exchange.ts';
import {
  type CycleIds,
  fullCycle,
  GROUP_NAME,
  groupCycle,
  RENAMED_GROUP,
  runCycle,
} from '../../src/simulator/entra-cycle.ts';
import { type StartedSimulator, startSimulator } from '../../src/simulator/index.ts';
import { ENTRA_TOKEN, MAS_TOKEN, startProxy } from '../support/proxy.ts';

const PROFILE = 'MasProfile1';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

async function simulator(t: test.TestContext): Promise<StartedSimulator> {
  const sim = await startSimulator({
    staticTokens: [MAS_TOKEN],
    profiles: [{ id: PROFILE, version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } }],
  });
  t.after(() => sim.close());
  return sim;
}

async function throughProxy(t: test.TestContext, sim: StartedSimulator, seen: Exchange[] = []): Promise<string> {
  const proxy = await startProxy(sim.url, {}, [(exchange) => seen.push(exchange)]);
  t.after(() => proxy.close());
  return proxy.url;
}

const memberNames = (sim: StartedSimulator, ids: CycleIds) => {
  const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  const members = (sim.group(PROFILE, ids.group!)?.members ?? []) as { value: string }[];
  return members.map((member) => nameOf.get(member.value) ?? member.value).sort();
};

const person = (sim: StartedSimulator, ids: CycleIds, who: string) => {
  const user = sim.user(PROFILE, ids[who]!);
  assert.ok(user, `${who} exists in MAS`);
  return user as unknown as {
    active: boolean;
    name: { givenName: string; familyName: string };
    [ENTERPRISE]?: { manager?: { value: string }; employeeNumber?: string; department?: string };
  };
};

test('through the proxy every request of a full Entra cycle succeeds', async (t) => {
  const sim = await simulator(t);
  const url = await throughProxy(t, sim);
  const { outcomes } = await runCycle(fullCycle, { url, token: ENTRA_TOKEN, profileId: PROFILE });
  const failed = outcomes.filter((outcome) => outcome.status >= 300);
  assert.deepEqual(failed, [], 'no request is refused by MAS or the proxy');
  assert.equal(outcomes[0]?.status, 200, 'Test Connection gets an empty list, not a 404');
  assert.equal((outcomes[0]!.body as { totalResults: number }).totalResults, 0);
});

test('through the proxy, removing one member leaves the others and the renamed group keeps its id', async (t) => {
  const sim = await simulator(t);
  const url = await throughProxy(t, sim);
  const { ids } = await runCycle(fullCycle, { url, token: ENTRA_TOKEN, profileId: PROFILE });
  assert.equal(ids.group, GROUP_NAME);
  assert.deepEqual(memberNames(sim, ids), ['alice', 'bob']);
  assert.equal(sim.group(PROFILE, ids.group!)?.displayName, RENAMED_GROUP);
  assert.equal(sim.groups(PROFILE).length, 1, 'the rename created no second group');
});

test('through the proxy, "False" disables the user and nobody else', async (t) => {
  const sim = await simulator(t);
  const url = await throughProxy(t, sim);
  const { ids } = await runCycle(fullCycle, { url, token: ENTRA_TOKEN, profileId: PROFILE });
  assert.equal(person(sim, ids, 'carol').active, false);
  assert.equal(person(sim, ids, 'alice').active, true);
  assert.equal(person(sim, ids, 'bob').active, true);
});

test('through the proxy, a path-less replace with dotted keys reaches MAS as one explicit path per attribute', async (t) => {
  const sim = await simulator(t);
  const seen: Exchange[] = [];
  const url = await throughProxy(t, sim, seen);
  const { ids } = await runCycle(fullCycle, { url, token: ENTRA_TOKEN, profileId: PROFILE });
  type Operations = { Operations?: { path?: string }[] };
  const pathless = seen.find((e) =>
    (e.original.body as Operations | null)?.Operations?.some((op) => op.path === undefined),
  );
  const forwarded = (pathless?.rewritten?.body as Operations | undefined)?.Operations ?? [];
  assert.deepEqual(
    forwarded.map((op) => op.path),
    ['name.givenName', 'name.familyName', `${ENTERPRISE}:employeeNumber`],
  );
  const alice = person(sim, ids, 'alice');
  assert.deepEqual([alice.name.givenName, alice.name.familyName], ['Alicia', 'Keys']);
  assert.equal(alice[ENTERPRISE]?.employeeNumber, '1001');
});

test('through the proxy, managers sent as bare strings are set, and a filtered manager remove clears one', async (t) => {
  const sim = await simulator(t);
  const url = await throughProxy(t, sim);
  const { ids } = await runCycle(fullCycle, { url, token: ENTRA_TOKEN, profileId: PROFILE });
  const bob = person(sim, ids, 'bob');
  assert.equal(bob[ENTERPRISE]?.department, 'Maintenance', 'bob was created with his enterprise extension');
  assert.equal(bob[ENTERPRISE]?.manager, undefined, 'manager[value eq alice] removed the manager');
  assert.deepEqual(person(sim, ids, 'carol')[ENTERPRISE]?.manager, { value: ids.bob });
});

test('straight at the simulator, Entra\'s legacy removal empties the group and "False" is refused, as in MAS', async (t) => {
  const sim = await simulator(t);
  const { ids, outcomes } = await runCycle(groupCycle, { url: sim.url, token: MAS_TOKEN, profileId: PROFILE });
  const status = (does: string) => outcomes.find((outcome) => outcome.does === does)?.status;
  assert.equal(status('add alice, bob and carol to the group'), 200);
  assert.equal(status('remove carol from the group'), 200, 'MAS reports success while wiping the group');
  assert.deepEqual(memberNames(sim, ids), []);
  assert.equal(status('disable carol'), 400);
  assert.equal(person(sim, ids, 'carol').active, true);
});
