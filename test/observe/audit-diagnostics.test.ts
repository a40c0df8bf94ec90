// One audit line answers "what happened and why": the path as received, the id MAS gave what was
// created (Entra's provisioning log shows it as the target id), and the refusal's detail.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { type AuditRecord, createAuditLog } from '../../src/observe/audit.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { auth, MAS_TOKEN, scimJson, startProxy } from '../support/proxy.ts';

async function setup(t: test.TestContext, env: Record<string, string> = {}, hashPersonalData = false) {
  const sim = await startSimulator({ staticTokens: [MAS_TOKEN], groupIdSuffix: () => 'abcdef' });
  const stream = new PassThrough();
  const records: AuditRecord[] = [];
  stream.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line));
  });
  const proxy = await startProxy(sim.url, env, [createAuditLog({ stream, hashPersonalData })]);
  t.after(async () => {
    await proxy.close();
    await sim.close();
  });
  const last = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return records.at(-1) as AuditRecord;
  };
  return { proxy, last };
}

const alice = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'alice@contoso.com', active: true };

test('a created user: the audit has the path as received and the id MAS gave it', async (t) => {
  const { proxy, last } = await setup(t);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users?aadOptscim062020`, {
    method: 'POST',
    headers: scimJson,
    body: JSON.stringify(alice),
  });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { id: string };
  const record = await last();
  assert.equal(record.path, '/scim/v2/p1/Users');
  assert.equal(record.createdId, created.id);
  assert.equal(record.detail, null);
});

test('a refusal carries its detail text, the same Entra was given', async (t) => {
  const { proxy, last } = await setup(t);
  const res = await fetch(`${proxy.url}/scim/v2/p1/Groups/g1`, {
    method: 'PATCH',
    headers: scimJson,
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: 'members' }],
    }),
  });
  const body = (await res.json()) as { detail: string };
  const record = await last();
  assert.equal(record.outcome, 'refused');
  assert.equal(record.detail, body.detail);
  assert.match(String(record.detail), /every member/);
});

test('a wrong Tenant URL shows in the audit as received, with why it was refused', async (t) => {
  const { proxy, last } = await setup(t, { MAS_PROFILES: 'p1' });
  await fetch(`${proxy.url}/scim/v2/Users?filter=x`, { headers: auth });
  const record = await last();
  assert.equal(record.path, '/scim/v2/Users');
  assert.equal(record.profile, null);
  assert.equal(record.error, 'profile_missing');
  assert.match(String(record.detail), /names no MAS profile/);
});

test("MAS's own error detail is kept, and dropped when personal data is hashed", async (t) => {
  const plain = await setup(t);
  const path = `${plain.proxy.url}/scim/v2/p1/Users`;
  await fetch(path, { method: 'POST', headers: scimJson, body: JSON.stringify(alice) });
  const again = await fetch(path, { method: 'POST', headers: scimJson, body: JSON.stringify(alice) });
  assert.equal(again.status, 409);
  assert.ok((await plain.last()).detail, 'MAS said why');
  const hashed = await setup(t, {}, true);
  const created = await fetch(`${hashed.proxy.url}/scim/v2/p1/Users`, {
    method: 'POST',
    headers: scimJson,
    body: JSON.stringify(alice),
  });
  const { id } = (await created.json()) as { id: string };
  const record = await hashed.last();
  assert.ok(record.createdId && record.createdId !== id, 'the created user id is hashed like the resource id');
  await fetch(`${hashed.proxy.url}/scim/v2/p1/Users/${encodeURIComponent(id)}`, { headers: auth });
  assert.doesNotMatch((await hashed.last()).path, new RegExp(id));
});
