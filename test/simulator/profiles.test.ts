import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulator } from '../../src/simulator/index.ts';
import { call, token } from './client.ts';

const masProfile = {
  id: 'MasProfile1',
  version: 1,
  identities: [{ id: 'default-saml', type: 'saml', samlId: 'externalId' }],
  entitlement: { application: 'BASE' },
  runtimeConfigs: { useGroupDisplayNameAsGroupId: true },
  workspaces: [{ id: 'test', applications: ['manage'] }],
};

test('creates a profile with 201 and returns it by id, with MAS audit meta', async (t) => {
  const sim = await startSimulator({ staticTokens: [token] });
  t.after(() => sim.close());
  const created = await call(sim, 'POST', '/scim/v2/Profiles', masProfile);
  assert.equal(created.status, 201);
  const read = await call(sim, 'GET', '/scim/v2/Profiles/MasProfile1');
  assert.equal(read.status, 200);
  assert.deepEqual(read.body.workspaces, masProfile.workspaces);
  assert.equal(typeof read.body.meta.added.timestamp, 'string');
  assert.equal(sim.profile('MasProfile1')?.entitlement?.application, 'BASE');
});

test('lists profiles', async (t) => {
  const sim = await startSimulator({
    staticTokens: [token],
    profiles: [masProfile, { id: 'p2', version: 3 }],
  });
  t.after(() => sim.close());
  const list = await call(sim, 'GET', '/scim/v2/Profiles');
  assert.equal(list.body.totalResults, 2);
  assert.deepEqual(list.body.Resources.map((p: { id: string }) => p.id).sort(), ['MasProfile1', 'p2']);
});

test('answers 409 to a second profile with the same id and 400 to one without a version', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], profiles: [masProfile] });
  t.after(() => sim.close());
  assert.equal((await call(sim, 'POST', '/scim/v2/Profiles', masProfile)).status, 409);
  const invalid = await call(sim, 'POST', '/scim/v2/Profiles', { id: 'p3' });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.scimType, 'invalidValue');
});

test('applies a PUT whose version increases', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], profiles: [masProfile] });
  t.after(() => sim.close());
  const put = await call(sim, 'PUT', '/scim/v2/Profiles/MasProfile1', {
    ...masProfile,
    version: 2,
    entitlement: { application: 'PREMIUM' },
  });
  assert.equal(put.status, 200);
  assert.equal(put.body.version, 2);
  assert.equal(sim.profile('MasProfile1')?.entitlement?.application, 'PREMIUM');
  assert.equal(typeof sim.profile('MasProfile1')?.meta?.updated?.timestamp, 'string');
});

test('ignores a PUT whose version does not increase, answering the stored profile', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], profiles: [{ ...masProfile, version: 2 }] });
  t.after(() => sim.close());
  for (const version of [2, 1]) {
    const put = await call(sim, 'PUT', '/scim/v2/Profiles/MasProfile1', {
      ...masProfile,
      version,
      entitlement: { application: 'PREMIUM' },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.entitlement.application, 'BASE');
  }
  assert.equal(sim.profile('MasProfile1')?.entitlement?.application, 'BASE');
});

test('applies any PUT when the version gate is off', async (t) => {
  const sim = await startSimulator({
    staticTokens: [token],
    profiles: [masProfile],
    profileVersionGate: false,
  });
  t.after(() => sim.close());
  await call(sim, 'PUT', '/scim/v2/Profiles/MasProfile1', {
    ...masProfile,
    entitlement: { application: 'PREMIUM' },
  });
  assert.equal(sim.profile('MasProfile1')?.entitlement?.application, 'PREMIUM');
});

test('deletes a profile, then answers 404 for it', async (t) => {
  const sim = await startSimulator({ staticTokens: [token], profiles: [masProfile] });
  t.after(() => sim.close());
  assert.equal((await call(sim, 'DELETE', '/scim/v2/Profiles/MasProfile1')).status, 204);
  const gone = await call(sim, 'GET', '/scim/v2/Profiles/MasProfile1');
  assert.equal(gone.status, 404);
  assert.equal(gone.body.status, '404');
  assert.equal((await call(sim, 'PUT', '/scim/v2/Profiles/MasProfile1', masProfile)).status, 404);
  assert.equal((await call(sim, 'DELETE', '/scim/v2/Profiles/MasProfile1')).status, 404);
});
