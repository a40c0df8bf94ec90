// Entra's group display names reach MAS as Maximo group names, and come back as Entra sent them,
// through the running proxy in front of the MAS simulator.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startSimulator } from '../../src/simulator/index.ts';
import { auth, MAS_TOKEN, scimJson, startProxy } from '../support/proxy.ts';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

async function setup(t: test.TestContext, env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'groups-'));
  const table = path.join(dir, 'groups.yaml');
  await writeFile(table, 'Maximo Supervisors: AP_MAXIMO_SUPERVISORS\n"Maximo Planners": AP_MAXIMO_PLANNERS\n');
  const sim = await startSimulator({
    staticTokens: [MAS_TOKEN],
    profiles: [{ id: 'p1', version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } }],
  });
  const proxy = await startProxy(sim.url, { GROUP_MAP_FILE: table, ...env });
  t.after(async () => {
    await proxy.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { sim, proxy };
}

test("Entra's lookup by display name finds the existing Maximo group and shows Entra's name", async (t) => {
  const { sim, proxy } = await setup(t);
  sim.seedGroup('p1', {
    schemas: [GROUP],
    id: 'AP_MAXIMO_SUPERVISORS',
    displayName: 'AP_MAXIMO_SUPERVISORS',
    members: [],
  });
  const filter = encodeURIComponent('displayName eq "Maximo Supervisors"');
  const res = await fetch(`${proxy.url}/scim/v2/p1/Groups?excludedAttributes=members&filter=${filter}`, {
    headers: auth,
  });
  const list = (await res.json()) as { totalResults: number; Resources: { id: string; displayName: string }[] };
  assert.equal(list.totalResults, 1);
  assert.equal(list.Resources[0]?.id, 'AP_MAXIMO_SUPERVISORS');
  assert.equal(list.Resources[0]?.displayName, 'Maximo Supervisors');
});

test('a created group gets its Maximo name in MAS and keeps its Entra name in the answer', async (t) => {
  const { sim, proxy } = await setup(t);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Groups`, {
    method: 'POST',
    headers: scimJson,
    body: JSON.stringify({ schemas: [GROUP], displayName: 'Maximo Planners', externalId: 'e1' }),
  });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { id: string; displayName: string };
  assert.equal(created.id, 'AP_MAXIMO_PLANNERS');
  assert.equal(created.displayName, 'Maximo Planners');
  assert.equal(sim.group('p1', 'AP_MAXIMO_PLANNERS')?.displayName, 'AP_MAXIMO_PLANNERS');
});

test('a name not in the table is derived when GROUP_NAME_DERIVATION=upper-snake', async (t) => {
  const { sim, proxy } = await setup(t, { GROUP_NAME_DERIVATION: 'upper-snake' });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Groups`, {
    method: 'POST',
    headers: scimJson,
    body: JSON.stringify({ schemas: [GROUP], displayName: 'Field Technicians (North)' }),
  });
  assert.equal(((await res.json()) as { displayName: string }).displayName, 'Field Technicians (North)');
  assert.ok(sim.group('p1', 'FIELD_TECHNICIANS_NORTH'));
});

test('a rename maps the new name; users are untouched', async (t) => {
  const { sim, proxy } = await setup(t);
  sim.seedGroup('p1', { schemas: [GROUP], id: 'G1', displayName: 'G1', members: [] });
  const rename = await fetch(`${proxy.url}/scim/v2/p1/Groups/G1`, {
    method: 'PATCH',
    headers: scimJson,
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Maximo Supervisors' }],
    }),
  });
  assert.ok(rename.status < 300);
  assert.equal(sim.group('p1', 'G1')?.displayName, 'AP_MAXIMO_SUPERVISORS');
  const user = await fetch(`${proxy.url}/scim/v2/p1/Users`, {
    method: 'POST',
    headers: scimJson,
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'a@b.c',
      displayName: 'Maximo Supervisors',
    }),
  });
  assert.equal(((await user.json()) as { displayName: string }).displayName, 'Maximo Supervisors');
  assert.equal(sim.users('p1')[0]?.displayName, 'Maximo Supervisors');
});
